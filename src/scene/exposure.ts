import type { LinearImage } from '../io/index.js';

/** BT.709 luminance weights (the panoramas are linear BT.709/sRGB primaries). */
const KR = 0.2126;
const KG = 0.7152;
const KB = 0.0722;

/**
 * Median luminance of an image (relative radiance): the exposure anchor. A fixed exposure per
 * clip, as a locked camera would use, so a pan does not pump.
 */
export function medianLuminance(img: LinearImage): number {
  const n = img.r.length;
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = KR * img.r[i]! + KG * img.g[i]! + KB * img.b[i]!;
  y.sort();
  return y[n >> 1] ?? 0;
}

/**
 * Scale relative radiance so the median lands at `keyNits` cd/m². 30–50 cd/m² puts mid grey near
 * where HDR10 grades put it (BT.2408's 203 cd/m² reference white is ~2.3 stops above).
 */
export function exposureScale(img: LinearImage, keyNits: number): number {
  const median = medianLuminance(img);
  if (!(median > 0)) throw new RangeError('the image is black: no exposure can be chosen');
  return keyNits / median;
}

/** Light-level statistics of a graded clip (CTA-861.3), tracked frame by frame. */
export class LightLevelMeter {
  #maxCll = 0;
  #maxFall = 0;

  /** Add one frame of display light (cd/m²) in the output's RGB. */
  add(r: Float32Array, g: Float32Array, b: Float32Array): void {
    let sum = 0;
    let peak = this.#maxCll;
    for (let i = 0; i < r.length; i++) {
      const m = Math.max(r[i]!, g[i]!, b[i]!);
      sum += m;
      if (m > peak) peak = m;
    }
    this.#maxCll = peak;
    this.#maxFall = Math.max(this.#maxFall, sum / r.length);
  }

  /** MaxCLL and MaxFALL in whole cd/m², as HDR10 carries them. */
  result(): { maxCll: number; maxFall: number } {
    return { maxCll: Math.ceil(this.#maxCll), maxFall: Math.ceil(this.#maxFall) };
  }
}
