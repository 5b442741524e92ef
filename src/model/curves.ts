// Monotone piecewise-linear curves with per-sample knots: the per-pixel work of both networks.
// A curve is K positive increments that sum to 1 over K equal input segments of [0,1]; it is
// strictly increasing, so its exact inverse is the same kind of curve with the roles swapped.

import * as tf from '@tensorflow/tfjs';

/** Smallest increment a curve may have: keeps every segment invertible (slope ≥ ε·K). */
export const MIN_INCREMENT = 0.002;

/** Logits [N,K] -> increments [N,K]: positive, each ≥ MIN_INCREMENT, summing to 1. */
export function incrementsFromLogits(logits: tf.Tensor2D): tf.Tensor2D {
  const k = logits.shape[1];
  return tf.add(tf.mul(tf.softmax(logits), 1 - k * MIN_INCREMENT), MIN_INCREMENT);
}

/** y = curve(x) for x [N,H,W,1] in [0,1], increments [N,K] over equal x segments. */
export function applyCurve(x: tf.Tensor4D, inc: tf.Tensor2D): tf.Tensor4D {
  const [n, k] = inc.shape;
  const starts = tf.range(0, k, 1, 'float32');
  const t = tf.clipByValue(tf.sub(tf.mul(x, k), starts), 0, 1);
  return tf.sum(tf.mul(t, tf.reshape(inc, [n, 1, 1, k])), 3, true) as tf.Tensor4D;
}

/** x = curve⁻¹(y), exact: segment i spans y in [Σ_{j<i} inc_j, Σ_{j≤i} inc_j] and x in [i/K, (i+1)/K]. */
export function invertCurve(y: tf.Tensor4D, inc: tf.Tensor2D): tf.Tensor4D {
  const [n, k] = inc.shape;
  const ends = tf.cumsum(inc, 1);
  const starts = tf.reshape(tf.sub(ends, inc), [n, 1, 1, k]);
  const t = tf.clipByValue(tf.div(tf.sub(y, starts), tf.reshape(inc, [n, 1, 1, k])), 0, 1);
  return tf.div(tf.sum(t, 3, true), k) as tf.Tensor4D;
}

/** The same curve on plain numbers (side-info checks, tests, the JS engine). */
export function applyCurveScalar(x: number, inc: readonly number[]): number {
  const k = inc.length;
  let y = 0;
  for (let i = 0; i < k; i++) y += inc[i]! * Math.min(Math.max(x * k - i, 0), 1);
  return y;
}
