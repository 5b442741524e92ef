// Planar images held by the datasets, and the resampling they need: an area downscale at load
// (bounded memory), a 2x box pyramid (so a crop never samples more than ~2 source pixels per
// output pixel, which would alias), and a bilinear crop sampler.

/** Interleaved RGB, row-major (HWC), Float32. */
export type RgbImage = { width: number; height: number; data: Float32Array };

/** Three planes of one image, top row first: Float32 light or Uint8 code values. */
export type Planes<T extends Float32Array | Uint8Array = Float32Array | Uint8Array> = {
  width: number;
  height: number;
  r: T;
  g: T;
  b: T;
};

function resampleAxis(
  src: ArrayLike<number>, sw: number, sh: number, dw: number, horizontal: boolean, out: Float32Array,
): void {
  // Area (box) resampling along one axis: each output sample averages the source interval it covers.
  const sLen = horizontal ? sw : sh;
  const dLen = dw;
  const ratio = sLen / dLen;
  const lines = horizontal ? sh : sw;
  for (let o = 0; o < dLen; o++) {
    const a = o * ratio;
    const bEnd = a + ratio;
    const i0 = Math.floor(a);
    const i1 = Math.min(sLen, Math.ceil(bEnd));
    for (let l = 0; l < lines; l++) {
      let acc = 0;
      for (let i = i0; i < i1; i++) {
        const w = Math.min(i + 1, bEnd) - Math.max(i, a);
        const idx = horizontal ? l * sw + i : i * sw + l;
        acc += w * src[idx]!;
      }
      const oi = horizontal ? l * dw + o : o * sw + l;
      out[oi] = acc / ratio;
    }
  }
}

/** Area-downscale one plane from sw x sh to dw x dh (dw ≤ sw, dh ≤ sh). */
export function downscalePlane(src: ArrayLike<number>, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const tmp = new Float32Array(dw * sh);
  resampleAxis(src, sw, sh, dw, true, tmp);
  const out = new Float32Array(dw * dh);
  resampleAxis(tmp, dw, sh, dh, false, out);
  return out;
}

/** The size that fits `maxSide` keeping the aspect ratio (never upscales). */
export function fitSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const s = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** Downscale float planes to fit maxSide (area filter); the same object when already small enough. */
export function fitPlanes(img: Planes<Float32Array>, maxSide: number): Planes<Float32Array> {
  const { width, height } = fitSize(img.width, img.height, maxSide);
  if (width === img.width && height === img.height) return img;
  return {
    width, height,
    r: downscalePlane(img.r, img.width, img.height, width, height),
    g: downscalePlane(img.g, img.width, img.height, width, height),
    b: downscalePlane(img.b, img.width, img.height, width, height),
  };
}

function halvePlane<T extends Float32Array | Uint8Array>(p: T, w: number, h: number, make: (n: number) => T): T {
  const hw = w >> 1;
  const hh = h >> 1;
  const out = make(hw * hh);
  const round = p instanceof Uint8Array;
  for (let y = 0; y < hh; y++) {
    const r0 = 2 * y * w;
    const r1 = r0 + w;
    for (let x = 0; x < hw; x++) {
      const v = (p[r0 + 2 * x]! + p[r0 + 2 * x + 1]! + p[r1 + 2 * x]! + p[r1 + 2 * x + 1]!) * 0.25;
      out[y * hw + x] = round ? Math.round(v) : v;
    }
  }
  return out;
}

/** Level 0 is the image; each next level halves both sides (2x2 box), down to `minSide` pixels. */
export function buildPyramid<T extends Float32Array | Uint8Array>(img: Planes<T>, minSide: number): Planes<T>[] {
  const levels: Planes<T>[] = [img];
  const make = (n: number): T => (img.r instanceof Uint8Array ? new Uint8Array(n) : new Float32Array(n)) as T;
  let cur = img;
  while (Math.min(cur.width, cur.height) >= 2 * minSide) {
    const { width: w, height: h } = cur;
    cur = { width: w >> 1, height: h >> 1, r: halvePlane(cur.r, w, h, make), g: halvePlane(cur.g, w, h, make), b: halvePlane(cur.b, w, h, make) };
    levels.push(cur);
  }
  return levels;
}

/** A crop in level-0 pixel units: top-left corner, source pixels per output pixel, mirror flag. */
export type CropWindow = { x0: number; y0: number; scale: number; flip: boolean };

/**
 * Draws a random scaled crop of `width` x `height` from a `sw` x `sh` image: the scale
 * (source pixels per output pixel) is log-uniform from 1:1 (or, when the image is smaller than
 * the view, the upscale that fills it) up to the largest crop that fits; position uniform;
 * horizontal flip with probability ½.
 */
export function randomCrop(rng: () => number, sw: number, sh: number, width: number, height: number): CropWindow {
  const fill = Math.min(sw / width, sh / height); // the largest scale whose crop still fits
  const lo = Math.min(1, fill);
  const scale = lo * Math.exp(Math.log(fill / lo) * rng());
  const x0 = rng() * Math.max(0, sw - width * scale);
  const y0 = rng() * Math.max(0, sh - height * scale);
  const flip = rng() < 0.5;
  return { x0, y0, scale, flip };
}

/**
 * Samples a crop into interleaved RGB (bilinear, edges clamped) from the pyramid level whose
 * scale is in [1, 2). `mul` scales the values (1/255 for code values).
 */
export function sampleCrop(
  pyramid: readonly Planes[], crop: CropWindow, width: number, height: number, out: Float32Array, mul = 1,
): void {
  let level = 0;
  while (level + 1 < pyramid.length && crop.scale / 2 ** (level + 1) >= 1) level++;
  const img = pyramid[level]!;
  const f = 2 ** level;
  const s = crop.scale / f;
  const ox = crop.x0 / f;
  const oy = crop.y0 / f;
  const { width: w, height: h, r, g, b } = img;
  for (let y = 0; y < height; y++) {
    let sy = oy + (y + 0.5) * s - 0.5;
    sy = sy < 0 ? 0 : sy > h - 1 ? h - 1 : sy;
    const y0 = Math.floor(sy);
    const y1 = y0 + 1 < h ? y0 + 1 : y0;
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const xx = crop.flip ? width - 1 - x : x;
      let sx = ox + (xx + 0.5) * s - 0.5;
      sx = sx < 0 ? 0 : sx > w - 1 ? w - 1 : sx;
      const x0 = Math.floor(sx);
      const x1 = x0 + 1 < w ? x0 + 1 : x0;
      const fx = sx - x0;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      const i00 = y0 * w + x0;
      const i01 = y0 * w + x1;
      const i10 = y1 * w + x0;
      const i11 = y1 * w + x1;
      const o = 3 * (y * width + x);
      out[o] = mul * (r[i00]! * w00 + r[i01]! * w01 + r[i10]! * w10 + r[i11]! * w11);
      out[o + 1] = mul * (g[i00]! * w00 + g[i01]! * w01 + g[i10]! * w10 + g[i11]! * w11);
      out[o + 2] = mul * (b[i00]! * w00 + b[i01]! * w01 + b[i10]! * w10 + b[i11]! * w11);
    }
  }
}
