// PSNR: generic, from a pooled MSE, and PQ-PSNR (PSNR of PQ-encoded R'G'B', peak 1).
//
// Identical inputs have MSE 0 and PSNR +Infinity. Every PSNR here returns Infinity for that
// case (never a cap), so means and comparisons stay honest; only the JSON form of an
// evaluation turns it into `null` (see evaluation-json.ts).

import { pqEncodePlane, type RgbPlanes } from '../color/index.js';
import { assertLengths } from './checks.js';

/**
 * Σ (a[i] − b[i])², accumulated in float64.
 *
 * @example sumSquaredError(new Float32Array([1, 2]), new Float32Array([1, 4])) // 4
 */
export function sumSquaredError(a: Float32Array, b: Float32Array): number {
  assertLengths('sumSquaredError', a.length, ['b'], [b]);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return s;
}

/**
 * Mean squared error of two planes.
 *
 * @example mse(new Float32Array([0, 0]), new Float32Array([1, 1])) // 1
 */
export function mse(a: Float32Array, b: Float32Array): number {
  if (a.length === 0) throw new RangeError('mse: planes are empty');
  return sumSquaredError(a, b) / a.length;
}

/**
 * PSNR in dB from an MSE: 10·log10(peak² / mse). `Infinity` when mse is 0.
 *
 * @example psnrFromMse(0.01, 1) // 20
 */
export function psnrFromMse(meanSquaredError: number, peak: number): number {
  if (!(peak > 0)) throw new RangeError(`psnrFromMse: peak must be positive, got ${peak}`);
  if (!(meanSquaredError >= 0)) throw new RangeError(`psnrFromMse: mse must be ≥ 0, got ${meanSquaredError}`);
  return meanSquaredError === 0 ? Infinity : 10 * Math.log10((peak * peak) / meanSquaredError);
}

/**
 * PSNR of two planes against `peak`. `Infinity` when identical.
 *
 * @example psnr(ref, test, 255)
 */
export function psnr(ref: Float32Array, test: Float32Array, peak: number): number {
  return psnrFromMse(mse(ref, test), peak);
}

/**
 * Accumulates squared errors over several planes or frames, for a PSNR of the pooled MSE.
 *
 * @example const p = new MsePool(); p.add(sumSquaredError(a, b), a.length); p.psnr(1)
 */
export class MsePool {
  #sse = 0;
  #count = 0;

  /** Adds a sum of squared errors over `count` samples. */
  add(sse: number, count: number): void {
    this.#sse += sse;
    this.#count += count;
  }

  get mse(): number {
    return this.#count === 0 ? NaN : this.#sse / this.#count;
  }

  /** PSNR of the pooled MSE; NaN when nothing was added. */
  psnr(peak: number): number {
    return this.#count === 0 ? NaN : psnrFromMse(this.#sse / this.#count, peak);
  }
}

/**
 * Squared PQ error of linear planes: Σ over R, G, B of (PQ(ref) − PQ(test))², using the six
 * scratch planes given (any contents; overwritten).
 *
 * @example pqSquaredError(ref, test, scratch) / (3 * n)
 */
export function pqSquaredError(ref: RgbPlanes, test: RgbPlanes, scratchRef: Float32Array, scratchTest: Float32Array): number {
  let s = 0;
  for (const c of ['r', 'g', 'b'] as const) {
    s += sumSquaredError(pqEncodePlane(ref[c], scratchRef), pqEncodePlane(test[c], scratchTest));
  }
  return s;
}

/**
 * PQ-PSNR: PSNR (peak 1) of the PQ-encoded R'G'B' of two absolute linear RGB images in
 * cd/m² (BT.2020 by convention), pooled over the three channels. `Infinity` when identical.
 *
 * @example pqPsnr({ r, g, b }, { r: r2, g: g2, b: b2 }) // ≈ 40 dB for a decent encode
 */
export function pqPsnr(ref: RgbPlanes, test: RgbPlanes): number {
  const n = ref.r.length;
  assertLengths('pqPsnr', n, ['ref.g', 'ref.b', 'test.r', 'test.g', 'test.b'], [ref.g, ref.b, test.r, test.g, test.b]);
  if (n === 0) throw new RangeError('pqPsnr: planes are empty');
  const sse = pqSquaredError(ref, test, new Float32Array(n), new Float32Array(n));
  return psnrFromMse(sse / (3 * n), 1);
}
