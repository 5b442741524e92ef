import { describe, expect, it } from 'vitest';
import { colourfulness, rmsContrast } from '../../src/eval/index.js';

const planes = (pixels: [number, number, number][]) => ({
  r: Float32Array.from(pixels, (p) => p[0]),
  g: Float32Array.from(pixels, (p) => p[1]),
  b: Float32Array.from(pixels, (p) => p[2]),
});

describe('colourfulness (Hasler & Süsstrunk 2003)', () => {
  it('is 0 for any grey image', () => {
    const { r, g, b } = planes([[0, 0, 0], [128, 128, 128], [255, 255, 255], [17, 17, 17]]);
    expect(colourfulness(r, g, b)).toBe(0);
  });

  it('half pure red, half pure green: 293.25 by hand', () => {
    // rg = ±255 → µ_rg = 0, σ_rg = 255; yb = 127.5 everywhere → µ_yb = 127.5, σ_yb = 0.
    // M = √(255² + 0) + 0.3·√(0 + 127.5²) = 255 + 38.25.
    const { r, g, b } = planes([[255, 0, 0], [0, 255, 0], [255, 0, 0], [0, 255, 0]]);
    expect(colourfulness(r, g, b)).toBeCloseTo(293.25, 10);
  });

  it('a uniform pure red: only the mean term, 0.3·√(255² + 127.5²) = 85.53', () => {
    const { r, g, b } = planes([[255, 0, 0], [255, 0, 0]]);
    expect(colourfulness(r, g, b)).toBeCloseTo(0.3 * Math.hypot(255, 127.5), 10);
    expect(colourfulness(r, g, b)).toBeCloseTo(85.53, 2);
  });

  it('rejects planes of different sizes', () => {
    expect(() => colourfulness(new Float32Array(2), new Float32Array(2), new Float32Array(3))).toThrow(RangeError);
  });
});

describe('RMS contrast', () => {
  it('is 0 for a flat image and 0.5 for half black, half white', () => {
    expect(rmsContrast(new Float32Array(10).fill(0.3))).toBeCloseTo(0, 7);
    expect(rmsContrast(new Float32Array([0, 1, 0, 1]))).toBe(0.5);
  });

  it('is the population standard deviation', () => {
    // values 0.2, 0.4, 0.6: mean 0.4, deviations ±0.2 and 0 → √(0.08/3) = 0.1633
    expect(rmsContrast(new Float32Array([0.2, 0.4, 0.6]))).toBeCloseTo(Math.sqrt(0.08 / 3), 6);
  });
});
