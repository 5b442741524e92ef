// BT.2100 Hybrid Log-Gamma: OETF, its inverse, and the OOTF that turns scene light into
// display light. The OOTF is applied on luminance, as BT.2100 specifies: every channel is
// scaled by the same gain Ys^(γ−1), so chromaticity is kept. Applying E^γ per channel (as
// some libraries do, zimg among them) shifts saturated colours' hue and saturation.

import { assertPlaneLengths } from './planes.js';
import { powPositive } from './pow.js';

const A = 0.17883277;
const B = 1 - 4 * A;
const C = 0.5 - A * Math.log(4 * A);
const INV_A = 1 / A;
const ONE_TWELFTH = 1 / 12;

// BT.2100 luminance weights for BT.2020 primaries.
const KR = 0.2627;
const KG = 0.678;
const KB = 0.0593;

/**
 * HLG OETF: normalised scene-linear E in [0, 1] → signal E' in [0, 1]. Negatives give 0.
 *
 * @example hlgOetf(1 / 12) // 0.5
 */
export function hlgOetf(e: number): number {
  if (!(e > 0)) return 0;
  return e <= ONE_TWELFTH ? Math.sqrt(3 * e) : A * Math.log(12 * e - B) + C;
}

/**
 * Inverse HLG OETF: signal E' → normalised scene-linear E. Negatives give 0.
 *
 * @example hlgInverseOetf(0.5) // 1/12
 */
export function hlgInverseOetf(signal: number): number {
  if (!(signal > 0)) return 0;
  return signal <= 0.5 ? (signal * signal) / 3 : (Math.exp((signal - C) * INV_A) + B) / 12;
}

/**
 * HLG system gamma for a display of nominal peak `lw` cd/m² (BT.2100 Note 5e; defined for
 * 400–2000 cd/m², extrapolated outside).
 *
 * @example hlgSystemGamma(1000) // 1.2
 */
export function hlgSystemGamma(lw: number): number {
  return 1.2 + 0.42 * Math.log10(lw / 1000);
}

// No lookup table here (unlike PQ): each branch costs at most one Math.log or Math.exp,
// and the steep top of the inverse OETF would need a very large table to stay exact.

/** {@link hlgOetf} over a plane; `dst` may be `src`. Returns `dst`. @example hlgOetfPlane(e, e) */
export function hlgOetfPlane(src: Float32Array, dst: Float32Array): Float32Array {
  assertPlaneLengths('hlgOetfPlane', src.length, ['dst'], [dst]);
  for (let i = 0; i < src.length; i++) dst[i] = hlgOetf(src[i]!);
  return dst;
}

/** {@link hlgInverseOetf} over a plane; `dst` may be `src`. Returns `dst`. @example hlgInverseOetfPlane(s, s) */
export function hlgInverseOetfPlane(src: Float32Array, dst: Float32Array): Float32Array {
  assertPlaneLengths('hlgInverseOetfPlane', src.length, ['dst'], [dst]);
  for (let i = 0; i < src.length; i++) dst[i] = hlgInverseOetf(src[i]!);
  return dst;
}

function checkDisplay(fn: string, lw: number, lb: number): void {
  if (!(lw > 0) || !Number.isFinite(lw)) {
    throw new RangeError(`${fn}: Lw (display peak) must be a positive finite cd/m² value, got ${lw}`);
  }
  if (!(lb >= 0) || !(lb < lw)) {
    throw new RangeError(`${fn}: Lb (display black) must be in [0, Lw=${lw}), got ${lb}`);
  }
}

/**
 * HLG OOTF for one pixel: scene-linear BT.2020 RGB in [0, 1] → display light in cd/m².
 * Fd = α·Ys^(γ−1)·E + β with α = Lw − Lb, β = Lb, Ys the scene luminance.
 *
 * @example hlgOotf(0.5, 0.5, 0.5) // [1000·0.5^1.2, …] ≈ [435.3, 435.3, 435.3]
 */
export function hlgOotf(r: number, g: number, b: number, lw = 1000, lb = 0): [number, number, number] {
  checkDisplay('hlgOotf', lw, lb);
  const ys = KR * r + KG * g + KB * b;
  if (!(ys > 0)) return [lb, lb, lb];
  const gain = (lw - lb) * powPositive(ys, hlgSystemGamma(lw) - 1);
  return [gain * r + lb, gain * g + lb, gain * b + lb];
}

/**
 * Inverse HLG OOTF for one pixel: display light in cd/m² → scene-linear RGB in [0, 1].
 *
 * @example hlgInverseOotf(435.3, 435.3, 435.3) // ≈ [0.5, 0.5, 0.5]
 */
export function hlgInverseOotf(r: number, g: number, b: number, lw = 1000, lb = 0): [number, number, number] {
  checkDisplay('hlgInverseOotf', lw, lb);
  const alpha = lw - lb;
  const yn = (KR * r + KG * g + KB * b - lb) / alpha;
  if (!(yn > 0)) return [0, 0, 0];
  const gamma = hlgSystemGamma(lw);
  const scale = powPositive(yn, (1 - gamma) / gamma) / alpha;
  return [(r - lb) * scale, (g - lb) * scale, (b - lb) * scale];
}

