import { describe, expect, it } from 'vitest';
import {
  hlgDecodePlanes, hlgEncodePlanes, hlgInverseOetf, hlgInverseOetfPlane, hlgInverseOotf,
  hlgInverseOotfPlanes, hlgOetf, hlgOetfPlane, hlgOotf, hlgOotfPlanes, hlgSystemGamma,
} from '../../src/color/index.js';
import { linSpace, maxAbsError, maxRelError, seededRandom } from './helpers.js';

describe('hlgOetf', () => {
  it('hits the BT.2100 reference points', () => {
    expect(hlgOetf(0)).toBe(0);
    expect(hlgOetf(1 / 12)).toBeCloseTo(0.5, 12);
    expect(Math.abs(hlgOetf(1) - 1)).toBeLessThan(1e-6);
    expect(hlgOetf(-0.1)).toBe(0);
  });

  it('is continuous where the sqrt and log segments meet', () => {
    const k = 1 / 12;
    expect(Math.abs(hlgOetf(k + 1e-9) - hlgOetf(k - 1e-9))).toBeLessThan(1e-6);
  });

  it('inverts exactly (float64) and in planes (float32)', () => {
    const es = linSpace(0, 1, 1001);
    expect(maxAbsError(es.map((e) => hlgInverseOetf(hlgOetf(e))), es)).toBeLessThan(1e-12);
    const plane = Float32Array.from(es);
    hlgOetfPlane(plane, plane);
    expect(plane[1000]).toBeCloseTo(1, 6);
    hlgInverseOetfPlane(plane, plane);
    expect(maxAbsError(plane, es)).toBeLessThan(1e-6);
  });
});

describe('hlgSystemGamma', () => {
  it('is 1.2 at 1000 cd/m² and follows 1.2 + 0.42·log10(Lw/1000)', () => {
    expect(hlgSystemGamma(1000)).toBe(1.2);
    expect(hlgSystemGamma(2000)).toBeCloseTo(1.326433, 6);
    expect(hlgSystemGamma(400)).toBeCloseTo(1.032865, 6);
  });
});

describe('HLG OOTF', () => {
  it('maps neutral grey E to 1000·E^1.2 at Lw = 1000', () => {
    for (const e of [0.01, 0.1, 0.26, 0.5, 1]) {
      const [r, g, b] = hlgOotf(e, e, e);
      const want = 1000 * e ** 1.2;
      expect(r).toBeCloseTo(want, 9);
      expect(g).toBeCloseTo(want, 9);
      expect(b).toBeCloseTo(want, 9);
    }
  });

  it('puts the 75% HLG signal (reference white) at ≈203 cd/m² on a 1000 cd/m² display (BT.2408)', () => {
    const s = new Float32Array([0.75]);
    const [r] = hlgDecodePlanes(s, s.slice(), s.slice(), new Float32Array(1), new Float32Array(1), new Float32Array(1), 1000);
    expect(Math.abs(r[0]! - 203)).toBeLessThan(0.5);
  });

  it('keeps chromaticity: channel ratios survive, unlike a per-channel E^γ', () => {
    const e: [number, number, number] = [0.8, 0.2, 0.05];
    const [r, g, b] = hlgOotf(...e);
    expect(r / g).toBeCloseTo(e[0] / e[1], 12);
    expect(b / g).toBeCloseTo(e[2] / e[1], 12);
    // The per-channel form changes the ratio by (0.8/0.2)^0.2 ≈ 1.32 — the test would catch it.
    const perChannel = e.map((v) => 1000 * v ** 1.2);
    expect(Math.abs(perChannel[0]! / perChannel[1]! - e[0] / e[1])).toBeGreaterThan(0.5);
  });

  it('planes agree with the scalar and include the black lift β = Lb', () => {
    const lw = 1500;
    const lb = 0.05;
    const r = new Float32Array([0, 0.3, 1, 0.02]);
    const g = new Float32Array([0, 0.1, 1, 0.5]);
    const b = new Float32Array([0, 0.9, 1, 0.04]);
    const out = [new Float32Array(4), new Float32Array(4), new Float32Array(4)] as const;
    hlgOotfPlanes(r, g, b, out[0], out[1], out[2], lw, lb);
    expect(out[0][0]).toBeCloseTo(lb, 6); // black → Lb
    expect(out[1][2]).toBeCloseTo(lw, 3); // white → Lw
    // Chromaticity kept in the planar path too (after removing the black lift).
    expect((out[0][1]! - lb) / (out[1][1]! - lb)).toBeCloseTo(0.3 / 0.1, 4);
    for (let i = 0; i < 4; i++) {
      const want = hlgOotf(r[i]!, g[i]!, b[i]!, lw, lb);
      for (let c = 0; c < 3; c++) expect(out[c]![i]! / want[c]!).toBeCloseTo(1, 5);
    }
  });

  it('inverse OOTF round-trips scene light (scalar, float64)', () => {
    const rnd = seededRandom(7);
    for (let k = 0; k < 200; k++) {
      const e: [number, number, number] = [rnd(), rnd(), rnd()];
      const back = hlgInverseOotf(...hlgOotf(...e, 2000, 0.1), 2000, 0.1);
      expect(maxAbsError(back, e)).toBeLessThan(1e-12);
    }
  });

  it('inverse OOTF round-trips planes in place (float32)', () => {
    const rnd = seededRandom(11, 0.001, 1);
    const n = 5000;
    const src = [0, 1, 2].map(() => Float32Array.from({ length: n }, rnd)) as [Float32Array, Float32Array, Float32Array];
    const [r, g, b] = src.map((p) => p.slice()) as [Float32Array, Float32Array, Float32Array];
    hlgOotfPlanes(r, g, b, r, g, b, 1000, 0.01);
    expect(maxAbsError(r, src[0])).toBeGreaterThan(1); // now display light, not scene light
    hlgInverseOotfPlanes(r, g, b, r, g, b, 1000, 0.01);
    expect(maxRelError(r, src[0], 1e-3)).toBeLessThan(1e-4);
    expect(maxRelError(g, src[1], 1e-3)).toBeLessThan(1e-4);
    expect(maxRelError(b, src[2], 1e-3)).toBeLessThan(1e-4);
  });

  it('encode/decode planes round-trip the HLG signal', () => {
    const rnd = seededRandom(3);
    const n = 2000;
    const sig = [0, 1, 2].map(() => Float32Array.from({ length: n }, rnd)) as [Float32Array, Float32Array, Float32Array];
    const light = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
    hlgDecodePlanes(sig[0], sig[1], sig[2], light[0], light[1], light[2], 1000);
    const back = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
    hlgEncodePlanes(light[0], light[1], light[2], back[0], back[1], back[2], 1000);
    for (let c = 0; c < 3; c++) expect(maxAbsError(back[c]!, sig[c]!)).toBeLessThan(1e-5);
  });

  it('rejects an impossible display', () => {
    expect(() => hlgOotf(0.5, 0.5, 0.5, 1000, 1000)).toThrow(RangeError);
    expect(() => hlgOotf(0.5, 0.5, 0.5, -1)).toThrow(/Lw \(display peak\)/);
  });
});
