// ITU-R BT.2390 reference EETF (BT.2390-10 §5.4.1): maps a mastering range [srcMin, srcMax]
// cd/m² onto a target display's [dstMin, dstMax], in the PQ domain.
//
//   E1 = (PQ(L) − PQ(srcMin)) / (PQ(srcMax) − PQ(srcMin))                      normalise
//   minLum, maxLum = the target's black and peak, normalised the same way
//   KS = 1.5·maxLum − 0.5                                                       knee start
//   E2 = E1                       for E1 < KS                                   identity
//      = P(E1)                    for KS ≤ E1 ≤ 1                               Hermite spline
//        P = (2T³−3T²+1)·KS + (T³−2T²+T)·(1−KS) + (−2T³+3T²)·maxLum, T = (E1−KS)/(1−KS)
//   E3 = E2 + b·(1 − E2)^4,  b = minLum                                         black lift
//   L' = PQ⁻¹(E3·(PQ(srcMax) − PQ(srcMin)) + PQ(srcMin))                        denormalise
//
// With KS = 1.5·maxLum − 0.5 the spline simplifies to P = KS + ⅓(1−KS)(1 − (1−T)³):
// dP/dE1 = (1−T)², slope 1 at the knee (C¹ join), slope 0 at srcMax.
//
// Slope 0 at srcMax makes the inverse unbounded there: the top SDR codes each stand for
// hundreds of cd/m² (1000 → 100 cd/m²: 8-bit codes 234 → 235 are 496 → 1000 cd/m²), so the
// SDR's coding noise in highlights comes back as steps of dozens of PQ codes. `topSlope` m
// (default 0: BT.2390 itself) keeps BT.2390's knee and mean slope (⅓ over [KS, 1]) but ends
// the spline at slope m, which bounds the inverse's slope by 1/m:
//   dP/dE1 = m + (1−m)(1−T)^(n−1),   P = KS + (1−KS)·(m·T + (1−m)(1 − (1−T)^n)/n),
//   n = 3(1−m)/(1−3m)                                   (m = 0: n = 3, BT.2390's spline)
// so m < ⅓. The price: the slope falls faster past the knee, so mid highlights are
// compressed more (1000 → 100 cd/m², m = 0.1: 200 cd/m² → 80 instead of 88, codes 234 → 235
// are 904 → 1000 cd/m²). The inverse is a cube root for m = 0 and Newton's method on the
// concave, increasing spline otherwise (from T = 0, which cannot overshoot). The black lift
// (convex, increasing when b < ¼) is inverted by Newton's method from the right, likewise.
//
// Choices where BT.2390 is silent, all documented on the class:
// - b = max(minLum, 0): a target darker than the mastering black keeps the source's black
//   rather than crushing it (the formula would make E3 negative).
// - Inputs outside [srcMin, srcMax] are clamped (E1 ∈ [0, 1]).
// - maxLum ≥ 1 (target at least as bright as the source): identity, no spline.
// - maxLum < ⅓ makes KS negative and the spline non-monotone: rejected.
// - With b > 0, E(srcMax) = PQ⁻¹(maxLum + b(1−maxLum)⁴ …) is slightly above dstMax — that is
//   BT.2390's formula; {@link Bt2390Eetf.peakOutNits} says exactly where it lands.

import { PQ_MAX_NITS, pqDecode, pqEncode } from '../../color/index.js';
import { BitTable, GeometricLut } from './curve-lut.js';

/** Source and target luminance ranges of the EETF, cd/m². */
export type EetfParams = {
  /** Mastering (source) black, cd/m². */
  readonly srcMin: number;
  /** Mastering (source) peak, cd/m²: what maps to the target peak. */
  readonly srcMax: number;
  /** Target display black, cd/m². */
  readonly dstMin: number;
  /** Target display peak, cd/m². */
  readonly dstMax: number;
  /**
   * Slope of the spline at srcMax, normalised PQ domain, in [0, 0.3]. Default 0: BT.2390's
   * EETF. Above 0 the inverse's slope is bounded by 1/topSlope; the knee stays where it is.
   */
  readonly topSlope?: number;
};

