// Local statistics in a sliding Gaussian window, as SSIM (Wang et al. 2004) and TMQI compute
// them: means, variances and covariance of two images under an 11x11 Gaussian of σ = 1.5,
// over the "valid" positions only (windows wholly inside the image, MATLAB filter2 'valid').
// The 2-D Gaussian is the outer product of a 1-D one, so each statistic is filtered in two
// 1-D passes: O(size) per pixel instead of O(size²).

/** A plane of samples: float32 planes from the pipeline, float64 pyramid levels in TMQI. */
export type FloatPlane = Float32Array | Float64Array;

/**
 * Normalised 1-D Gaussian taps: exp(−x²/2σ²) for x in −(size−1)/2 … (size−1)/2, summing to 1.
 * The outer product with itself equals MATLAB's fspecial('gaussian', size, σ).
 *
 * @example gaussianTaps(11, 1.5).length // 11
 */
export function gaussianTaps(size: number, sigma: number): Float64Array {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) throw new RangeError(`gaussianTaps: size must be an odd positive integer, got ${size}`);
  if (!(sigma > 0)) throw new RangeError(`gaussianTaps: sigma must be positive, got ${sigma}`);
  const taps = new Float64Array(size);
  const half = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const x = i - half;
    taps[i] = Math.exp(-(x * x) / (2 * sigma * sigma));
    sum += taps[i]!;
  }
  for (let i = 0; i < size; i++) taps[i]! /= sum;
  return taps;
}

/**
 * Gaussian-windowed moments of an image pair at every valid window position, with buffers
 * sized once for `width`×`height` and reused by each {@link compute} call.
 *
 * @example
 * const m = new WindowedMoments(640, 360);   // 11x11, σ = 1.5
 * m.compute(a, b);                           // m.muA, m.varA, m.cov … hold (630 x 350) maps
 */
export class WindowedMoments {
  readonly width: number;
  readonly height: number;
  readonly size: number;
  readonly outWidth: number;
  readonly outHeight: number;
  readonly muA: Float64Array;
  readonly muB: Float64Array;
  /** Biased (weighted) local variances E[a²] − E[a]², clamped at 0. */
  readonly varA: Float64Array;
  readonly varB: Float64Array;
  /** Local covariance E[ab] − E[a]E[b]. */
  readonly cov: Float64Array;
  readonly #taps: Float64Array;
  // Horizontal pass results: outWidth x height each.
  readonly #h: [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  // One row of samples and products (width long): input of the horizontal pass, then the
  // accumulators of the vertical one.
  readonly #row: [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];

  constructor(width: number, height: number, options: { size?: number; sigma?: number } = {}) {
    const size = options.size ?? 11;
    this.#taps = gaussianTaps(size, options.sigma ?? 1.5);
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < size || height < size) {
      throw new RangeError(`WindowedMoments: the image (${width}x${height}) must be at least the ${size}x${size} window`);
    }
    this.width = width;
    this.height = height;
    this.size = size;
    this.outWidth = width - size + 1;
    this.outHeight = height - size + 1;
    const n = this.outWidth * this.outHeight;
    this.muA = new Float64Array(n);
    this.muB = new Float64Array(n);
    this.varA = new Float64Array(n);
    this.varB = new Float64Array(n);
    this.cov = new Float64Array(n);
    const hn = this.outWidth * height;
    this.#h = [new Float64Array(hn), new Float64Array(hn), new Float64Array(hn), new Float64Array(hn), new Float64Array(hn)];
    this.#row = [new Float64Array(width), new Float64Array(width), new Float64Array(width), new Float64Array(width), new Float64Array(width)];
  }

  /** Fills the maps for images `a` and `b` (width×height, row-major). Returns `this`. */
  compute(a: FloatPlane, b: FloatPlane): this {
    const { width, height, size, outWidth, outHeight } = this;
    if (a.length !== width * height || b.length !== width * height) {
      throw new RangeError(`WindowedMoments.compute: expected ${width * height} samples per image, got ${a.length} and ${b.length}`);
    }
    const taps = this.#taps;
    const half = (size - 1) >> 1;
    const centre = taps[half]!;
    const [ha, hb, haa, hbb, hab] = this.#h;
    const [ra, rb, raa, rbb, rab] = this.#row;
    // Horizontal pass, one row at a time: the row's samples and products first, then each
    // output folds the symmetric taps pairwise (half the multiplications).
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 0; x < width; x++) {
        const va = a[row + x]!;
        const vb = b[row + x]!;
        ra[x] = va;
        rb[x] = vb;
        raa[x] = va * va;
        rbb[x] = vb * vb;
        rab[x] = va * vb;
      }
      const orow = y * outWidth;
      for (let x = 0; x < outWidth; x++) {
        const c = x + half;
        let sa = centre * ra[c]!;
        let sb = centre * rb[c]!;
        let saa = centre * raa[c]!;
        let sbb = centre * rbb[c]!;
        let sab = centre * rab[c]!;
        for (let k = 0; k < half; k++) {
          const w = taps[k]!;
          const l = x + k;
          const r = x + size - 1 - k;
          sa += w * (ra[l]! + ra[r]!);
          sb += w * (rb[l]! + rb[r]!);
          saa += w * (raa[l]! + raa[r]!);
          sbb += w * (rbb[l]! + rbb[r]!);
          sab += w * (rab[l]! + rab[r]!);
        }
        const o = orow + x;
        ha[o] = sa;
        hb[o] = sb;
        haa[o] = saa;
        hbb[o] = sbb;
        hab[o] = sab;
      }
    }
    // Vertical pass, row by row: each output row accumulates whole input rows (contiguous
    // reads), again folding symmetric taps.
    const { muA, muB, varA, varB, cov } = this;
    for (let y = 0; y < outHeight; y++) {
      const o = y * outWidth;
      const c = (y + half) * outWidth;
      for (let x = 0; x < outWidth; x++) {
        ra[x] = centre * ha[c + x]!;
        rb[x] = centre * hb[c + x]!;
        raa[x] = centre * haa[c + x]!;
        rbb[x] = centre * hbb[c + x]!;
        rab[x] = centre * hab[c + x]!;
      }
      for (let k = 0; k < half; k++) {
        const w = taps[k]!;
        const l = (y + k) * outWidth;
        const r = (y + size - 1 - k) * outWidth;
        for (let x = 0; x < outWidth; x++) {
          ra[x]! += w * (ha[l + x]! + ha[r + x]!);
          rb[x]! += w * (hb[l + x]! + hb[r + x]!);
          raa[x]! += w * (haa[l + x]! + haa[r + x]!);
          rbb[x]! += w * (hbb[l + x]! + hbb[r + x]!);
          rab[x]! += w * (hab[l + x]! + hab[r + x]!);
        }
      }
      for (let x = 0; x < outWidth; x++) {
        const sa = ra[x]!;
        const sb = rb[x]!;
        muA[o + x] = sa;
        muB[o + x] = sb;
        // E[x²] − E[x]² can dip below 0 by rounding in flat areas.
        const va = raa[x]! - sa * sa;
        const vb = rbb[x]! - sb * sb;
        varA[o + x] = va > 0 ? va : 0;
        varB[o + x] = vb > 0 ? vb : 0;
        cov[o + x] = rab[x]! - sa * sb;
      }
    }
    return this;
  }
}
