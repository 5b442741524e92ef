import { applyFloatLut, buildFloatLut, type FloatLut } from '../color/index.js';
// µ-PSNR as scored in the NTIRE 2021/2022 HDR challenges (Pérez-Pellitero et al., "NTIRE 2021
// Challenge on High Dynamic Range Imaging", CVPRW 2021; their metrics code
// psnr_tanh_norm_mu_tonemap): linear HDR is divided by the reference's 99th percentile, bounded
// with tanh, tone-mapped with the µ-law T(x) = log(1 + µx) / log(1 + µ), µ = 5000, and compared
// with PSNR at peak 1. The percentile is taken over every R, G, B sample of the reference
// (numpy.percentile with linear interpolation).

import { assertChannels } from './checks.js';
import { psnrFromMse, sumSquaredError } from './psnr.js';

/** µ of the µ-law tone curve used by the NTIRE HDR challenges. */
export const MU_LAW_MU = 5000;

/** Percentile of the reference that maps to tanh(1). */
export const MU_NORM_PERCENTILE = 99;

const INV_LOG_1P_MU = 1 / Math.log1p(MU_LAW_MU);

/**
 * µ-law tone curve T(x) = log(1 + µx) / log(1 + µ) for x in [0, 1] (µ = 5000).
 *
 * @example muLaw(1) // 1
 */
export function muLaw(x: number): number {
  return Math.log1p(MU_LAW_MU * x) * INV_LOG_1P_MU;
}

/**
 * The whole NTIRE curve on a normalised value u = x / norm: T(tanh(u)). Negative and NaN
 * inputs give 0 (linear light has none; the challenge data had none).
 *
 * @example muTonemapNormalised(1) // T(tanh(1)) ≈ 0.971
 */
export function muTonemapNormalised(u: number): number {
  return u > 0 ? muLaw(Math.tanh(u)) : 0;
}

// u over [2^-24, 2^6]: tanh is 1 in float64 from u ≈ 19, and below 2^-24 the exact curve runs.
let table: FloatLut | undefined;

/**
 * `dst[i] = T(tanh(src[i] / norm))` through a table. `dst` may be `src`. Returns `dst`.
 *
 * @example muTonemapPlane(linearR, tmp, p99)
 */
export function muTonemapPlane(src: Float32Array, dst: Float32Array, norm: number): Float32Array {
  if (!(norm > 0) || !Number.isFinite(norm)) throw new RangeError(`muTonemapPlane: norm must be positive and finite, got ${norm}`);
  if (dst.length !== src.length) throw new RangeError(`muTonemapPlane: dst has ${dst.length} samples, src ${src.length}`);
  table ??= buildFloatLut(muTonemapNormalised, -24, 6, 10);
  const inv = 1 / norm;
  for (let i = 0; i < src.length; i++) dst[i] = src[i]! * inv;
  return applyFloatLut(table, dst, dst);
}

/**
 * The p-th percentile (0–100) of all samples of `planes`, with linear interpolation between
 * order statistics (numpy's default). Uses `scratch` (≥ the total sample count) if given;
 * the planes are not modified. O(n) by quickselect.
 *
 * @example percentile([r, g, b], 99)
 */
export function percentile(planes: readonly Float32Array[], p: number, scratch?: Float32Array): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100], got ${p}`);
  let n = 0;
  for (const plane of planes) n += plane.length;
  if (n === 0) throw new RangeError('percentile: no samples');
  if (scratch && scratch.length < n) throw new RangeError(`percentile: scratch has ${scratch.length} samples, needs ${n}`);
  const v = scratch ? scratch.subarray(0, n) : new Float32Array(n);
  let o = 0;
  for (const plane of planes) {
    v.set(plane, o);
    o += plane.length;
  }
  const pos = (p / 100) * (n - 1);
  const lo = Math.floor(pos);
  const frac = pos - lo;
  select(v, lo);
  const a = v[lo]!;
  if (frac === 0) return a;
  // After selection everything above index lo is ≥ v[lo]; the next order statistic is its minimum.
  let b = Infinity;
  for (let i = lo + 1; i < n; i++) if (v[i]! < b) b = v[i]!;
  return a + frac * (b - a);
}

/** Hoare-partition quickselect: puts the k-th smallest at v[k], smaller before, larger after. */
function select(v: Float32Array, k: number): void {
  let left = 0;
  let right = v.length - 1;
  while (right > left) {
    // Median of three as the pivot keeps sorted and constant inputs linear.
    const mid = (left + right) >>> 1;
    const x = v[left]!, y = v[mid]!, z = v[right]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = left;
    let j = right;
    while (i <= j) {
      while (v[i]! < pivot) i++;
      while (v[j]! > pivot) j--;
      if (i <= j) {
        const t = v[i]!;
        v[i] = v[j]!;
        v[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

/**
 * The normalising value of a reference image: its 99th percentile over all channels. Where
 * that is 0 (a mostly black frame) the maximum is used, and 1 if the image is all black,
 * so the curve stays defined (the challenge code would divide by zero).
 *
 * @example muNorm([r, g, b])
 */
export function muNorm(refPlanes: readonly Float32Array[], scratch?: Float32Array): number {
  const p = percentile(refPlanes, MU_NORM_PERCENTILE, scratch);
  if (p > 0) return p;
  let max = 0;
  for (const plane of refPlanes) for (let i = 0; i < plane.length; i++) if (plane[i]! > max) max = plane[i]!;
  return max > 0 ? max : 1;
}

/**
 * Σ over channels and pixels of (T(tanh(ref/norm)) − T(tanh(test/norm)))², using two scratch
 * planes of one channel's length.
 *
 * @example muSquaredError([r, g, b], [r2, g2, b2], muNorm([r, g, b]), s1, s2)
 */
export function muSquaredError(
  ref: readonly Float32Array[], test: readonly Float32Array[], norm: number, scratchRef: Float32Array, scratchTest: Float32Array,
): number {
  assertChannels('muSquaredError', ref, test);
  let s = 0;
  for (let c = 0; c < ref.length; c++) {
    s += sumSquaredError(muTonemapPlane(ref[c]!, scratchRef, norm), muTonemapPlane(test[c]!, scratchTest, norm));
  }
  return s;
}

/**
 * µ-PSNR of two linear HDR images given as channel planes (any consistent linear unit; the
 * reference's 99th percentile normalises both). `Infinity` when identical after tone mapping.
 *
 * @example muPsnr([r, g, b], [r2, g2, b2]) // ≈ 35–45 dB for good reconstructions
 */
export function muPsnr(ref: readonly Float32Array[], test: readonly Float32Array[]): number {
  assertChannels('muPsnr', ref, test);
  const n = ref[0]!.length;
  if (n === 0) throw new RangeError('muPsnr: planes are empty');
  const norm = muNorm(ref);
  const sse = muSquaredError(ref, test, norm, new Float32Array(n), new Float32Array(n));
  return psnrFromMse(sse / (n * ref.length), 1);
}
