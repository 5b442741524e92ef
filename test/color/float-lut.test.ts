import { describe, expect, it } from 'vitest';
import { applyFloatLut, buildFloatLut } from '../../src/color/float-lut.js';
import { powPositive } from '../../src/color/pow.js';
import { maxRelError, seededRandom } from './helpers.js';

describe('buildFloatLut / applyFloatLut', () => {
  const cube = (x: number): number => (x > 0 ? x * x * x : -1);
  const lut = buildFloatLut(cube, -10, 4, 8);

  it('is exact at the knots and close (p(p−1)/8·2^-16 ≈ 1e-5) between them', () => {
    const knots = new Float32Array([2 ** -10, 0.5, 1, 1 + 1 / 256, 3.5, 15.9375]);
    const out = applyFloatLut(lut, knots, new Float32Array(knots.length));
    expect(maxRelError(out, Array.from(knots, cube))).toBeLessThan(1e-7);
    const rnd = seededRandom(1, 0.001, 15.9);
    const xs = Float32Array.from({ length: 20000 }, rnd);
    const err = maxRelError(applyFloatLut(lut, xs, new Float32Array(xs.length)), Array.from(xs, cube));
    expect(err).toBeLessThan(1.2e-5);
    expect(err).toBeGreaterThan(1e-7); // it really interpolates (a cubic is not piecewise linear)
  });

  it('falls back to the exact function outside its range, and works in place', () => {
    const xs = new Float32Array([0, -2, Number.NaN, 2 ** -11, 16, 1e30, 2]);
    applyFloatLut(lut, xs, xs);
    expect(Array.from(xs)).toEqual([-1, -1, -1, 2 ** -33, 4096, Infinity, 8]);
  });

  it('validates its arguments', () => {
    expect(() => buildFloatLut(cube, -130, 0, 8)).toThrow(/-126 ≤ minExp < maxExp ≤ 127, got -130, 0/);
    expect(() => buildFloatLut(cube, 0, 1, 0)).toThrow(/mantissaBits must be an integer in \[1, 16\], got 0/);
  });
});

describe('powPositive', () => {
  it('agrees with ** to ~1e-14 relative', () => {
    for (const [x, e] of [[0.25, 0.5], [1e-7, 0.1593], [0.9, 78.84375], [123.4, 2.4], [2, -3]] as const) {
      expect(Math.abs(powPositive(x, e) / x ** e - 1)).toBeLessThan(1e-13);
    }
    expect(powPositive(0, 2.4)).toBe(0);
    expect(powPositive(1, 78.84375)).toBe(1);
  });
});
