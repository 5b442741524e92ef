// SSIM (Wang, Bovik, Sheikh & Simoncelli, "Image quality assessment: from error visibility to
// structural similarity", IEEE TIP 2004), as their reference ssim_index.m computes it: 11x11
// Gaussian window with σ = 1.5, K1 = 0.01, K2 = 0.03, the mean of the SSIM map over the valid
// window positions, no automatic downsampling.

import { assertLengths, assertSize } from './checks.js';
import { WindowedMoments, type FloatPlane } from './local-moments.js';

export type SsimOptions = {
  /** Dynamic range L of the samples (255 for 8-bit; PU21-SSIM uses 256). Default 255. */
  dynamicRange?: number;
  k1?: number;
  k2?: number;
};

/**
 * Mean SSIM from moments already computed (lets a caller reuse one {@link WindowedMoments}).
 *
 * @example ssimFromMoments(moments.compute(a, b), 256)
 */
export function ssimFromMoments(m: WindowedMoments, dynamicRange = 255, k1 = 0.01, k2 = 0.03): number {
  if (!(dynamicRange > 0)) throw new RangeError(`ssim: dynamicRange must be positive, got ${dynamicRange}`);
  const c1 = (k1 * dynamicRange) ** 2;
  const c2 = (k2 * dynamicRange) ** 2;
  const { muA, muB, varA, varB, cov } = m;
  let sum = 0;
  for (let i = 0; i < muA.length; i++) {
    const ma = muA[i]!;
    const mb = muB[i]!;
    sum += ((2 * ma * mb + c1) * (2 * cov[i]! + c2)) / ((ma * ma + mb * mb + c1) * (varA[i]! + varB[i]! + c2));
  }
  return sum / muA.length;
}

/**
 * Mean SSIM of two single-channel images (1 when identical). Images must be at least 11x11.
 *
 * @example ssim(refY, testY, 640, 360, { dynamicRange: 255 }) // ≈ 0.95
 */
export function ssim(ref: FloatPlane, test: FloatPlane, width: number, height: number, options: SsimOptions = {}): number {
  assertSize('ssim', width, height, ref.length);
  assertLengths('ssim', ref.length, ['test'], [test]);
  const m = new WindowedMoments(width, height).compute(ref, test);
  return ssimFromMoments(m, options.dynamicRange ?? 255, options.k1 ?? 0.01, options.k2 ?? 0.03);
}
