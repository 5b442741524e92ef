import { applyFloatLut, buildFloatLut, type FloatLut } from '../color/index.js';
// PU21 perceptually uniform encoding (Mantiuk & Azimi, "PU21: A novel perceptually uniform
// encoding for adapting existing quality metrics for HDR", PCS 2021), 'banding_glare' variant
// (the one the authors recommend), and the PSNR / SSIM computed on it as their pu21_metric
// does: absolute luminance in cd/m² clamped to [0.005, 10000], PSNR against a peak of 256 (the
// PU21 value of ~100 cd/m², the SDR white it is anchored to) and SSIM with dynamic range 256.

import { assertLengths, assertSize } from './checks.js';
import { mse, psnrFromMse } from './psnr.js';
import { ssimFromMoments } from './ssim.js';
import { WindowedMoments } from './local-moments.js';

/** PU21 'banding_glare' parameters p1…p7 (pu21_encoder.m). */
export const PU21_BANDING_GLARE = Object.freeze([
  0.353487901, 0.3734658629, 8.277049286e-5, 0.9062562627, 0.09150303166, 0.9099517204, 596.3148142,
] as const);

/** Luminance range PU21 is defined over, cd/m²; inputs are clamped to it. */
export const PU21_MIN_NITS = 0.005;
export const PU21_MAX_NITS = 10000;

/** Peak used for PU21-PSNR and the dynamic range of PU21-SSIM (pu21_metric.m). */
export const PU21_PEAK = 256;

const [P1, P2, P3, P4, P5, P6, P7] = PU21_BANDING_GLARE;

/**
 * PU21 value of an absolute luminance in cd/m²:
 * V = p7·(((p1 + p2·Y^p4) / (1 + p3·Y^p4))^p5 − p6), Y clamped to [0.005, 10000], V ≥ 0.
 *
 * @example pu21Encode(100) // ≈ 256.38
 */
export function pu21Encode(nits: number): number {
  // `!(y > min)` also sends NaN to the floor rather than through the curve.
  const y = !(nits > PU21_MIN_NITS) ? PU21_MIN_NITS : nits > PU21_MAX_NITS ? PU21_MAX_NITS : nits;
  const yp = Math.exp(P4 * Math.log(y));
  const v = P7 * (Math.exp(P5 * Math.log((P1 + P2 * yp) / (1 + P3 * yp))) - P6);
  return v > 0 ? v : 0;
}

// 2^-8 < 0.005 and 10000 < 2^14, so the table covers the whole clamped range; below and above
// it the exact function (constant there) is used. 1024 knots per octave: ~22 000 entries,
// within 1e-5 PU units of the exact curve.
let table: FloatLut | undefined;

/**
 * {@link pu21Encode} over a plane of cd/m² (through a table). `dst` may be `src`. Returns `dst`.
 *
 * @example pu21EncodePlane(luminance, pu)
 */
export function pu21EncodePlane(src: Float32Array, dst: Float32Array): Float32Array {
  assertLengths('pu21EncodePlane', src.length, ['dst'], [dst]);
  table ??= buildFloatLut(pu21Encode, -8, 14, 10);
  return applyFloatLut(table, src, dst);
}

/**
 * PU21-PSNR of two luminance planes in cd/m²: PSNR of their PU21 values, peak 256.
 * `Infinity` when the encoded planes are identical.
 *
 * @example pu21Psnr(refY, testY) // ≈ 40 dB for a good encode
 */
export function pu21Psnr(refY: Float32Array, testY: Float32Array): number {
  assertLengths('pu21Psnr', refY.length, ['testY'], [testY]);
  const a = pu21EncodePlane(refY, new Float32Array(refY.length));
  const b = pu21EncodePlane(testY, new Float32Array(testY.length));
  return psnrFromMse(mse(a, b), PU21_PEAK);
}

/**
 * PU21-SSIM of two luminance planes in cd/m² (width×height, at least 11x11): SSIM with
 * dynamic range 256 on their PU21 values.
 *
 * @example pu21Ssim(refY, testY, 640, 360) // 1 when identical
 */
export function pu21Ssim(refY: Float32Array, testY: Float32Array, width: number, height: number): number {
  assertSize('pu21Ssim', width, height, refY.length);
  assertLengths('pu21Ssim', refY.length, ['testY'], [testY]);
  const a = pu21EncodePlane(refY, new Float32Array(refY.length));
  const b = pu21EncodePlane(testY, new Float32Array(testY.length));
  return ssimFromMoments(new WindowedMoments(width, height).compute(a, b), PU21_PEAK);
}
