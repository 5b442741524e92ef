import { describe, expect, it } from 'vitest';
import { chromaSize, downsampleChroma, upsampleChroma } from '../../src/color/index.js';
import type { Subsampling } from '../../src/color/index.js';

const BOTH: Subsampling[] = ['420', '422'];

function plane(w: number, h: number, f: (x: number, y: number) => number): Float32Array {
  const p = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) p[y * w + x] = f(x, y);
  return p;
}

function roundTrip(src: Float32Array, w: number, h: number, s: Subsampling): { sub: Float32Array; back: Float32Array } {
  const { width, height } = chromaSize(w, h, s);
  const sub = downsampleChroma(src, w, h, new Float32Array(width * height), s);
  const back = upsampleChroma(sub, w, h, new Float32Array(w * h), s);
  return { sub, back };
}

describe('chromaSize', () => {
  it('rounds odd sizes up', () => {
    expect(chromaSize(641, 361, '420')).toEqual({ width: 321, height: 181 });
    expect(chromaSize(641, 361, '422')).toEqual({ width: 321, height: 361 });
    expect(chromaSize(1920, 1080, '420')).toEqual({ width: 960, height: 540 });
  });
});

describe('downsampleChroma / upsampleChroma', () => {
  for (const s of BOTH) {
    it(`keeps a constant plane constant at odd sizes (${s})`, () => {
      const { sub, back } = roundTrip(plane(641, 361, () => 0.3125), 641, 361, s);
      expect(sub.length).toBe(s === '420' ? 321 * 181 : 321 * 361);
      expect(sub.every((v) => v === 0.3125)).toBe(true);
      expect(back.every((v) => v === 0.3125)).toBe(true);
    });

    it(`samples chroma on even columns, and a horizontal ramp survives away from the edge (${s})`, () => {
      const w = 64;
      const h = 9;
      const { sub, back } = roundTrip(plane(w, h, (x) => x / 64), w, h, s);
      const cw = 32;
      // Co-sited: chroma column j carries luma column 2j (a centred filter would give 2j + 0.5).
      for (let j = 1; j < cw; j++) expect(sub[cw + j]!).toBeCloseTo((2 * j) / 64, 6);
      // Column 0's filter clamps at the edge, which also reaches column 1; from 2 on it is exact.
      for (let y = 0; y < h; y++) {
        for (let x = 2; x < w - 1; x++) expect(Math.abs(back[y * w + x]! - x / 64)).toBeLessThan(1e-6);
      }
    });
  }

  it('places 4:2:0 chroma rows halfway between luma rows; a vertical ramp survives inside', () => {
    const w = 8;
    const h = 20;
    const { sub, back } = roundTrip(plane(w, h, (_, y) => y), w, h, '420');
    for (let i = 0; i < 10; i++) expect(sub[i * 4 + 2]!).toBeCloseTo(2 * i + 0.5, 6);
    for (let y = 1; y < h - 1; y++) {
      for (let x = 0; x < w; x++) expect(back[y * w + x]!).toBeCloseTo(y, 5);
    }
  });

  it('uses the [1,2,1]/4 filter with clamped edges (3×3 → 2×2 worked by hand)', () => {
    const src = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const sub = downsampleChroma(src, 3, 3, new Float32Array(4), '420');
    expect(Array.from(sub)).toEqual([1.75, 3.25, 6.25, 7.75]);
  });

  it('interpolates upward by hand-checked weights', () => {
    // 2×2 chroma for a 4×4 picture: rows blend 3/4 nearest + 1/4 next, odd columns average.
    const up = upsampleChroma(Float32Array.from([0, 4, 8, 12]), 4, 4, new Float32Array(16), '420');
    expect(Array.from(up.subarray(0, 4))).toEqual([0, 2, 4, 4]); // row 0 clamps upward to itself
    expect(Array.from(up.subarray(4, 8))).toEqual([2, 4, 6, 6]); // row 1 = 3/4·row0 + 1/4·row1
    expect(Array.from(up.subarray(8, 12))).toEqual([6, 8, 10, 10]);
  });

  it('rejects a dst of the wrong size with the expected dimensions', () => {
    expect(() => downsampleChroma(new Float32Array(641 * 361), 641, 361, new Float32Array(320 * 180), '420'))
      .toThrow(/dst has 57600 samples, expected 321×181 = 58101 for 420 of 641×361/);
    expect(() => upsampleChroma(new Float32Array(4), 0, 4, new Float32Array(0), '422')).toThrow(/width must be a positive integer, got 0/);
  });
});