/** topSlope → ⅓ is a straight line from the knee to the peak (the exponent n grows without bound). */
export const MAX_TOP_SLOPE = 0.3;

function checkParams(p: EetfParams): void {
  const names = ['srcMin', 'srcMax', 'dstMin', 'dstMax'] as const;
  for (const name of names) {
    const v = p[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > PQ_MAX_NITS) {
      throw new RangeError(`BT.2390 EETF: params.${name} must be a cd/m² value in [0, ${PQ_MAX_NITS}], got ${String(v)}`);
    }
  }
  if (!(p.srcMax > p.srcMin)) {
    throw new RangeError(`BT.2390 EETF: params.srcMax (${p.srcMax}) must be above params.srcMin (${p.srcMin})`);
  }
  const m = p.topSlope;
  if (m !== undefined && !(typeof m === 'number' && m >= 0 && m <= MAX_TOP_SLOPE)) {
    throw new RangeError(`BT.2390 EETF: params.topSlope must be a number in [0, ${MAX_TOP_SLOPE}], got ${String(m)}`);
  }
  if (!(p.dstMax > p.dstMin)) {
    throw new RangeError(`BT.2390 EETF: params.dstMax (${p.dstMax}) must be above params.dstMin (${p.dstMin})`);
  }
}

/**
 * The BT.2390 EETF for one parameter set, with its constants computed once; exact (float64)
 * in both directions.
 *
 * @example
 * const e = new Bt2390Eetf({ srcMin: 0, srcMax: 1000, dstMin: 0, dstMax: 100 });
 * e.map(1000)   // 100
 * e.unmap(e.map(400)) // ≈ 400
 */
export class Bt2390Eetf {
  readonly params: Readonly<EetfParams>;
  /** Normalised (PQ-domain) target black and peak, and the knee start KS. */
  readonly minLum: number;
  readonly maxLum: number;
  readonly kneeStart: number;
  /** The spline's slope at srcMax (params.topSlope, default 0). */
  readonly topSlope: number;
  /** The black-lift coefficient b actually used: max(minLum, 0). */
  readonly blackLift: number;
  /**
   * Source luminance at the knee: the curve is E(L) = L (identity) for srcMin ≤ L ≤ kneeNits
   * when blackLift is 0. Equals srcMax when the target is at least as bright as the source.
   */
  readonly kneeNits: number;
  /** E(kneeNits). */
  readonly kneeOutNits: number;
  /** E(srcMax): dstMax when blackLift is 0. */
  readonly peakOutNits: number;
  /** E(srcMin): srcMin when blackLift is 0. */
  readonly blackOutNits: number;
  readonly #pqMin: number;
  readonly #range: number;
  readonly #spline: boolean;
  /** n of the spline (3 for BT.2390). */
  readonly #exponent: number;

