// SMPTE ST 2084 (PQ), as used by BT.2100. Absolute: signal 1.0 is 10 000 cd/m².

import { applyFloatLut, buildFloatLut, type FloatLut } from './float-lut.js';
import { assertPlaneLengths } from './planes.js';
import { powPositive } from './pow.js';

/** Peak luminance of the PQ signal range, cd/m². */
export const PQ_MAX_NITS = 10000;

// Exact rational constants from ST 2084; written as fractions so nothing is lost to rounding.
const M1 = 2610 / 16384;
const M2 = (2523 / 4096) * 128;
const C1 = 3424 / 4096;
const C2 = (2413 / 4096) * 32;
const C3 = (2392 / 4096) * 32;
const INV_M1 = 1 / M1;
const INV_M2 = 1 / M2;
const INV_MAX = 1 / PQ_MAX_NITS;

/**
 * PQ inverse EOTF: absolute luminance (cd/m²) → non-linear signal in [0, 1].
 * Input is clamped to [0, 10000]; PQ defines nothing outside it.
 *
 * @example pqEncode(100) // ≈ 0.508078
 */
export function pqEncode(nits: number): number {
  // `!(x > 0)` also catches NaN, which would otherwise poison a whole frame's statistics.
  if (!(nits > 0)) return 0;
  const y = nits >= PQ_MAX_NITS ? 1 : nits * INV_MAX;
  const ym = powPositive(y, M1);
  return powPositive((C1 + C2 * ym) / (1 + C3 * ym), M2);
}

/**
 * PQ EOTF: non-linear signal in [0, 1] → absolute luminance in cd/m² (10 000 at 1.0).
 * Input is clamped to [0, 1].
 *
 * @example pqDecode(0.751827) // ≈ 1000
 */
export function pqDecode(signal: number): number {
  if (!(signal > 0)) return 0;
  const ep = powPositive(signal >= 1 ? 1 : signal, INV_M2);
  const num = ep - C1;
  // Signals below PQ(0) are already handled; num can only dip below 0 by rounding.
  if (num <= 0) return 0;
  return PQ_MAX_NITS * powPositive(num / (C2 - C3 * ep), INV_M1);
}

// Plane tables, built on first use (~15 ms, ~1 MB together). Evaluating the curve costs
// ~100 ms per 1080p plane (four exp/log per sample); the tables bring that under 15 ms.
// Encode: 2^-24…2^14 cd/m², 1024 knots per octave (within 1 Float32 ulp of the scalar).
// Decode: signals 2^-21…1, 4096 knots per octave because the EOTF is steep near 1
// (within ~3e-7 relative).
let encodeLut: FloatLut | undefined;
let decodeLut: FloatLut | undefined;

/**
 * {@link pqEncode} over a plane, through a lookup table (within ~1e-7 relative of the
 * scalar). `dst` may be `src` (in place). Returns `dst`.
 *
 * @example pqEncodePlane(nitsPlane, nitsPlane) // now PQ signal
 */
export function pqEncodePlane(src: Float32Array, dst: Float32Array): Float32Array {
  assertPlaneLengths('pqEncodePlane', src.length, ['dst'], [dst]);
  encodeLut ??= buildFloatLut(pqEncode, -24, 14, 10);
  return applyFloatLut(encodeLut, src, dst);
}

/**
 * {@link pqDecode} over a plane, through a lookup table (within ~3e-7 relative of the
 * scalar). `dst` may be `src` (in place). Returns `dst`.
 *
 * @example pqDecodePlane(signalPlane, new Float32Array(signalPlane.length))
 */
export function pqDecodePlane(src: Float32Array, dst: Float32Array): Float32Array {
  assertPlaneLengths('pqDecodePlane', src.length, ['dst'], [dst]);
  decodeLut ??= buildFloatLut(pqDecode, -21, 0, 12);
  return applyFloatLut(decodeLut, src, dst);
}