// Both loops are in-place safe: each pixel's inputs are read before its outputs are written.
function ootfLoop(
  r: Float32Array, g: Float32Array, b: Float32Array,
  outR: Float32Array, outG: Float32Array, outB: Float32Array,
  lw: number, lb: number,
): void {
  const alpha = lw - lb;
  const gm1 = hlgSystemGamma(lw) - 1;
  for (let i = 0; i < r.length; i++) {
    const er = r[i]!;
    const eg = g[i]!;
    const eb = b[i]!;
    const ys = KR * er + KG * eg + KB * eb;
    const gain = ys > 0 ? alpha * powPositive(ys, gm1) : 0;
    outR[i] = gain * er + lb;
    outG[i] = gain * eg + lb;
    outB[i] = gain * eb + lb;
  }
}

function inverseOotfLoop(
  r: Float32Array, g: Float32Array, b: Float32Array,
  outR: Float32Array, outG: Float32Array, outB: Float32Array,
  lw: number, lb: number,
): void {
  const alpha = lw - lb;
  const invAlpha = 1 / alpha;
  const gamma = hlgSystemGamma(lw);
  const expo = (1 - gamma) / gamma;
  for (let i = 0; i < r.length; i++) {
    const dr = r[i]! - lb;
    const dg = g[i]! - lb;
    const db = b[i]! - lb;
    const yn = (KR * dr + KG * dg + KB * db) * invAlpha;
    const scale = yn > 0 ? powPositive(yn, expo) * invAlpha : 0;
    outR[i] = dr * scale;
    outG[i] = dg * scale;
    outB[i] = db * scale;
  }
}

const NAMES = ['g', 'b', 'outR', 'outG', 'outB'] as const;

/**
 * HLG OOTF over planes: scene-linear BT.2020 RGB in [0, 1] → display light in cd/m².
 * Outputs may alias inputs. Returns `[outR, outG, outB]`.
 *
 * @example hlgOotfPlanes(r, g, b, r, g, b, 1000) // in place, 1000 cd/m² display
 */
export function hlgOotfPlanes(
  r: Float32Array, g: Float32Array, b: Float32Array,
  outR: Float32Array, outG: Float32Array, outB: Float32Array,
  lw = 1000, lb = 0,
): [Float32Array, Float32Array, Float32Array] {
  checkDisplay('hlgOotfPlanes', lw, lb);
  assertPlaneLengths('hlgOotfPlanes', r.length, NAMES, [g, b, outR, outG, outB]);
  ootfLoop(r, g, b, outR, outG, outB, lw, lb);
  return [outR, outG, outB];
}

/**
 * Inverse HLG OOTF over planes: display light in cd/m² → scene-linear RGB in [0, 1].
 * Outputs may alias inputs. Returns `[outR, outG, outB]`.
 *
 * @example hlgInverseOotfPlanes(r, g, b, r, g, b, 1000)
 */
export function hlgInverseOotfPlanes(
  r: Float32Array, g: Float32Array, b: Float32Array,
  outR: Float32Array, outG: Float32Array, outB: Float32Array,
  lw = 1000, lb = 0,
): [Float32Array, Float32Array, Float32Array] {
  checkDisplay('hlgInverseOotfPlanes', lw, lb);
  assertPlaneLengths('hlgInverseOotfPlanes', r.length, NAMES, [g, b, outR, outG, outB]);
  inverseOotfLoop(r, g, b, outR, outG, outB, lw, lb);
  return [outR, outG, outB];
}

/**
 * HLG signal R'G'B' → display light in cd/m² (inverse OETF, then OOTF).
 * Each output may be its own input (`outR === r` …), not another channel's.
 * Returns `[outR, outG, outB]`.
 *
 * @example hlgDecodePlanes(rs, gs, bs, r, g, b, 1000)
 */
export function hlgDecodePlanes(
  r: Float32Array, g: Float32Array, b: Float32Array,
  outR: Float32Array, outG: Float32Array, outB: Float32Array,
  lw = 1000, lb = 0,
): [Float32Array, Float32Array, Float32Array] {
  checkDisplay('hlgDecodePlanes', lw, lb);
  assertPlaneLengths('hlgDecodePlanes', r.length, NAMES, [g, b, outR, outG, outB]);
  // Inverse OETF into the outputs, then the OOTF in place: no scratch planes needed.
  hlgInverseOetfPlane(r, outR);
  hlgInverseOetfPlane(g, outG);
  hlgInverseOetfPlane(b, outB);
  ootfLoop(outR, outG, outB, outR, outG, outB, lw, lb);
  return [outR, outG, outB];
}

/**
 * Display light in cd/m² → HLG signal R'G'B' (inverse OOTF, then OETF).
 * Each output may be its own input (`outR === r` …), not another channel's.
 * Returns `[outR, outG, outB]`.
 *
 * @example hlgEncodePlanes(r, g, b, rs, gs, bs, 1000)
 */
export function hlgEncodePlanes(
  r: Float32Array, g: Float32Array, b: Float32Array,
  outR: Float32Array, outG: Float32Array, outB: Float32Array,
  lw = 1000, lb = 0,
): [Float32Array, Float32Array, Float32Array] {
  checkDisplay('hlgEncodePlanes', lw, lb);
  assertPlaneLengths('hlgEncodePlanes', r.length, NAMES, [g, b, outR, outG, outB]);
  inverseOotfLoop(r, g, b, outR, outG, outB, lw, lb);
  hlgOetfPlane(outR, outR);
  hlgOetfPlane(outG, outG);
  hlgOetfPlane(outB, outB);
  return [outR, outG, outB];
}
