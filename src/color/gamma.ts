// SDR transfer functions: BT.709 camera OETF, BT.1886 display EOTF, and sRGB.
// The linear toe segments are kept for negative inputs (they are odd-symmetric there and
// invertible); power segments never see a negative base.

import { assertPlaneLengths } from './planes.js';
import { powPositive } from './pow.js';

// BT.709 writes 1.099 / 0.018, which leaves a ~5e-4 jump where the segments meet and makes
// the inverse disagree with the forward just above the knee. BT.2020 publishes the values
// that make the curve continuous; they agree with BT.709's to its stated precision.
const B709_ALPHA = 1.09929682680944;
const B709_BETA = 0.018053968510807;
const B709_KNEE_SIGNAL = 4.5 * B709_BETA;
const B709_INV_ALPHA = 1 / B709_ALPHA;
const INV_045 = 1 / 0.45;

/**
 * BT.709 OETF: scene-linear L in [0, 1] → signal V.
 *
 * @example bt709Oetf(0.18) // ≈ 0.409
 */
export function bt709Oetf(l: number): number {
  return l < B709_BETA ? 4.5 * l : B709_ALPHA * powPositive(l, 0.45) - (B709_ALPHA - 1);
}

/**
 * Inverse BT.709 OETF: signal V → scene-linear L.
 *
 * @example bt709InverseOetf(0.409) // ≈ 0.18
 */
export function bt709InverseOetf(v: number): number {
  return v < B709_KNEE_SIGNAL ? v / 4.5 : powPositive((v + (B709_ALPHA - 1)) * B709_INV_ALPHA, INV_045);
}

const BT1886_GAMMA = 2.4;
const BT1886_INV_GAMMA = 1 / BT1886_GAMMA;

/** BT.1886 Annex 1 parameters for a display with white `lw` and black `lb` cd/m². */
function bt1886Params(fn: string, lw: number, lb: number): { a: number; b: number } {
  if (!(lw > 0) || !Number.isFinite(lw)) throw new RangeError(`${fn}: Lw must be a positive finite cd/m² value, got ${lw}`);
  if (!(lb >= 0) || !(lb < lw)) throw new RangeError(`${fn}: Lb must be in [0, Lw=${lw}), got ${lb}`);
  const w = powPositive(lw, BT1886_INV_GAMMA);
  const k = powPositive(lb, BT1886_INV_GAMMA);
  return { a: powPositive(w - k, BT1886_GAMMA), b: k / (w - k) };
}

/**
 * BT.1886 EOTF: signal V in [0, 1] → display luminance in cd/m², L = a·max(V + b, 0)^2.4.
 *
 * @example bt1886Eotf(1, 100, 0.1) // 100
 */
export function bt1886Eotf(v: number, lw = 100, lb = 0): number {
  const { a, b } = bt1886Params('bt1886Eotf', lw, lb);
  const x = v + b;
  return x > 0 ? a * powPositive(x, BT1886_GAMMA) : 0;
}

/**
 * Inverse BT.1886 EOTF: display luminance in cd/m² → signal V. Below Lb gives −b (V where L = 0).
 *
 * @example bt1886InverseEotf(100, 100, 0.1) // 1
 */
export function bt1886InverseEotf(l: number, lw = 100, lb = 0): number {
  const { a, b } = bt1886Params('bt1886InverseEotf', lw, lb);
  return (l > 0 ? powPositive(l / a, BT1886_INV_GAMMA) : 0) - b;
}

/**
 * sRGB encode (IEC 61966-2-1): linear [0, 1] → signal.
 *
 * @example srgbEncode(0.5) // ≈ 0.7354
 */
export function srgbEncode(l: number): number {
  return l <= 0.0031308 ? 12.92 * l : 1.055 * powPositive(l, 1 / 2.4) - 0.055;
}

/**
 * sRGB decode (IEC 61966-2-1): signal → linear.
 *
 * @example srgbDecode(0.7354) // ≈ 0.5
 */
export function srgbDecode(v: number): number {
  return v <= 0.04045 ? v / 12.92 : powPositive((v + 0.055) / 1.055, 2.4);
}

/** {@link bt709Oetf} over a plane; `dst` may be `src`. Returns `dst`. @example bt709OetfPlane(l, l) */
export function bt709OetfPlane(src: Float32Array, dst: Float32Array): Float32Array {
  assertPlaneLengths('bt709OetfPlane', src.length, ['dst'], [dst]);
  for (let i = 0; i < src.length; i++) dst[i] = bt709Oetf(src[i]!);
  return dst;
}

/** {@link bt709InverseOetf} over a plane; `dst` may be `src`. Returns `dst`. @example bt709InverseOetfPlane(v, v) */
export function bt709InverseOetfPlane(src: Float32Array, dst: Float32Array): Float32Array {
  assertPlaneLengths('bt709InverseOetfPlane', src.length, ['dst'], [dst]);
  for (let i = 0; i < src.length; i++) dst[i] = bt709InverseOetf(src[i]!);
  return dst;
}

/** {@link bt1886Eotf} over a plane; `dst` may be `src`. Returns `dst`. @example bt1886EotfPlane(v, v, 100, 0.05) */
export function bt1886EotfPlane(src: Float32Array, dst: Float32Array, lw = 100, lb = 0): Float32Array {
  assertPlaneLengths('bt1886EotfPlane', src.length, ['dst'], [dst]);
  const { a, b } = bt1886Params('bt1886EotfPlane', lw, lb);
  for (let i = 0; i < src.length; i++) {
    const x = src[i]! + b;
    dst[i] = x > 0 ? a * powPositive(x, BT1886_GAMMA) : 0;
  }
  return dst;
}

/** {@link bt1886InverseEotf} over a plane; `dst` may be `src`. Returns `dst`. @example bt1886InverseEotfPlane(l, l, 100, 0.05) */
export function bt1886InverseEotfPlane(src: Float32Array, dst: Float32Array, lw = 100, lb = 0): Float32Array {
  assertPlaneLengths('bt1886InverseEotfPlane', src.length, ['dst'], [dst]);
  const { a, b } = bt1886Params('bt1886InverseEotfPlane', lw, lb);
  const invA = 1 / a;
  for (let i = 0; i < src.length; i++) {
    const l = src[i]!;
    dst[i] = (l > 0 ? powPositive(l * invA, BT1886_INV_GAMMA) : 0) - b;
  }
  return dst;
}

/** {@link srgbEncode} over a plane; `dst` may be `src`. Returns `dst`. @example srgbEncodePlane(l, l) */
export function srgbEncodePlane(src: Float32Array, dst: Float32Array): Float32Array {
  assertPlaneLengths('srgbEncodePlane', src.length, ['dst'], [dst]);
  for (let i = 0; i < src.length; i++) dst[i] = srgbEncode(src[i]!);
  return dst;
}

/** {@link srgbDecode} over a plane; `dst` may be `src`. Returns `dst`. @example srgbDecodePlane(v, v) */
export function srgbDecodePlane(src: Float32Array, dst: Float32Array): Float32Array {
  assertPlaneLengths('srgbDecodePlane', src.length, ['dst'], [dst]);
  for (let i = 0; i < src.length; i++) dst[i] = srgbDecode(src[i]!);
  return dst;
}
