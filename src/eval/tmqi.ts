// TMQI, the Tone-Mapped image Quality Index (H. Yeganeh & Z. Wang, "Objective Quality
// Assessment of Tone-Mapped Images", IEEE TIP 22(2):657–667, 2013), following the authors'
// MATLAB release (TMQI.m v1.0, 2012), which fixes the details the paper leaves open:
//
// Structural fidelity S: five scales (2x2 mean then decimation by 2 between them), weights
// [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]. At each scale, local statistics in an 11x11
// Gaussian window (σ = 1.5, valid positions only), and
//   S_local = (2σ̃x σ̃y + C1) / (σ̃x² + σ̃y² + C1) · (σxy + C2) / (σx σy + C2),  C1 = 0.01, C2 = 10,
// where σ̃ = Φ((σ − τ) / (τ/3)) maps a local standard deviation through the visibility
// threshold of that scale's spatial frequency f = 16, 8, 4, 2, 1 cycles/degree:
//   τ = 128 / (1.4 · CSF(f)),  CSF(f) = 100 · 2.6 · (0.0192 + 0.114 f) · exp(−(0.114 f)^1.1)
// (Mannos & Sakrison). S = Π s_l^w_l over the per-scale means s_l.
//
// Statistical naturalness N = Pm · Pd: Pm the Gaussian (µ = 115.94, σ = 27.99) density of the
// SDR's mean, Pd the Beta (α = 4.4, β = 10.1) density of its mean block standard deviation
// (11x11 blocks) divided by 64.29, each divided by its maximum.
// Q = a · S^α + (1 − a) · N^β,  a = 0.8012, α = 0.3046, β = 0.7088.
//
// Inputs: HDR luminance (cd/m², any linear unit) and the SDR's 8-bit luma (0–255). Like the
// release, the HDR is rescaled linearly to [0, 2³² − 1] (scale factor rounded) before the
// statistics.
//
// Deviations from the release, none of which changes a well-defined result:
// - The HDR statistics are computed at its own scale and then multiplied by the rescaling
//   factor k (σ → kσ, σxy → kσxy), which is exact algebra; computing E[x²] − E[x]² on values
//   near 4.3e9 as the release does loses most float64 digits (spurious σ in flat regions).
// - A scale whose mean s_l is negative (strongly anti-correlated structure) makes the
//   fractional power undefined (NaN in the release); it counts as 0 here, so S = 0.
// - A flat HDR frame (max = min) has k = ∞ in the release (NaN); here its σ is 0.
// - Block statistics for N: partial 11x11 blocks at the right and bottom edges use their own
//   pixels; the release's blkproc pads them with zeros, which inflates their deviation.
//   Blocks are weighted by their pixel count (as averaging the release's per-pixel map does).

import { assertLengths, assertSize } from './checks.js';
import { WindowedMoments } from './local-moments.js';

/** Constants of TMQI (paper and MATLAB release). */
export const TMQI_PARAMS = Object.freeze({
  a: 0.8012,
  alpha: 0.3046,
  beta: 0.7088,
  scaleWeights: Object.freeze([0.0448, 0.2856, 0.3001, 0.2363, 0.1333] as const),
  /** Spatial frequency (cycles/degree) the CSF is evaluated at for each scale. */
  frequencies: Object.freeze([16, 8, 4, 2, 1] as const),
  c1: 0.01,
  c2: 10,
  brightnessMean: 115.94,
  brightnessStd: 27.99,
  contrastAlpha: 4.4,
  contrastBeta: 10.1,
  /** Divisor mapping the mean block standard deviation into the Beta model's [0, 1]. */
  contrastScale: 64.29,
  blockSize: 11,
  /** HDR luminance is rescaled to [0, hdrRange] as in the release. */
  hdrRange: 2 ** 32 - 1,
});

const SCALES = 5;
const WINDOW = 11;

/** Scores of one SDR frame against its HDR reference. */
export type TmqiResult = {
  /** Overall quality in [0, 1]. */
  q: number;
  /** Structural fidelity in [0, 1]. */
  s: number;
  /** Statistical naturalness in [0, 1]. */
  n: number;
  /** Mean local structural fidelity at each of the five scales (finest first). */
  sLocal: number[];
};

