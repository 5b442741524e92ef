// RGB ↔ XYZ and BT.709 ↔ BT.2020 conversion matrices, derived at load time from the
// primaries' chromaticities and the D65 white point (SMPTE RP 177). Deriving rather than
// pasting BT.2087's 4-decimal table keeps each matrix the exact inverse of its partner,
// so a 709 → 2020 → 709 round trip does not drift.

import { assertPlaneLengths } from './planes.js';
import type { Mat3, Primaries } from './types.js';

/** CIE 1931 xy chromaticities of a set of primaries and its white point. */
export type Chromaticities = {
  readonly r: readonly [number, number];
  readonly g: readonly [number, number];
  readonly b: readonly [number, number];
  readonly white: readonly [number, number];
};

const D65: readonly [number, number] = [0.3127, 0.329];

/** Chromaticities by primaries name (BT.709 Table 1 item 1.3/1.4; BT.2020 Table 3). */
export const CHROMATICITIES: Readonly<Record<Primaries, Chromaticities>> = {
  bt709: { r: [0.64, 0.33], g: [0.3, 0.6], b: [0.15, 0.06], white: D65 },
  bt2020: { r: [0.708, 0.292], g: [0.17, 0.797], b: [0.131, 0.046], white: D65 },
};

/**
 * Multiplies two 3x3 row-major matrices: `a · b`.
 *
 * @example multiplyMat3(XYZ_TO_BT709, BT2020_TO_XYZ) // BT2020_TO_BT709
 */
export function multiplyMat3(a: Mat3, b: Mat3): Mat3 {
  const out = new Array<number>(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      out[3 * i + j] = a[3 * i]! * b[j]! + a[3 * i + 1]! * b[3 + j]! + a[3 * i + 2]! * b[6 + j]!;
    }
  }
  return out as unknown as Mat3;
}

/**
 * Inverts a 3x3 row-major matrix (adjugate / determinant). Throws on a singular matrix.
 *
 * @example invertMat3(BT709_TO_XYZ) // XYZ_TO_BT709
 */
export function invertMat3(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (det === 0 || !Number.isFinite(det)) {
    throw new RangeError(`invertMat3: matrix is singular (determinant ${det})`);
  }
  const k = 1 / det;
  return [
    A * k, -(b * i - c * h) * k, (b * f - c * e) * k,
    B * k, (a * i - c * g) * k, -(a * f - c * d) * k,
    C * k, -(a * h - b * g) * k, (a * e - b * d) * k,
  ];
}

/**
 * RGB → XYZ matrix for the given chromaticities, normalised so RGB (1,1,1) maps to the white
 * point with Y = 1.
 *
 * @example rgbToXyzMatrix(CHROMATICITIES.bt709).slice(3, 6) // Y row ≈ [0.2126, 0.7152, 0.0722]
 */
export function rgbToXyzMatrix(c: Chromaticities): Mat3 {
  // Columns: each primary's XYZ at Y = 1, i.e. (x/y, 1, (1−x−y)/y).
  const col = (xy: readonly [number, number]): [number, number, number] => [xy[0] / xy[1], 1, (1 - xy[0] - xy[1]) / xy[1]];
  const [rx, ry, rz] = col(c.r);
  const [gx, gy, gz] = col(c.g);
  const [bx, by, bz] = col(c.b);
  const [wx, wy, wz] = col(c.white);
  // Scale each column so the three sum to the white point: S = P⁻¹ · W.
  const inv = invertMat3([rx, gx, bx, ry, gy, by, rz, gz, bz]);
  const sr = inv[0] * wx + inv[1] * wy + inv[2] * wz;
  const sg = inv[3] * wx + inv[4] * wy + inv[5] * wz;
  const sb = inv[6] * wx + inv[7] * wy + inv[8] * wz;
  return [rx * sr, gx * sg, bx * sb, ry * sr, gy * sg, by * sb, rz * sr, gz * sg, bz * sb];
}

/** BT.709 RGB → CIE XYZ (D65, Y of white = 1). */
export const BT709_TO_XYZ: Mat3 = Object.freeze(rgbToXyzMatrix(CHROMATICITIES.bt709));
/** CIE XYZ → BT.709 RGB. */
export const XYZ_TO_BT709: Mat3 = Object.freeze(invertMat3(BT709_TO_XYZ));
/** BT.2020 RGB → CIE XYZ (D65, Y of white = 1). */
export const BT2020_TO_XYZ: Mat3 = Object.freeze(rgbToXyzMatrix(CHROMATICITIES.bt2020));
/** CIE XYZ → BT.2020 RGB. */
export const XYZ_TO_BT2020: Mat3 = Object.freeze(invertMat3(BT2020_TO_XYZ));
/** Linear BT.709 RGB → linear BT.2020 RGB (BT.2087 §2: ≈ [0.6274 0.3293 0.0433; …]). */
export const BT709_TO_BT2020: Mat3 = Object.freeze(multiplyMat3(XYZ_TO_BT2020, BT709_TO_XYZ));
/** Linear BT.2020 RGB → linear BT.709 RGB; the exact inverse of {@link BT709_TO_BT2020}. */
export const BT2020_TO_BT709: Mat3 = Object.freeze(invertMat3(BT709_TO_BT2020));

const IDENTITY: Mat3 = Object.freeze([1, 0, 0, 0, 1, 0, 0, 0, 1] as const);

/**
 * Matrix between two sets of primaries (identity when equal).
 *
 * @example primariesMatrix('bt709', 'bt2020') === BT709_TO_BT2020
 */
export function primariesMatrix(from: Primaries, to: Primaries): Mat3 {
  if (from === to) return IDENTITY;
  return from === 'bt709' ? BT709_TO_BT2020 : BT2020_TO_BT709;
}

/**
 * Applies `m` to one RGB triple.
 *
 * @example applyMatrix3Scalar(BT709_TO_BT2020, 1, 0, 0) // ≈ [0.6274, 0.0691, 0.0164]
 */
export function applyMatrix3Scalar(m: Mat3, r: number, g: number, b: number): [number, number, number] {
  return [m[0] * r + m[1] * g + m[2] * b, m[3] * r + m[4] * g + m[5] * b, m[6] * r + m[7] * g + m[8] * b];
}

/**
 * Applies `m` to planar RGB. Outputs may alias inputs (each pixel's three inputs are read
 * before any output is written). Returns `[outR, outG, outB]`.
 *
 * @example applyMatrix3(BT709_TO_BT2020, r, g, b, r, g, b) // in place
 */
export function applyMatrix3(
  m: Mat3,
  r: Float32Array, g: Float32Array, b: Float32Array,
  outR: Float32Array, outG: Float32Array, outB: Float32Array,
): [Float32Array, Float32Array, Float32Array] {
  assertPlaneLengths('applyMatrix3', r.length, ['g', 'b', 'outR', 'outG', 'outB'], [g, b, outR, outG, outB]);
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = m;
  for (let i = 0; i < r.length; i++) {
    const x = r[i]!;
    const y = g[i]!;
    const z = b[i]!;
    outR[i] = m0 * x + m1 * y + m2 * z;
    outG[i] = m3 * x + m4 * y + m5 * z;
    outB[i] = m6 * x + m7 * y + m8 * z;
  }
  return [outR, outG, outB];
}
