import { describe, expect, it } from 'vitest';
import {
  codeRange, dequantizeYcbcrPlane, quantizeYcbcrPlane, rgbToYcbcr, rgbToYcbcrFloat, rgbToYcbcrPlanes,
  ycbcrFloatToRgb, ycbcrToRgb, ycbcrToRgbPlanes,
} from '../../src/color/index.js';
import type { BitDepth, Matrix, Range, YcbcrSpec } from '../../src/color/index.js';
import { maxAbsError, seededRandom } from './helpers.js';

const MATRICES: Matrix[] = ['bt709', 'bt2020nc'];
const DEPTHS: BitDepth[] = [8, 10, 12];

function planeFor(bitDepth: BitDepth, n: number): Uint8Array | Uint16Array {
  return bitDepth === 8 ? new Uint8Array(n) : new Uint16Array(n);
}

/** ~`steps` codes from lo to hi inclusive. */
function codes(lo: number, hi: number, steps: number): number[] {
  const out: number[] = [];
  const step = Math.max(1, Math.floor((hi - lo) / steps));
  for (let c = lo; c < hi; c += step) out.push(c);
  out.push(hi);
  return out;
}

/** 'none', or a description of the first code triple that did not come back. */
function firstMismatch(want: readonly ArrayLike<number>[], got: readonly ArrayLike<number>[]): string {
  const [wy, wb, wr] = want as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  const [gy, gb, gr] = got as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  for (let i = 0; i < wy.length; i++) {
    if (wy[i] !== gy[i] || wb[i] !== gb[i] || wr[i] !== gr[i]) {
      return `sample ${i}: ${wy[i]},${wb[i]},${wr[i]} came back as ${gy[i]},${gb[i]},${gr[i]}`;
    }
  }
  return 'none';
}

describe('code ranges', () => {
  it('follow BT.2100 Table 9', () => {
    expect(codeRange({ matrix: 'bt709', range: 'limited', bitDepth: 10 })).toEqual({ yScale: 876, yOffset: 64, cScale: 896, cOffset: 512, max: 1023 });
    expect(codeRange({ matrix: 'bt709', range: 'full', bitDepth: 8 })).toEqual({ yScale: 255, yOffset: 0, cScale: 255, cOffset: 128, max: 255 });
  });

  it('rejects unknown specs', () => {
    expect(() => codeRange({ matrix: 'bt709', range: 'limited', bitDepth: 9 as BitDepth })).toThrow(/bitDepth must be 8, 10 or 12, got 9/);
    expect(() => codeRange({ matrix: 'bt709', range: 'tv' as Range, bitDepth: 8 })).toThrow(RangeError);
  });
});

describe('R\'G\'B\' → Y\'CbCr', () => {
  it('puts white and black at the nominal codes', () => {
    for (const matrix of MATRICES) {
      expect(rgbToYcbcr({ matrix, range: 'limited', bitDepth: 10 }, 1, 1, 1)).toEqual([940, 512, 512]);
      expect(rgbToYcbcr({ matrix, range: 'limited', bitDepth: 8 }, 1, 1, 1)).toEqual([235, 128, 128]);
      expect(rgbToYcbcr({ matrix, range: 'limited', bitDepth: 12 }, 0, 0, 0)).toEqual([256, 2048, 2048]);
      expect(rgbToYcbcr({ matrix, range: 'full', bitDepth: 10 }, 1, 1, 1)).toEqual([1023, 512, 512]);
    }
  });

  it('puts saturated blue at Cb = 240 and red at Cr = 240 (8-bit limited)', () => {
    expect(rgbToYcbcr({ matrix: 'bt709', range: 'limited', bitDepth: 8 }, 0, 0, 1)[1]).toBe(240);
    expect(rgbToYcbcr({ matrix: 'bt2020nc', range: 'limited', bitDepth: 8 }, 1, 0, 0)[2]).toBe(240);
  });

  it('uses the matrix luma weights', () => {
    // Pure green: Y' = Kg, so 709 and 2020 must differ.
    expect(rgbToYcbcr({ matrix: 'bt709', range: 'full', bitDepth: 12 }, 0, 1, 0)[0]).toBe(Math.round(4095 * 0.7152));
    expect(rgbToYcbcr({ matrix: 'bt2020nc', range: 'full', bitDepth: 12 }, 0, 1, 0)[0]).toBe(Math.round(4095 * 0.678));
  });

  it('planes agree with the scalar and clamp only to the container range', () => {
    const spec: YcbcrSpec = { matrix: 'bt2020nc', range: 'limited', bitDepth: 10 };
    const r = new Float32Array([1, -0.05, 2, 0.3]);
    const g = new Float32Array([1, -0.05, -1, 0.6]);
    const b = new Float32Array([1, -0.05, 0.5, 0.1]);
    const [y, cb, cr] = rgbToYcbcrPlanes(spec, r, g, b, new Uint16Array(4), new Uint16Array(4), new Uint16Array(4));
    expect([y[0], cb[0], cr[0]]).toEqual([940, 512, 512]);
    expect(y[1]).toBe(Math.round(64 - 0.05 * 876)); // footroom kept: 20, not 64
    for (let i = 0; i < 4; i++) {
      expect([y[i], cb[i], cr[i]]).toEqual(rgbToYcbcr(spec, r[i]!, g[i]!, b[i]!));
      for (const c of [y[i]!, cb[i]!, cr[i]!]) {
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(1023);
      }
    }
    expect(cr[2]).toBe(1023); // R'−Y' far beyond +0.5: clamped to the container, not to 960
  });

  it('refuses 8-bit containers for 10-bit codes', () => {
    const p = new Float32Array(2);
    expect(() => rgbToYcbcrPlanes({ matrix: 'bt709', range: 'limited', bitDepth: 10 }, p, p, p, new Uint8Array(2), new Uint8Array(2), new Uint8Array(2)))
      .toThrow(new TypeError('rgbToYcbcrPlanes: 10-bit Y\'CbCr needs Uint16Array planes, got Uint8Array'));
  });
});

