import { describe, expect, it } from 'vitest';
import {
  bt1886Eotf, bt1886EotfPlane, bt1886InverseEotf, bt1886InverseEotfPlane, bt709InverseOetf,
  bt709InverseOetfPlane, bt709Oetf, bt709OetfPlane, srgbDecode, srgbDecodePlane, srgbEncode,
  srgbEncodePlane,
} from '../../src/color/index.js';
import { linSpace, maxAbsError } from './helpers.js';

describe('BT.709 OETF', () => {
  it('has the standard shape', () => {
    expect(bt709Oetf(0)).toBe(0);
    expect(bt709Oetf(1)).toBeCloseTo(1, 12);
    expect(bt709Oetf(0.01)).toBeCloseTo(0.045, 12); // linear toe, 4.5·L
    expect(bt709Oetf(0.18)).toBeCloseTo(0.409, 3); // 18% grey
  });

  it('is continuous at the knee and its inverse agrees on both sides of it', () => {
    for (const l of [0.0180539, 0.018054, 0.0181]) {
      expect(bt709InverseOetf(bt709Oetf(l))).toBeCloseTo(l, 12);
    }
    const knee = 0.018053968510807;
    expect(Math.abs(bt709Oetf(knee + 1e-12) - bt709Oetf(knee - 1e-12))).toBeLessThan(1e-9);
  });

  it('round-trips planes in place', () => {
    const ls = linSpace(-0.1, 1.2, 1301);
    const p = Float32Array.from(ls);
    bt709OetfPlane(p, p);
    expect(p[1100]).toBeCloseTo(1, 6);
    bt709InverseOetfPlane(p, p);
    expect(maxAbsError(p, ls)).toBeLessThan(1e-6);
  });
});

describe('BT.1886 EOTF', () => {
  it('is a pure 2.4 power when Lb = 0', () => {
    expect(bt1886Eotf(1)).toBeCloseTo(100, 10);
    expect(bt1886Eotf(0)).toBe(0);
    expect(bt1886Eotf(0.5)).toBeCloseTo(100 * 0.5 ** 2.4, 10);
  });

  it('honours Lw and Lb at the ends of the signal range', () => {
    expect(bt1886Eotf(0, 200, 0.1)).toBeCloseTo(0.1, 10);
    expect(bt1886Eotf(1, 200, 0.1)).toBeCloseTo(200, 9);
    expect(bt1886Eotf(-1, 200, 0.1)).toBe(0);
  });

  it('inverts (scalar and planes)', () => {
    const vs = linSpace(0, 1, 501);
    expect(maxAbsError(vs.map((v) => bt1886InverseEotf(bt1886Eotf(v, 120, 0.05), 120, 0.05)), vs)).toBeLessThan(1e-12);
    const p = Float32Array.from(vs);
    bt1886EotfPlane(p, p, 120, 0.05);
    expect(p[500]).toBeCloseTo(120, 3);
    bt1886InverseEotfPlane(p, p, 120, 0.05);
    expect(maxAbsError(p, vs)).toBeLessThan(1e-6);
  });

  it('rejects Lb ≥ Lw', () => {
    expect(() => bt1886Eotf(0.5, 100, 100)).toThrow(/Lb must be in \[0, Lw=100\)/);
  });
});

describe('sRGB', () => {
  it('matches IEC 61966-2-1 values', () => {
    expect(srgbEncode(0.5)).toBeCloseTo(0.735357, 6);
    expect(srgbDecode(0.5)).toBeCloseTo(0.214041, 6);
    expect(srgbDecode(128 / 255)).toBeCloseTo(0.2158605, 6);
    expect(srgbEncode(0.002)).toBeCloseTo(0.02584, 6); // linear toe, 12.92·L
    expect(srgbEncode(1)).toBeCloseTo(1, 12);
  });

  it('round-trips (scalar and planes)', () => {
    const ls = linSpace(0, 1, 1001);
    expect(maxAbsError(ls.map((l) => srgbDecode(srgbEncode(l))), ls)).toBeLessThan(1e-12);
    const p = Float32Array.from(ls);
    const out = srgbEncodePlane(p, new Float32Array(p.length));
    expect(out[500]).toBeCloseTo(0.735357, 6);
    srgbDecodePlane(out, out);
    expect(maxAbsError(out, ls)).toBeLessThan(1e-6);
  });
});
