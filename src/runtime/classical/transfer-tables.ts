// The transfer curves of the classical model's pixel loops, tabulated once (shared, immutable)
// or once per HLG display peak. Each table's domain and resolution is chosen so that the
// fused loops land on the same 8-/10-bit codes as the exact functions of src/color except at
// rare rounding ties (test/runtime/classical/classical-model.test.ts compares the two paths).

import { hlgInverseOetf, hlgOetf, hlgSystemGamma, pqDecode, pqEncode } from '../../color/index.js';
import { GeometricLut, UniformLut } from './curve-lut.js';

/** BT.1886 display gamma (Lb = 0: L = Lw·V^2.4). */
export const SDR_GAMMA = 2.4;

export type TransferTables = {
  /** PQ signal (clamped to [0, 1]) → cd/m². Uniform: the EOTF is smooth; 4096 segments keep it within ~1e-6 relative above 0.01 cd/m². */
  readonly pqDecode: UniformLut;
  /** cd/m² → PQ signal. Geometric (PQ ~ L^0.16 near black), 2^-20 … 2^14 cd/m², 64 knots an octave: ≤ 3e-6 of the signal. */
  readonly pqEncode: GeometricLut;
  /** Relative SDR light in [0, 1] → BT.1886 signal V = L^(1/2.4). Geometric from 2^-40: ≤ 2e-6 relative. */
  readonly gammaEncode: GeometricLut;
  /** BT.1886 signal (clamped to [0, 1]) → relative light V^2.4. Uniform, 4096 segments. */
  readonly gammaDecode: UniformLut;
  /** HLG signal (clamped to [0, 1.5]) → normalised scene light (BT.2100 inverse OETF). Uniform, 6144 segments. */
  readonly hlgInverseOetf: UniformLut;
  /** Normalised scene light → HLG signal (OETF, √(3E) near black). Geometric, 2^-30 … 2^3. */
  readonly hlgOetf: GeometricLut;
};

let shared: TransferTables | undefined;

/** The shared tables (built on first use, ~2 ms). @example transferTables().pqDecode.at(0.5) */
export function transferTables(): TransferTables {
  shared ??= {
    pqDecode: new UniformLut(pqDecode, 0, 1, 4096),
    pqEncode: new GeometricLut(pqEncode, -20, 14, 6),
    gammaEncode: new GeometricLut((x) => (x > 0 ? Math.exp(Math.log(x) / SDR_GAMMA) : 0), -40, 1, 7),
    gammaDecode: new UniformLut((v) => (v > 0 ? Math.exp(Math.log(v) * SDR_GAMMA) : 0), 0, 1, 4096),
    hlgInverseOetf: new UniformLut(hlgInverseOetf, 0, 1.5, 6144),
    hlgOetf: new GeometricLut(hlgOetf, -30, 3, 7),
  };
  return shared;
}

/** BT.2100 HLG OOTF pieces for one display peak Lw (Lb = 0), luminance-based. */
export type HlgDisplayTables = {
  readonly lw: number;
  readonly gamma: number;
  /** Scene luminance Ys → OOTF gain Lw·Ys^(γ−1) (display cd/m² per unit of scene light). */
  readonly ootfGain: GeometricLut;
  /** Display luminance / Lw → inverse OOTF scale (Yd/Lw)^((1−γ)/γ) / Lw. */
  readonly inverseOotfScale: GeometricLut;
};

const hlgCache = new Map<number, HlgDisplayTables>();

/**
 * HLG OOTF tables for display peak `lw` cd/m² (cached per value).
 *
 * @example hlgDisplayTables(1000).ootfGain.at(0.5) // 1000 · 0.5^0.2
 */
export function hlgDisplayTables(lw: number): HlgDisplayTables {
  let t = hlgCache.get(lw);
  if (t === undefined) {
    const gamma = hlgSystemGamma(lw);
    const gm1 = gamma - 1;
    const inv = (1 - gamma) / gamma;
    t = {
      lw,
      gamma,
      ootfGain: new GeometricLut((ys) => (ys > 0 ? lw * Math.exp(gm1 * Math.log(ys)) : 0), -30, 3, 7),
      inverseOotfScale: new GeometricLut((yn) => (yn > 0 ? Math.exp(inv * Math.log(yn)) / lw : 0), -30, 5, 7),
    };
    if (hlgCache.size >= 8) hlgCache.delete(hlgCache.keys().next().value!);
    hlgCache.set(lw, t);
  }
  return t;
}