describe('Y\'CbCr → R\'G\'B\'', () => {
  it('decodes nominal white and black', () => {
    const w = ycbcrToRgb({ matrix: 'bt709', range: 'limited', bitDepth: 8 }, 235, 128, 128);
    w.forEach((v) => expect(v).toBeCloseTo(1, 12));
    const k = ycbcrToRgb({ matrix: 'bt2020nc', range: 'full', bitDepth: 10 }, 0, 512, 512);
    k.forEach((v) => expect(v).toBeCloseTo(0, 12));
  });

  it('does not clamp out-of-range results', () => {
    const [r] = ycbcrToRgb({ matrix: 'bt709', range: 'limited', bitDepth: 8 }, 255, 128, 255);
    expect(r).toBeGreaterThan(1.1);
  });

  for (const range of ['limited', 'full'] as const) {
    for (const matrix of MATRICES) {
      for (const bitDepth of DEPTHS) {
        it(`round-trips integer codes exactly (${matrix}, ${range}, ${bitDepth}-bit)`, () => {
          const spec: YcbcrSpec = { matrix, range, bitDepth };
          const k = 2 ** (bitDepth - 8);
          const max = 2 ** bitDepth - 1;
          const ys = range === 'limited' ? codes(16 * k, 235 * k, 60) : codes(0, max, 60);
          const cs = range === 'limited' ? codes(16 * k, 240 * k, 60) : codes(0, max, 60);
          const n = ys.length * cs.length * cs.length;
          const y = planeFor(bitDepth, n);
          const cb = planeFor(bitDepth, n);
          const cr = planeFor(bitDepth, n);
          let i = 0;
          for (const yv of ys) for (const u of cs) for (const v of cs) { y[i] = yv; cb[i] = u; cr[i] = v; i++; }
          const rgb = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
          ycbcrToRgbPlanes(spec, y, cb, cr, rgb[0], rgb[1], rgb[2]);
          const back = [planeFor(bitDepth, n), planeFor(bitDepth, n), planeFor(bitDepth, n)] as const;
          rgbToYcbcrPlanes(spec, rgb[0], rgb[1], rgb[2], back[0], back[1], back[2]);
          expect(firstMismatch([y, cb, cr], back)).toBe('none');
        });
      }
    }
  }
});

describe('float Y\'CbCr', () => {
  const rnd = seededRandom(5, -0.2, 1.2);
  const n = 4096;
  const r = Float32Array.from({ length: n }, rnd);
  const g = Float32Array.from({ length: n }, rnd);
  const b = Float32Array.from({ length: n }, rnd);

  for (const matrix of MATRICES) {
    it(`round-trips within 1e-6, in place (${matrix})`, () => {
      const p = [r.slice(), g.slice(), b.slice()] as const;
      rgbToYcbcrFloat(matrix, p[0], p[1], p[2], p[0], p[1], p[2]);
      expect(maxAbsError(p[0], r)).toBeGreaterThan(0.1); // it really did convert
      ycbcrFloatToRgb(matrix, p[0], p[1], p[2], p[0], p[1], p[2]);
      expect(maxAbsError(p[0], r)).toBeLessThan(1e-6);
      expect(maxAbsError(p[1], g)).toBeLessThan(1e-6);
      expect(maxAbsError(p[2], b)).toBeLessThan(1e-6);
    });
  }

  it('keeps Cb/Cr within ±0.5 for in-gamut colours', () => {
    // Pixel 0 is pure blue, pixel 1 pure red.
    const r3 = new Float32Array([0, 1, 0]);
    const g3 = new Float32Array([0, 0, 1]);
    const b3 = new Float32Array([1, 0, 0]);
    const [, cb, cr] = rgbToYcbcrFloat('bt2020nc', r3, g3, b3, new Float32Array(3), new Float32Array(3), new Float32Array(3));
    expect(cb[0]).toBeCloseTo(0.5, 6);
    expect(cr[1]).toBeCloseTo(0.5, 6);
  });

  it('float → quantise matches the direct integer path, and dequantise inverts it', () => {
    const spec: YcbcrSpec = { matrix: 'bt709', range: 'limited', bitDepth: 10 };
    const f = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
    rgbToYcbcrFloat(spec.matrix, r, g, b, f[0], f[1], f[2]);
    const qy = quantizeYcbcrPlane(spec, 'luma', f[0], new Uint16Array(n));
    const qcb = quantizeYcbcrPlane(spec, 'chroma', f[1], new Uint16Array(n));
    const direct = rgbToYcbcrPlanes(spec, r, g, b, new Uint16Array(n), new Uint16Array(n), new Uint16Array(n));
    // Same maths in a different order: at most one code apart where a value sits on a .5.
    expect(maxAbsError(qy, direct[0])).toBeLessThanOrEqual(1);
    expect(maxAbsError(qcb, direct[1])).toBeLessThanOrEqual(1);
    const dy = dequantizeYcbcrPlane(spec, 'luma', qy, new Float32Array(n));
    expect(maxAbsError(quantizeYcbcrPlane(spec, 'luma', dy, new Uint16Array(n)), qy)).toBe(0);
  });
});
