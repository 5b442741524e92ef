import { describe, expect, it } from 'vitest';
import { pqEncode } from '../../src/color/index.js';
import { MsePool, mse, pqPsnr, psnr, psnrFromMse } from '../../src/eval/index.js';

const grey = (n: number, v: number) => ({ r: new Float32Array(n).fill(v), g: new Float32Array(n).fill(v), b: new Float32Array(n).fill(v) });

describe('PSNR', () => {
  it('computes 10·log10(peak²/mse), Infinity for identical inputs', () => {
    expect(psnrFromMse(0.01, 1)).toBeCloseTo(20, 12);
    expect(psnrFromMse(1, 255)).toBeCloseTo(48.1308, 4);
    expect(psnrFromMse(0, 1)).toBe(Infinity);
    const a = new Float32Array([0, 0.5, 1, 1]);
    expect(psnr(a, a, 1)).toBe(Infinity);
    expect(mse(a, new Float32Array([0, 0.5, 1, 0]))).toBe(0.25);
    expect(psnr(a, new Float32Array([0, 0.5, 1, 0]), 1)).toBeCloseTo(6.0206, 4);
  });

  it('pools MSE over frames, so one perfect frame does not make the clip infinite', () => {
    const pool = new MsePool();
    pool.add(0, 100); // an identical frame
    pool.add(100 * 0.01, 100); // a frame with MSE 0.01 (20 dB)
    expect(pool.mse).toBeCloseTo(0.005, 15);
    expect(pool.psnr(1)).toBeCloseTo(10 * Math.log10(1 / 0.005), 12);
    expect(new MsePool().psnr(1)).toBeNaN();
  });

  it('PQ-PSNR of greys 100 vs 110 cd/m² is set by their PQ difference', () => {
    // PQ(100) = 0.508078, PQ(110) = 0.517675: difference 0.009596 on every channel → 40.36 dB.
    const d = pqEncode(110) - pqEncode(100);
    expect(pqPsnr(grey(64, 100), grey(64, 110))).toBeCloseTo(-20 * Math.log10(d), 4);
    expect(pqPsnr(grey(64, 100), grey(64, 110))).toBeCloseTo(40.36, 2);
    expect(pqPsnr(grey(64, 100), grey(64, 100))).toBe(Infinity);
  });

  it('rejects mismatched and bad inputs', () => {
    expect(() => mse(new Float32Array(3), new Float32Array(4))).toThrow(/b has 4 samples, expected 3/);
    expect(() => psnrFromMse(-1, 1)).toThrow(RangeError);
    expect(() => psnrFromMse(1, 0)).toThrow(RangeError);
    expect(() => pqPsnr(grey(4, 1), grey(5, 1))).toThrow(RangeError);
  });
});
