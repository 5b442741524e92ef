// BT.2100 ICtCp (PQ variant) from absolute linear BT.2020 RGB. Used by the evaluation code
// for ΔE_ITP (BT.2124); the difference metric itself lives there.

import { assertPlaneLengths } from './planes.js';
import { pqDecode, pqDecodePlane, pqEncode, pqEncodePlane } from './pq.js';
import { applyMatrix3, invertMat3 } from './primaries.js';
import type { Mat3 } from './types.js';

/** BT.2100 Table 6: linear BT.2020 RGB → LMS. Rows sum to 1, so grey stays grey. */
export const BT2020_TO_LMS: Mat3 = Object.freeze([
  1688 / 4096, 2146 / 4096, 262 / 4096,
  683 / 4096, 2951 / 4096, 462 / 4096,
  99 / 4096, 309 / 4096, 3688 / 4096,
] as const);

/** BT.2100 Table 6: PQ-encoded L'M'S' → ICtCp. */
export const LMS_PQ_TO_ICTCP: Mat3 = Object.freeze([
  2048 / 4096, 2048 / 4096, 0,
  6610 / 4096, -13613 / 4096, 7003 / 4096,
  17933 / 4096, -17390 / 4096, -543 / 4096,
] as const);

const LMS_TO_BT2020: Mat3 = Object.freeze(invertMat3(BT2020_TO_LMS));
const ICTCP_TO_LMS_PQ: Mat3 = Object.freeze(invertMat3(LMS_PQ_TO_ICTCP));

/**
 * Absolute linear BT.2020 RGB (cd/m²) → ICtCp for one pixel.
 *
 * @example rgb2020ToIctcp(100, 100, 100) // ≈ [0.508078, 0, 0]
 */
export function rgb2020ToIctcp(r: number, g: number, b: number): [number, number, number] {
  const [a0, a1, a2, a3, a4, a5, a6, a7, a8] = BT2020_TO_LMS;
  const [c0, c1, c2, c3, c4, c5, c6, c7, c8] = LMS_PQ_TO_ICTCP;
  const l = pqEncode(a0 * r + a1 * g + a2 * b);
  const m = pqEncode(a3 * r + a4 * g + a5 * b);
  const s = pqEncode(a6 * r + a7 * g + a8 * b);
  return [c0 * l + c1 * m + c2 * s, c3 * l + c4 * m + c5 * s, c6 * l + c7 * m + c8 * s];
}

/**
 * ICtCp → absolute linear BT.2020 RGB (cd/m²) for one pixel.
 *
 * @example ictcpToRgb2020(0.508078, 0, 0) // ≈ [100, 100, 100]
 */
export function ictcpToRgb2020(i: number, ct: number, cp: number): [number, number, number] {
  const [a0, a1, a2, a3, a4, a5, a6, a7, a8] = LMS_TO_BT2020;
  const [c0, c1, c2, c3, c4, c5, c6, c7, c8] = ICTCP_TO_LMS_PQ;
  const l = pqDecode(c0 * i + c1 * ct + c2 * cp);
  const m = pqDecode(c3 * i + c4 * ct + c5 * cp);
  const s = pqDecode(c6 * i + c7 * ct + c8 * cp);
  return [a0 * l + a1 * m + a2 * s, a3 * l + a4 * m + a5 * s, a6 * l + a7 * m + a8 * s];
}

/**
 * Absolute linear BT.2020 RGB planes (cd/m²) → I, Ct, Cp planes. Outputs may alias inputs.
 * Returns `[outI, outT, outP]`.
 *
 * @example rgb2020ToIctcpPlanes(r, g, b, i, t, p)
 */
export function rgb2020ToIctcpPlanes(
  r: Float32Array, g: Float32Array, b: Float32Array,
  outI: Float32Array, outT: Float32Array, outP: Float32Array,
): [Float32Array, Float32Array, Float32Array] {
  assertPlaneLengths('rgb2020ToIctcpPlanes', r.length, ['g', 'b', 'outI', 'outT', 'outP'], [g, b, outI, outT, outP]);
  // Three passes over the outputs (matrix, table-driven PQ, matrix) beat one fused loop:
  // the PQ table is ~10× cheaper than evaluating the curve. LMS is rounded to Float32 on the
  // way, a 6e-8 relative error.
  applyMatrix3(BT2020_TO_LMS, r, g, b, outI, outT, outP);
  pqEncodePlane(outI, outI);
  pqEncodePlane(outT, outT);
  pqEncodePlane(outP, outP);
  applyMatrix3(LMS_PQ_TO_ICTCP, outI, outT, outP, outI, outT, outP);
  return [outI, outT, outP];
}

/**
 * I, Ct, Cp planes → absolute linear BT.2020 RGB planes (cd/m²). Outputs may alias inputs.
 * Returns `[outR, outG, outB]`.
 *
 * @example ictcpToRgb2020Planes(i, t, p, r, g, b)
 */
export function ictcpToRgb2020Planes(
  i: Float32Array, t: Float32Array, p: Float32Array,
  outR: Float32Array, outG: Float32Array, outB: Float32Array,
): [Float32Array, Float32Array, Float32Array] {
  assertPlaneLengths('ictcpToRgb2020Planes', i.length, ['t', 'p', 'outR', 'outG', 'outB'], [t, p, outR, outG, outB]);
  applyMatrix3(ICTCP_TO_LMS_PQ, i, t, p, outR, outG, outB);
  pqDecodePlane(outR, outR);
  pqDecodePlane(outG, outG);
  pqDecodePlane(outB, outB);
  applyMatrix3(LMS_TO_BT2020, outR, outG, outB, outR, outG, outB);
  return [outR, outG, outB];
}