  constructor(params: EetfParams) {
    checkParams(params);
    const topSlope = params.topSlope ?? 0;
    this.params = Object.freeze({ srcMin: params.srcMin, srcMax: params.srcMax, dstMin: params.dstMin, dstMax: params.dstMax, topSlope });
    this.#pqMin = pqEncode(params.srcMin);
    this.#range = pqEncode(params.srcMax) - this.#pqMin;
    this.minLum = (pqEncode(params.dstMin) - this.#pqMin) / this.#range;
    this.maxLum = (pqEncode(params.dstMax) - this.#pqMin) / this.#range;
    this.topSlope = topSlope;
    this.#exponent = (3 * (1 - topSlope)) / (1 - 3 * topSlope);
    this.kneeStart = 1.5 * this.maxLum - 0.5;
    this.blackLift = Math.max(this.minLum, 0);
    if (this.kneeStart < 0) {
      throw new RangeError(
        `BT.2390 EETF: target peak ${params.dstMax} cd/m² is too far below source peak ${params.srcMax} cd/m² ` +
          `(maxLum ${this.maxLum.toFixed(4)} < 1/3 makes the knee start negative and the curve non-monotone); ` +
          'raise dstMax or lower srcMax',
      );
    }
    if (this.blackLift >= 0.25) {
      throw new RangeError(
        `BT.2390 EETF: target black ${params.dstMin} cd/m² is too high for source range [${params.srcMin}, ${params.srcMax}] ` +
          `(minLum ${this.minLum.toFixed(4)} ≥ 1/4 makes the black lift non-monotone); lower dstMin`,
      );
    }
    this.#spline = this.kneeStart < 1;
    this.kneeNits = this.#spline ? this.#denormalise(this.kneeStart) : params.srcMax;
    this.kneeOutNits = this.map(this.kneeNits);
    this.peakOutNits = this.map(params.srcMax);
    this.blackOutNits = this.map(params.srcMin);
  }

  #denormalise(e: number): number {
    return pqDecode(e * this.#range + this.#pqMin);
  }

  /** Normalised PQ domain: E1 ∈ [0, 1] → E3 (BT.2390's steps 2–3). */
  mapNormalised(e1: number): number {
    const ks = this.kneeStart;
    let e2 = e1;
    if (this.#spline && e1 >= ks) {
      const t = (e1 - ks) / (1 - ks);
      const t2 = t * t;
      const t3 = t2 * t;
      const m = this.topSlope;
      e2 = m === 0
        ? (2 * t3 - 3 * t2 + 1) * ks + (t3 - 2 * t2 + t) * (1 - ks) + (-2 * t3 + 3 * t2) * this.maxLum
        : ks + (1 - ks) * (m * t + ((1 - m) / this.#exponent) * (1 - (1 - t) ** this.#exponent));
    }
    const b = this.blackLift;
    if (b > 0) {
      const k = 1 - e2;
      e2 += b * k * k * k * k;
    }
    return e2;
  }

  /** Inverse of {@link mapNormalised} on its range; clamps outside it. */
  unmapNormalised(e3: number): number {
    const b = this.blackLift;
    let e2 = e3;
    if (b > 0) {
      // f(x) = x + b(1−x)^4 − e3 is increasing (f' ≥ 1 − 4b > 0) and convex on [0, 1]; from
      // x0 = e3 (where f ≥ 0) Newton steps decrease monotonically onto the root.
      let x = e3;
      for (let i = 0; i < 60; i++) {
        const k = 1 - x;
        const k3 = k * k * k;
        const step = (x + b * k3 * k - e3) / (1 - 4 * b * k3);
        x -= step;
        if (!(Math.abs(step) > 1e-17)) break;
      }
      e2 = x;
    }
    const top = this.#spline ? this.maxLum : 1;
    if (!(e2 > 0)) return 0;
    if (e2 >= top) return 1;
    const ks = this.kneeStart;
    if (!this.#spline || e2 < ks) return e2;
    const m = this.topSlope;
    const y = (e2 - ks) / (1 - ks);
    let t: number;
    if (m === 0) {
      // y = ⅓(1 − (1−T)³)  ⇒  1 − T = ∛(1 − 3y).
      const d = 1 - 3 * y;
      t = 1 - Math.cbrt(d > 0 ? d : 0);
    } else {
      // h(T) = m·T + (1−m)(1 − (1−T)^n)/n − y is increasing and concave: Newton from T = 0
      // (h ≤ 0 there) stays left of the root and climbs onto it; h' ≥ m keeps each step finite.
      const n = this.#exponent;
      t = 0;
      for (let i = 0; i < 100; i++) {
        const k = 1 - t;
        const kn1 = k ** (n - 1);
        const step = (m * t + ((1 - m) / n) * (1 - kn1 * k) - y) / (m + (1 - m) * kn1);
        t -= step;
        if (!(Math.abs(step) > 1e-15)) break;
      }
      t = t < 0 ? 0 : t > 1 ? 1 : t;
    }
    return ks + t * (1 - ks);
  }

  /**
   * E(L): source luminance (cd/m²) → target luminance (cd/m²). Input is clamped to
   * [srcMin, srcMax].
   *
   * @example new Bt2390Eetf({ srcMin: 0, srcMax: 1000, dstMin: 0, dstMax: 100 }).map(5) // 5 (below the knee)
   */
  map(nits: number): number {
    const e1 = (pqEncode(nits) - this.#pqMin) / this.#range;
    return this.#denormalise(this.mapNormalised(e1 < 0 ? 0 : e1 > 1 ? 1 : e1));
  }

  /**
   * E⁻¹(L): target luminance (cd/m²) → source luminance. Values at or above
   * {@link peakOutNits} give srcMax; at or below {@link blackOutNits}, srcMin. Exact to
   * ~1e-12 relative except, with topSlope 0, within ~1e-3 of srcMax in T, where E's slope is
   * 0 and the inverse is ill-conditioned (a cube root).
   *
   * @example e.unmap(100) // srcMax
   */
  unmap(nits: number): number {
    if (nits >= this.peakOutNits) return this.params.srcMax;
    if (!(nits > this.blackOutNits)) return this.params.srcMin;
    const e3 = (pqEncode(nits) - this.#pqMin) / this.#range;
    const out = this.#denormalise(this.unmapNormalised(e3));
    return out < this.params.srcMin ? this.params.srcMin : out > this.params.srcMax ? this.params.srcMax : out;
  }
}

/**
 * BT.2390 EETF for one value, cd/m² → cd/m² (builds the constants each call; use
 * {@link Bt2390Eetf} or {@link EetfLut} in loops).
 *
 * @example eetf(1000, { srcMin: 0, srcMax: 1000, dstMin: 0, dstMax: 100 }) // 100
 */
export function eetf(nits: number, params: EetfParams): number {
  return new Bt2390Eetf(params).map(nits);
}

/**
 * Exact inverse of {@link eetf}, cd/m² → cd/m².
 *
 * @example inverseEetf(100, { srcMin: 0, srcMax: 1000, dstMin: 0, dstMax: 100 }) // 1000
 */
export function inverseEetf(nits: number, params: EetfParams): number {
  return new Bt2390Eetf(params).unmap(nits);
}

// Table resolutions, measured by test/runtime/classical/bt2390-eetf.test.ts and
// bench/classical-model.ts (max relative error against the exact curve: map ~4e-6, unmap
// ≤ 2.5e-4, i.e. < 0.01 of an 8-bit or 10-bit code). Building both costs ~3.5 ms (≈ 4 000
// exact evaluations for a 1000 → 100 cd/m² curve), once per distinct peak.
const MAP_BITS = 8;
const LOW_BITS = 8;
const UNMAP_BITS = 6;
// The inverse's top table is indexed by the distance s = peakOut − L below the output peak, from
// 2^-40 cd/m² up. Closer to the peak than that it returns srcMax: the cube root there moves the
// result by < 1e-4 of the knee-to-peak range (< 0.01 of a 10-bit PQ code).
const TOP_MIN_EXP = -40;
const LOW_MIN_EXP = -20;

/**
 * Tabulated BT.2390 EETF in both directions, for the pixel loops (a few ns a lookup).
 *
 * - map: L·G(L) with the gain G = E(L)/L on float32-bit-indexed knots (2^8 an octave over
 *   every L below 2^14 cd/m²): exactly 1 below the knee when the black lift is 0, peakOut/L
 *   above srcMax, the exact curve's knots in between (smooth there: E has a continuous slope at
 *   the knee and slope 0 at srcMax).
 * - unmap: the inverse is a cube root at the top (E is flat at srcMax), so above the knee it is
 *   tabulated against s = peakOutNits − L on geometric knots (2^6 an octave), which follow the
 *   cube root; below the knee identity (or a geometric table when the black lift is not 0).
 *   With a topSlope the inverse is smooth at the top and the same knots serve (measured
 *   ≤ 3.2e-4 relative for topSlope 0.1 up to a 4000 cd/m² peak).
 *
 * The tables are public so the model's pixel loops can read them inline.
 *
 * @example
 * const lut = new EetfLut({ srcMin: 0, srcMax: 1000, dstMin: 0, dstMax: 100 });
 * lut.map(400); lut.unmap(80);
 */
export class EetfLut {
  readonly exact: Bt2390Eetf;
  readonly srcMax: number;
  readonly kneeNits: number;
  readonly kneeOutNits: number;
  readonly peakOutNits: number;
  /** True when E(L) = L on [srcMin, kneeNits] exactly (black lift 0): callers may skip `map`/`unmap` there. */
  readonly identityBelowKnee: boolean;
  /** G(L) = E(L)/L on every float32 L in [0, 2^14) cd/m² (bit-indexed). */
  readonly mapGain: BitTable;
  /** s ↦ E⁻¹(peakOutNits − s), geometric knots from 2^-40 cd/m²; s below that gives srcMax. */
  readonly unmapTop: GeometricLut;
  readonly #srcMin: number;
  readonly #unmapLow: GeometricLut | null;

  constructor(params: EetfParams | Bt2390Eetf) {
    const exact = params instanceof Bt2390Eetf ? params : new Bt2390Eetf(params);
    this.exact = exact;
    this.srcMax = exact.params.srcMax;
    this.kneeNits = exact.kneeNits;
    this.kneeOutNits = exact.kneeOutNits;
    this.peakOutNits = exact.peakOutNits;
    this.#srcMin = exact.params.srcMin;
    this.identityBelowKnee = exact.blackLift === 0;
    const srcMax = this.srcMax;
    const knee = exact.kneeNits;
    const identity = this.identityBelowKnee;
    const peakOut = exact.peakOutNits;
    const srcMin = this.#srcMin;
    this.mapGain = new BitTable((l) => {
      if (!(l > 0)) return 1;
      if (l >= srcMax) return peakOut / l;
      if (identity && l <= knee) return l > srcMin ? 1 : srcMin / l;
      // With a black lift, values below 2^-20 cd/m² are all black: one knot's gain there is
      // meaningless, keep it finite.
      return l < 2 ** LOW_MIN_EXP ? exact.map(2 ** LOW_MIN_EXP) / 2 ** LOW_MIN_EXP : exact.map(l) / l;
    }, 14, MAP_BITS);
    const peak = exact.peakOutNits;
    const span = Math.max(peak - exact.kneeOutNits, 2 ** (TOP_MIN_EXP + 1));
    this.unmapTop = new GeometricLut(
      (s) => exact.unmap(peak - s), TOP_MIN_EXP, Math.max(TOP_MIN_EXP + 1, Math.ceil(Math.log2(span)) + 1), UNMAP_BITS, true,
    );
    if (this.identityBelowKnee) {
      this.#unmapLow = null;
    } else {
      const maxExp = Math.max(LOW_MIN_EXP + 1, Math.ceil(Math.log2(Math.max(exact.kneeNits, exact.kneeOutNits))) + 1);
      this.#unmapLow = new GeometricLut((x) => exact.unmap(x), LOW_MIN_EXP, maxExp, LOW_BITS);
    }
  }

  /**
   * E(L) through the tables, cd/m² → cd/m².
   *
   * @example lut.map(1000) // dstMax
   */
  map(nits: number): number {
    if (nits >= this.srcMax) return this.peakOutNits;
    if (!(nits > 0)) return this.exact.blackOutNits;
    if (this.identityBelowKnee) {
      if (nits <= this.kneeNits) return nits > this.#srcMin ? nits : this.#srcMin;
    } else if (nits < 2 ** LOW_MIN_EXP) {
      return this.exact.map(nits);
    }
    return nits * this.mapGain.at(nits);
  }

  /**
   * E⁻¹(L) through the tables, cd/m² → cd/m².
   *
   * @example lut.unmap(100) // srcMax
   */
  unmap(nits: number): number {
    if (nits >= this.peakOutNits) return this.srcMax;
    if (nits > this.kneeOutNits) return this.unmapTop.at(this.peakOutNits - nits);
    if (this.#unmapLow !== null) return this.#unmapLow.at(nits);
    return nits > this.#srcMin ? nits : this.#srcMin;
  }
}
