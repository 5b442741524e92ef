// BT.2100 HLG OOTF tables for one display peak, cached per value. The static transfer tables
// (PQ, BT.1886, HLG OETF) live in kernels.ts, as module-level constants the loops read fastest.

import { hlgSystemGamma } from '../../color/index.js';
import { BitTable } from './curve-lut.js';

/** BT.2100 HLG OOTF pieces for one display peak Lw (Lb = 0), luminance-based. */
export type HlgDisplayTables = {
  readonly lw: number;
  readonly gamma: number;
  /** Scene luminance Ys ∈ [0, 2^11) → OOTF gain Lw·Ys^(γ−1) (display cd/m² per unit of scene light); 0 at 0. */
  readonly ootfGain: BitTable;
  /** Display luminance / Lw ∈ [0, 2^8) → inverse OOTF scale (Yd/Lw)^((1−γ)/γ) / Lw; 0 at 0. */
  readonly inverseOotfScale: BitTable;
};

const cache = new Map<number, HlgDisplayTables>();

/**
 * HLG OOTF tables for display peak `lw` cd/m² (cached per value; 128 knots an octave: ~1e-6
 * relative; ~1 ms to build).
 *
 * @example hlgDisplayTables(1000).ootfGain.at(0.5) // 1000 · 0.5^0.2
 */
export function hlgDisplayTables(lw: number): HlgDisplayTables {
  let t = cache.get(lw);
  if (t === undefined) {
    const gamma = hlgSystemGamma(lw);
    const gm1 = gamma - 1;
    const inv = (1 - gamma) / gamma;
    t = {
      lw,
      gamma,
      // Scene light reaches ~1065 at the top of the 10-bit container (hlgInverseOetf is not
      // clamped above 1), so 2^11 bounds Ys.
      ootfGain: new BitTable((ys) => (ys > 0 ? lw * Math.exp(gm1 * Math.log(ys)) : 0), 11, 7),
      inverseOotfScale: new BitTable((yn) => (yn > 0 ? Math.exp(inv * Math.log(yn)) / lw : 0), 8, 7),
    };
    if (cache.size >= 8) cache.delete(cache.keys().next().value!);
    cache.set(lw, t);
  }
  return t;
}
