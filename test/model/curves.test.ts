import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MIN_INCREMENT, applyCurve, applyCurveScalar, incrementsFromLogits, initBackend, invertCurve } from '../../src/model/index.js';
import { quantizeIncrements } from '../../src/runtime/learned/index.js';

beforeAll(async () => {
  await initBackend('wasm');
});

function randomIncrements(k: number, seed: number): tf.Tensor2D {
  return incrementsFromLogits(tf.mul(tf.randomNormal([2, k], 0, 1, 'float32', seed), 3) as tf.Tensor2D);
}

describe('monotone curves', () => {
  it('increments are positive, at least MIN_INCREMENT, and sum to 1', () => {
    const inc = randomIncrements(16, 1).arraySync();
    for (const row of inc) {
      expect(Math.min(...row)).toBeGreaterThanOrEqual(MIN_INCREMENT - 1e-7);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });

  it('invertCurve undoes applyCurve exactly (float precision) over [0,1]', () => {
    const inc = randomIncrements(16, 2);
    const x = tf.reshape(tf.linspace(0, 1, 2 * 1001), [2, 1, 1001, 1]) as tf.Tensor4D;
    const back = invertCurve(applyCurve(x, inc), inc);
    expect(tf.max(tf.abs(tf.sub(back, x))).dataSync()[0]).toBeLessThan(2e-5);
  });

  it('applyCurve is increasing and maps 0 -> 0, 1 -> 1', () => {
    const inc = randomIncrements(8, 3);
    const y = applyCurve(tf.reshape(tf.tile(tf.linspace(0, 1, 500), [2]), [2, 1, 500, 1]) as tf.Tensor4D, inc).arraySync() as number[][][][];
    for (const row of y) {
      const v = row[0]!.map((p) => p[0]!);
      expect(v[0]).toBeCloseTo(0, 6);
      expect(v.at(-1)).toBeCloseTo(1, 5);
      for (let i = 1; i < v.length; i++) expect(v[i]!).toBeGreaterThan(v[i - 1]!);
    }
  });

  it('the scalar curve equals the tensor curve', () => {
    const inc = randomIncrements(16, 4);
    const row = inc.arraySync()[0]!;
    const xs = [0, 0.03, 0.2, 0.5, 0.77, 0.999, 1];
    const y = applyCurve(tf.tensor4d(xs, [1, 1, xs.length, 1]), tf.slice(inc, [0, 0], [1, 16]) as tf.Tensor2D).dataSync();
    xs.forEach((x, i) => expect(applyCurveScalar(x, row)).toBeCloseTo(y[i]!, 5));
  });

  it('side info quantisation keeps a valid curve: 4 decimals, each ≥ MIN_INCREMENT, sum 1', () => {
    const raw = randomIncrements(16, 5).arraySync()[0]!;
    const q = quantizeIncrements(raw);
    expect(q).toHaveLength(16);
    expect(q.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    for (const v of q) {
      expect(v).toBeGreaterThanOrEqual(MIN_INCREMENT);
      expect(Math.abs(v * 1e4 - Math.round(v * 1e4))).toBeLessThan(1e-6);
    }
    q.forEach((v, i) => expect(Math.abs(v - raw[i]!)).toBeLessThan(2e-3));
  });
});
