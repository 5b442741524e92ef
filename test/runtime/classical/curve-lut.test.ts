import { describe, expect, it } from 'vitest';
import { BitTable, GeometricLut, UniformLut } from '../../../src/runtime/classical/curve-lut.js';

const cube = (x: number): number => x * x * x;

describe('UniformLut', () => {
  it('is exact at knots, interpolates between them (h²/8·f″), clamps outside', () => {
    const lut = new UniformLut(cube, 0, 2, 256);
    expect(lut.at(0.5)).toBe(0.125);
    expect(lut.at(2)).toBe(8);
    const err = Math.abs(lut.at(1 + 1 / 512) - cube(1 + 1 / 512)); // between two knots
    expect(err).toBeGreaterThan(0);
    for (let x = 0.01; x < 2; x += 0.0137) expect(Math.abs(lut.at(x) - cube(x))).toBeLessThan((1 / 128) ** 2 / 8 * 12 + 1e-15);
    expect(lut.at(-1)).toBe(0);
    expect(lut.at(5)).toBe(8);
    expect(lut.at(Number.NaN)).toBe(0);
    expect(() => new UniformLut(cube, 1, 1, 4)).toThrow('UniformLut: need finite x0 < x1, got [1, 1]');
  });
});

describe('GeometricLut', () => {
  it('keeps relative error ~p(p−1)/8·4^-bits over many octaves and falls back outside', () => {
    const lut = new GeometricLut(cube, -20, 4, 8);
    let worst = 0;
    for (let x = 2 ** -19; x < 15; x *= 1.0173) worst = Math.max(worst, Math.abs(lut.at(x) / cube(x) - 1));
    expect(worst).toBeLessThan((6 / 8) * 4 ** -8 * 1.1);
    expect(worst).toBeGreaterThan(1e-7);
    expect(lut.at(0)).toBe(0);
    expect(lut.at(2 ** -30)).toBe(cube(2 ** -30));
    expect(lut.at(100)).toBe(1e6);
    const tiny = new GeometricLut((x) => x + 1, -10, 0, 4, true);
    expect(tiny.at(2 ** -12)).toBe(1);
  });
});

describe('BitTable', () => {
  it('covers every non-negative float below 2^maxExp by its bits, f(0) at 0, clamped at the top', () => {
    const t = new BitTable(Math.sqrt, 4, 7);
    let worst = 0;
    for (let x = 1e-30; x < 15.9; x *= 1.37) worst = Math.max(worst, Math.abs(t.at(x) / Math.sqrt(x) - 1));
    expect(worst).toBeLessThan((0.25 / 8) * 4 ** -7 * 1.1);
    expect(t.at(0)).toBe(0);
    expect(t.at(4)).toBe(2);
    expect(t.at(1000)).toBe(4);
    expect(t.table.length).toBe(t.last + 2);
    expect(() => new BitTable(Math.sqrt, 200, 7)).toThrow(/maxExp must be an integer/);
  });
});
