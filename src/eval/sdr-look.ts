// Two descriptive statistics of an SDR picture's look, for comparing tone mappers:
// colourfulness (Hasler & Süsstrunk, "Measuring colourfulness in natural images", SPIE 5007,
// 2003) and RMS contrast (Peli 1990: the standard deviation of normalised intensities).

import { assertLengths } from './checks.js';

/**
 * Colourfulness M = σ_rgyb + 0.3·µ_rgyb of gamma-encoded R'G'B' on the 8-bit scale (0–255),
 * with rg = R − G, yb = (R + G)/2 − B, σ_rgyb = √(σ_rg² + σ_yb²), µ_rgyb = √(µ_rg² + µ_yb²)
 * (population standard deviations). 0 for any grey image; the paper's scale puts "not
 * colourful" below ~15, "quite" ~59, "extremely" above ~109.
 *
 * @example colourfulness(r255, g255, b255) // half pure red, half pure green: 293.25
 */
export function colourfulness(r: Float32Array, g: Float32Array, b: Float32Array): number {
  const n = r.length;
  assertLengths('colourfulness', n, ['g', 'b'], [g, b]);
  if (n === 0) throw new RangeError('colourfulness: planes are empty');
  // One pass of sums and sums of squares in float64 (values ≤ 255, so no cancellation trouble).
  let sRg = 0, sYb = 0, sRg2 = 0, sYb2 = 0;
  for (let i = 0; i < n; i++) {
    const rv = r[i]!;
    const gv = g[i]!;
    const rg = rv - gv;
    const yb = 0.5 * (rv + gv) - b[i]!;
    sRg += rg;
    sYb += yb;
    sRg2 += rg * rg;
    sYb2 += yb * yb;
  }
  const mRg = sRg / n;
  const mYb = sYb / n;
  const vRg = Math.max(0, sRg2 / n - mRg * mRg);
  const vYb = Math.max(0, sYb2 / n - mYb * mYb);
  return Math.sqrt(vRg + vYb) + 0.3 * Math.sqrt(mRg * mRg + mYb * mYb);
}

/**
 * RMS contrast: the population standard deviation of a plane of normalised intensities
 * (pass luminance in [0, 1]). 0 for a flat image, 0.5 for a half-black, half-white one.
 *
 * @example rmsContrast(relativeLuminance)
 */
export function rmsContrast(y: Float32Array): number {
  if (y.length === 0) throw new RangeError('rmsContrast: plane is empty');
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]!;
  const mean = s / y.length;
  // Two passes: exact for any range, and the plane is small next to the decode.
  let v = 0;
  for (let i = 0; i < y.length; i++) {
    const d = y[i]! - mean;
    v += d * d;
  }
  return Math.sqrt(v / y.length);
}