/**
 * Mannos–Sakrison contrast sensitivity as the TMQI release writes it, at `f` cycles/degree.
 *
 * @example tmqiCsf(16) // ≈ 69
 */
export function tmqiCsf(f: number): number {
  return 100 * 2.6 * (0.0192 + 0.114 * f) * Math.exp(-((0.114 * f) ** 1.1));
}

/** Standard normal CDF: erfc approximation (Numerical Recipes erfcc), relative error < 1.2e-7. */
function normalCdf(z: number): number {
  // Beyond ±9 the CDF is 0 or 1 to double precision; HDR deviations scaled by ~1e6 land there.
  if (z > 9) return 1;
  if (z < -9) return 0;
  const x = -z / Math.SQRT2;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.5 * ax);
  const erfc =
    t *
    Math.exp(
      -ax * ax - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
        t * (0.27886187 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  const e = x >= 0 ? erfc : 2 - erfc;
  return 0.5 * e;
}

/**
 * Statistical naturalness N of an 8-bit luma image (0–255): the product of the brightness and
 * contrast likelihoods, each normalised to peak at 1.
 *
 * @example statisticalNaturalness(sdrY, 640, 360) // ≈ 1 for mean 116 and block σ 17.5
 */
export function statisticalNaturalness(sdrY: Float32Array, width: number, height: number): number {
  assertSize('statisticalNaturalness', width, height, sdrY.length);
  const p = TMQI_PARAMS;
  const bs = p.blockSize;
  let total = 0;
  let weightedStd = 0;
  for (let by = 0; by < height; by += bs) {
    const bh = Math.min(bs, height - by);
    for (let bx = 0; bx < width; bx += bs) {
      const bw = Math.min(bs, width - bx);
      let s = 0;
      let s2 = 0;
      for (let y = by; y < by + bh; y++) {
        const row = y * width;
        for (let x = bx; x < bx + bw; x++) {
          const v = sdrY[row + x]!;
          s += v;
          s2 += v * v;
        }
      }
      const count = bw * bh;
      total += s;
      // Sample standard deviation (MATLAB std, N − 1); a 1-pixel block has none.
      const variance = count > 1 ? (s2 - (s * s) / count) / (count - 1) : 0;
      weightedStd += count * Math.sqrt(variance > 0 ? variance : 0);
    }
  }
  const n = width * height;
  const mean = total / n;
  const sigma = weightedStd / n;
  const dz = (mean - p.brightnessMean) / p.brightnessStd;
  const pm = Math.exp(-0.5 * dz * dz);
  const a = p.contrastAlpha;
  const b = p.contrastBeta;
  const mode = (a - 1) / (a + b - 2);
  const x = sigma / p.contrastScale;
  // Beta density over its value at the mode; the normalising Beta function cancels.
  const pd = x > 0 && x < 1 ? (x / mode) ** (a - 1) * ((1 - x) / (1 - mode)) ** (b - 1) : 0;
  return pm * pd;
}

/** 2x2 mean with edge replication, then every other sample: MATLAB imfilter(ones(2)/4, 'symmetric') + (1:2:end). */
function halve(src: Float64Array, w: number, h: number, dst: Float64Array): void {
  const ow = Math.ceil(w / 2);
  const oh = Math.ceil(h / 2);
  for (let y = 0; y < oh; y++) {
    const y0 = 2 * y;
    const y1 = Math.min(y0 + 1, h - 1);
    for (let x = 0; x < ow; x++) {
      const x0 = 2 * x;
      const x1 = Math.min(x0 + 1, w - 1);
      dst[y * ow + x] = 0.25 * (src[y0 * w + x0]! + src[y0 * w + x1]! + src[y1 * w + x0]! + src[y1 * w + x1]!);
    }
  }
}

/**
 * TMQI with buffers for one frame size, reused across frames.
 *
 * @example
 * const t = new TmqiMeter(640, 360);
 * const { q, s, n } = t.measure(hdrLuminance, sdrLuma255);
 */
export class TmqiMeter {
  readonly width: number;
  readonly height: number;
  readonly #hdr: Float64Array[] = [];
  readonly #sdr: Float64Array[] = [];
  readonly #sizes: { w: number; h: number }[] = [];
  readonly #moments: WindowedMoments[] = [];

  constructor(width: number, height: number) {
    let w = width;
    let h = height;
    for (let l = 0; l < SCALES; l++) {
      if (w < WINDOW || h < WINDOW) {
        throw new RangeError(
          `TMQI: a ${width}x${height} image is ${w}x${h} at scale ${l + 1} of ${SCALES}, smaller than the ${WINDOW}x${WINDOW} window — it needs at least ${16 * (WINDOW - 1) + 1} pixels per side`,
        );
      }
      this.#sizes.push({ w, h });
      this.#hdr.push(new Float64Array(w * h));
      this.#sdr.push(new Float64Array(w * h));
      this.#moments.push(new WindowedMoments(w, h, { size: WINDOW, sigma: 1.5 }));
      w = Math.ceil(w / 2);
      h = Math.ceil(h / 2);
    }
    this.width = width;
    this.height = height;
  }

  /** Scores one SDR frame (8-bit luma, 0–255) against the HDR luminance it was made from. */
  measure(hdrY: Float32Array, sdrY: Float32Array): TmqiResult {
    assertSize('TmqiMeter.measure', this.width, this.height, hdrY.length);
    assertLengths('TmqiMeter.measure', hdrY.length, ['sdrY'], [sdrY]);
    const p = TMQI_PARAMS;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < hdrY.length; i++) {
      const v = hdrY[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    // The release's rescaling factor, rounded as it rounds it; only σ and σxy feel it.
    const k = hi > lo ? Math.round(p.hdrRange / (hi - lo)) : 0;
    this.#hdr[0]!.set(hdrY);
    this.#sdr[0]!.set(sdrY);
    const sLocal: number[] = [];
    let s = 1;
    for (let l = 0; l < SCALES; l++) {
      if (l > 0) {
        const prev = this.#sizes[l - 1]!;
        halve(this.#hdr[l - 1]!, prev.w, prev.h, this.#hdr[l]!);
        halve(this.#sdr[l - 1]!, prev.w, prev.h, this.#sdr[l]!);
      }
      const m = this.#moments[l]!.compute(this.#hdr[l]!, this.#sdr[l]!);
      const tau = 128 / (1.4 * tmqiCsf(p.frequencies[l]!));
      const spread = tau / 3;
      let sum = 0;
      const { varA, varB, cov } = m;
      for (let i = 0; i < varA.length; i++) {
        const sx = k * Math.sqrt(varA[i]!);
        const sy = Math.sqrt(varB[i]!);
        const px = normalCdf((sx - tau) / spread);
        const py = normalCdf((sy - tau) / spread);
        sum += ((2 * px * py + p.c1) / (px * px + py * py + p.c1)) * ((k * cov[i]! + p.c2) / (sx * sy + p.c2));
      }
      const mean = sum / varA.length;
      sLocal.push(mean);
      s *= mean > 0 ? mean ** p.scaleWeights[l]! : 0;
    }
    const n = statisticalNaturalness(sdrY, this.width, this.height);
    const q = p.a * s ** p.alpha + (1 - p.a) * n ** p.beta;
    return { q, s, n, sLocal };
  }
}

/**
 * TMQI of one SDR image against its HDR reference (see the file header for the method).
 * `hdrY`: linear luminance; `sdrY`: 8-bit luma 0–255; both width×height (≥ 161 per side).
 *
 * @example tmqi(hdrLuminance, sdrLuma, 640, 360).q // ≈ 0.8–0.9 for a good tone mapping
 */
export function tmqi(hdrY: Float32Array, sdrY: Float32Array, width: number, height: number): TmqiResult {
  assertSize('tmqi', width, height, hdrY.length);
  return new TmqiMeter(width, height).measure(hdrY, sdrY);
}
