// Colour conversions as TF.js ops on NHWC tensors (channels last, R'G'B'), so they sit inside
// the differentiable graph. Constants come from src/color; the formulas mirror its scalar ones.

import * as tf from '@tensorflow/tfjs';
import { BT2020_TO_BT709, BT709_TO_BT2020, type Mat3 } from '../color/index.js';

/**
 * SMPTE ST 2084 constants and the clamp floor, shared with the engines that mirror these ops
 * (the ONNX export, the fused full-resolution pass). TINY keeps pow() of zero out of gradients
 * (d/dx x^a is infinite at 0 for a < 1).
 */
export const PQ_CONSTANTS = { M1: 2610 / 16384, M2: (2523 / 4096) * 128, C1: 3424 / 4096, C2: (2413 / 4096) * 32, C3: (2392 / 4096) * 32, TINY: 1e-10 } as const;
const { M1, M2, C1, C2, C3, TINY } = PQ_CONSTANTS;

/** BT.709 luma weights of linear light (same primaries in and out). */
export const BT709_LUMA: readonly [number, number, number] = [0.2126, 0.7152, 0.0722];

/** PQ signal [0,1] -> linear light in units of 10000 cd/m². */
export function pqEotf(e: tf.Tensor): tf.Tensor {
  const ep = tf.pow(tf.clipByValue(e, TINY, 1), 1 / M2);
  return tf.pow(tf.maximum(tf.div(tf.relu(tf.sub(ep, C1)), tf.sub(C2, tf.mul(ep, C3))), TINY), 1 / M1);
}

/** Linear light (units of 10000 cd/m²) -> PQ signal. */
export function pqOetf(y: tf.Tensor): tf.Tensor {
  const ym = tf.pow(tf.clipByValue(y, TINY, 1), M1);
  return tf.pow(tf.div(tf.add(tf.mul(ym, C2), C1), tf.add(tf.mul(ym, C3), 1)), M2);
}

/** Display gamma (BT.1886 with Lb = 0): signal -> relative linear light. */
export function gammaDecode(v: tf.Tensor, gamma = 2.4): tf.Tensor {
  return tf.pow(tf.clipByValue(v, TINY, 1), gamma);
}

export function gammaEncode(l: tf.Tensor, gamma = 2.4): tf.Tensor {
  return tf.pow(tf.clipByValue(l, TINY, 1), 1 / gamma);
}

/** rgb [...,3] · Mᵀ: applies a row-major 3x3 matrix to every pixel. */
export function applyMatrix(rgb: tf.Tensor, m: Mat3): tf.Tensor {
  const mt = tf.tensor2d([m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]], [3, 3]);
  const flat = tf.reshape(rgb, [-1, 3]);
  return tf.reshape(tf.matMul(flat, mt), rgb.shape);
}

export function luminance709(lin709: tf.Tensor4D): tf.Tensor4D {
  return tf.sum(tf.mul(lin709, tf.tensor1d(BT709_LUMA as unknown as number[])), 3, true) as tf.Tensor4D;
}

export const TO_709 = BT2020_TO_BT709;
export const TO_2020 = BT709_TO_BT2020;
