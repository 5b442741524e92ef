// The simulated camera that turns a linear HDR view into the SDR a real camera (and the codec
// behind it) would have recorded. Used to make paired training data and validation sets.
//
// Model, in order (x: linear BT.709 relative radiance, per channel unless noted):
//  1. Exposure. k = key / Ymed, Ymed the view's median luminance (BT.709 weights), key =
//     0.18 · 2^U(−1.5, +1.0): mid grey lands 1.5 stops under to 1 stop over a "correct" 18 %.
//  2. Colour. Saturation about luminance, x' = Y + s·(x − Y), s ~ U(0.9, 1.25) (cameras
//     render slightly vivid), negatives clamped to 0.
//  3. Sensor noise. Gaussian with variance a·x + σr², a ~ logU(2e-5, 5e-4) (shot noise),
//     σr ~ logU(1e-4, 2e-3) (read noise), relative to clip white 1.0.
//  4. Clipping at sensor white: x ∈ [0, 1].
//  5. Camera response curve (one sampled member of a toe/shoulder family), per channel:
//       shoulder  u = x·(1 + β)/(x + β),      β ~ logU(0.25, 8)   (β → ∞: none)
//       gamma     v = u^p,                    p ~ U(1/2.6, 1/1.9)
//       contrast  y = v^c / (v^c + (1 − v)^c), c ~ U(0.85, 1.45)  (c > 1: S-curve, toe)
//     Every member maps 0 → 0 and 1 → 1 and is monotonic. The result is the BT.1886 signal
//     (a γ 2.4 display shows y^2.4, i.e. an end-to-end system gamma of about 0.9–1.3).
//  6. Codec (probability 0.85): Y'CbCr (BT.709), chroma averaged over 2x2 (4:2:0), luma in
//     8x8 blocks through an orthonormal DCT whose coefficients are quantised with the JPEG
//     luminance table at quality q ~ U(70, 97), back to R'G'B'.
//  7. 8-bit quantisation: round(255·y)/255, clamped to [0, 1]. Every output value is k/255.
// Each step draws from the given Rng only, so the same rng state gives the same image.

import { lumaCoefficients } from '../../color/index.js';
import { gaussian, gaussianTable, logUniform, uniform, type Rng } from './rng.js';
import type { RgbImage } from './planes.js';

/** One camera: every random choice of the model above, drawn once per image. */
export type CameraParams = {
  /** Where the view's median luminance lands, relative to clip white (step 1). */
  key: number;
  saturation: number;
  shotNoise: number;
  readNoise: number;
  shoulder: number;
  gamma: number;
  contrast: number;
  /** JPEG-style quality of the block quantisation; null: no codec step. */
  quality: number | null;
};

/** Ranges of the sampled parameters; each can be overridden, e.g. to switch noise off in tests. */
export type CameraOptions = {
  /** Exposure offset from key 0.18, in stops: [lo, hi). Default [−1.5, 1]. */
  exposureStops?: readonly [number, number];
  saturation?: readonly [number, number];
  shotNoise?: readonly [number, number];
  readNoise?: readonly [number, number];
  shoulder?: readonly [number, number];
  gamma?: readonly [number, number];
  contrast?: readonly [number, number];
  quality?: readonly [number, number];
  /** Probability of the codec step. Default 0.85. */
  codecProbability?: number;
  /** false: no sensor noise at all. */
  noise?: boolean;
  /** Fixed parameters (skips sampling them; the noise still draws from rng). */
  params?: CameraParams;
};

const DEFAULTS = {
  exposureStops: [-1.5, 1],
  saturation: [0.9, 1.25],
  shotNoise: [2e-5, 5e-4],
  readNoise: [1e-4, 2e-3],
  shoulder: [0.25, 8],
  gamma: [1 / 2.6, 1 / 1.9],
  contrast: [0.85, 1.45],
  quality: [70, 97],
} as const;

/**
 * Draws one camera from the family.
 *
 * @example const cam = sampleCameraParams(createRng(1)); cam.gamma // ≈ 0.45
 */
export function sampleCameraParams(rng: Rng, opts: CameraOptions = {}): CameraParams {
  const range = <K extends keyof typeof DEFAULTS>(k: K): readonly [number, number] => opts[k] ?? DEFAULTS[k];
  const [e0, e1] = range('exposureStops');
  const key = 0.18 * 2 ** uniform(rng, e0, e1);
  const saturation = uniform(rng, ...range('saturation'));
  const noise = opts.noise !== false;
  const shotNoise = logUniform(rng, ...range('shotNoise'));
  const readNoise = logUniform(rng, ...range('readNoise'));
  const shoulder = logUniform(rng, ...range('shoulder'));
  const gamma = uniform(rng, ...range('gamma'));
  const contrast = uniform(rng, ...range('contrast'));
  const codec = rng() < (opts.codecProbability ?? 0.85);
  const quality = uniform(rng, ...range('quality'));
  return {
    key, saturation,
    shotNoise: noise ? shotNoise : 0,
    readNoise: noise ? readNoise : 0,
    shoulder, gamma, contrast,
    quality: codec ? quality : null,
  };
}

/** The response curve of step 5 for one linear value in [0, 1]. */
export function cameraCurve(x: number, p: Pick<CameraParams, 'shoulder' | 'gamma' | 'contrast'>): number {
  if (!(x > 0)) return 0;
  if (x >= 1) return 1;
  const u = (x * (1 + p.shoulder)) / (x + p.shoulder);
  const v = Math.exp(p.gamma * Math.log(u));
  const a = Math.exp(p.contrast * Math.log(v));
  const bb = v < 1 ? Math.exp(p.contrast * Math.log(1 - v)) : 0;
  return a / (a + bb);
}

/** The 256 output levels k/255 (exactly as Float32 stores k/255). */
const LEVELS = Float32Array.from({ length: 256 }, (_, k) => k / 255);

// The curve is tabulated over t = sqrt(x) (dense where the curve is steep, near black).
const CURVE_KNOTS = 1024;

function curveTable(p: CameraParams): Float32Array {
  const t = new Float32Array(CURVE_KNOTS + 2);
  for (let i = 0; i <= CURVE_KNOTS; i++) {
    const s = i / CURVE_KNOTS;
    t[i] = cameraCurve(s * s, p);
  }
  t[CURVE_KNOTS + 1] = 1;
  return t;
}

/** Steps 4–5 for one value: clip to [0, 1], then the curve through its sqrt-indexed table. */
function curveAt(table: Float32Array, x: number): number {
  const t = (x <= 0 ? 0 : x >= 1 ? 1 : Math.sqrt(x)) * CURVE_KNOTS;
  const j = t | 0;
  const t0 = table[j]!;
  return t0 + (t - j) * (table[j + 1]! - t0);
}

/** Median of the luminance over a strided subset (≤ ~2048 samples): cheap and stable. */
export function medianLuminance709(data: Float32Array): number {
  const n = data.length / 3;
  const stride = Math.max(1, Math.floor(n / 2048));
  const ys = new Float32Array(Math.ceil(n / stride));
  let k = 0;
  for (let i = 0; i < n; i += stride) {
    const o = 3 * i;
    ys[k++] = 0.2126 * data[o]! + 0.7152 * data[o + 1]! + 0.0722 * data[o + 2]!;
  }
  const used = ys.subarray(0, k).sort();
  return used[k >> 1] ?? 0;
}

// JPEG Annex K luminance quantisation table (natural order).
const JPEG_LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
  49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
// Orthonormal 8-point DCT-II basis: DCT[u*8+x].
const DCT = new Float64Array(64);
for (let u = 0; u < 8; u++) {
  for (let x = 0; x < 8; x++) DCT[u * 8 + x] = (u === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
}

/**
 * One 8-point orthonormal DCT-II (or its inverse, DCT-III) over 8 samples at `so + k·ss`,
 * written to `d` at `dOff + k·ds`. Unrolled: the block loop runs ~1000 times per view.
 */
function dct8(s: Float64Array, so: number, ss: number, d: Float64Array, dOff: number, ds: number, inverse: boolean): void {
  const x0 = s[so]!, x1 = s[so + ss]!, x2 = s[so + 2 * ss]!, x3 = s[so + 3 * ss]!;
  const x4 = s[so + 4 * ss]!, x5 = s[so + 5 * ss]!, x6 = s[so + 6 * ss]!, x7 = s[so + 7 * ss]!;
  const c = DCT;
  for (let k = 0; k < 8; k++) {
    // Forward: X[k] = Σ C[k][n]·x[n]; inverse: x[k] = Σ C[n][k]·X[n].
    d[dOff + k * ds] = inverse
      ? c[k]! * x0 + c[8 + k]! * x1 + c[16 + k]! * x2 + c[24 + k]! * x3 + c[32 + k]! * x4 + c[40 + k]! * x5 + c[48 + k]! * x6 + c[56 + k]! * x7
      : c[8 * k]! * x0 + c[8 * k + 1]! * x1 + c[8 * k + 2]! * x2 + c[8 * k + 3]! * x3 + c[8 * k + 4]! * x4 + c[8 * k + 5]! * x5 + c[8 * k + 6]! * x6 + c[8 * k + 7]! * x7;
  }
}

/** Quantises `plane` (values in 0–255 units) in 8x8 DCT blocks in place; edge blocks are padded by replication. */
function dctQuantise(plane: Float32Array, w: number, h: number, quality: number): void {
  const s = quality < 50 ? 5000 / quality : 200 - 2 * quality;
  const step = new Float64Array(64);
  for (let i = 0; i < 64; i++) step[i] = Math.max(1, (JPEG_LUMA[i]! * s + 50) / 100);
  const blk = new Float64Array(64);
  const tmp = new Float64Array(64);
  for (let by = 0; by < h; by += 8) {
    for (let bx = 0; bx < w; bx += 8) {
      for (let y = 0; y < 8; y++) {
        const sy = Math.min(by + y, h - 1) * w;
        for (let x = 0; x < 8; x++) blk[y * 8 + x] = plane[sy + Math.min(bx + x, w - 1)]! - 128;
      }
      // Forward: rows then columns; quantise; inverse: columns then rows.
      for (let y = 0; y < 8; y++) dct8(blk, y * 8, 1, tmp, y * 8, 1, false);
      for (let u = 0; u < 8; u++) dct8(tmp, u, 8, blk, u, 8, false);
      for (let i = 0; i < 64; i++) {
        const q = step[i]!;
        blk[i] = Math.round(blk[i]! / q) * q;
      }
      for (let u = 0; u < 8; u++) dct8(blk, u, 8, tmp, u, 8, true);
      for (let y = 0; y < 8; y++) dct8(tmp, y * 8, 1, blk, y * 8, 1, true);
      for (let y = 0; y < 8 && by + y < h; y++) {
        for (let x = 0; x < 8 && bx + x < w; x++) plane[(by + y) * w + bx + x] = blk[y * 8 + x]! + 128;
      }
    }
  }
}

/**
 * Renders linear BT.709 relative radiance through one given camera (see the model at the top of
 * this file). `rng` supplies the sensor noise only.
 */
export function renderCamera(linear709: RgbImage, params: CameraParams, rng: Rng): RgbImage {
  const { width, height, data } = linear709;
  const n = width * height;
  if (data.length !== 3 * n) throw new RangeError(`simulateCamera: data has ${data.length} samples, expected ${3 * n} for ${width}x${height}x3`);
  const med = medianLuminance709(data);
  // A black view gets the exposure of a view whose median is 1e-3 of the brightest value.
  let peak = 0;
  if (!(med > 0)) for (let i = 0; i < data.length; i++) peak = Math.max(peak, data[i]!);
  const k = med > 0 ? params.key / med : peak > 0 ? params.key / (1e-3 * peak) : 1;
  const out = new Float32Array(3 * n);
  const table = curveTable(params);
  const gt = gaussianTable();
  const sat = params.saturation;
  const { shotNoise: a, readNoise: sr } = params;
  const sr2 = sr * sr;
  const noisy = a > 0 || sr > 0;
  // One rng() call gives two 12-bit indices into the Gaussian table (half the calls).
  let bits = 0;
  let spare = false;
  const noise = (): number => {
    if (spare) {
      spare = false;
      return gt[bits & 4095]!;
    }
    bits = (rng() * 16777216) | 0;
    spare = true;
    return gt[bits >>> 12]!;
  };
  for (let o = 0; o < 3 * n; o += 3) {
    let r = data[o]! * k;
    let g = data[o + 1]! * k;
    let b = data[o + 2]! * k;
    if (!(r > 0)) r = 0;
    if (!(g > 0)) g = 0;
    if (!(b > 0)) b = 0;
    const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    r = y + sat * (r - y);
    g = y + sat * (g - y);
    b = y + sat * (b - y);
    if (r < 0) r = 0;
    if (g < 0) g = 0;
    if (b < 0) b = 0;
    if (noisy) {
      r += Math.sqrt(a * r + sr2) * noise();
      g += Math.sqrt(a * g + sr2) * noise();
      b += Math.sqrt(a * b + sr2) * noise();
    }
    out[o] = curveAt(table, r);
    out[o + 1] = curveAt(table, g);
    out[o + 2] = curveAt(table, b);
  }
  if (params.quality !== null) applyCodec(out, width, height, params.quality);
  for (let i = 0; i < out.length; i++) {
    const v = out[i]! * 255 + 0.5; // round half up; NaN cannot occur (every step is finite)
    out[i] = LEVELS[v <= 0 ? 0 : v >= 255 ? 255 : v | 0]!;
  }
  return { width, height, data: out };
}

/** Step 6: 4:2:0 chroma and 8x8 DCT luma quantisation on interleaved R'G'B' in [0, 1], in place. */
function applyCodec(rgb: Float32Array, w: number, h: number, quality: number): void {
  const { kr, kb } = lumaCoefficients('bt709');
  const kg = 1 - kr - kb;
  const n = w * h;
  const Y = new Float32Array(n);
  const cb = new Float32Array(n);
  const cr = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rgb[3 * i]!;
    const g = rgb[3 * i + 1]!;
    const b = rgb[3 * i + 2]!;
    const y = kr * r + kg * g + kb * b;
    Y[i] = 255 * y;
    cb[i] = (b - y) / (2 * (1 - kb));
    cr[i] = (r - y) / (2 * (1 - kr));
  }
  // 4:2:0: each 2x2 block shares the mean of its chroma.
  for (let y = 0; y < h; y += 2) {
    for (let x = 0; x < w; x += 2) {
      const x1 = Math.min(x + 1, w - 1);
      const y1 = Math.min(y + 1, h - 1);
      const i00 = y * w + x, i01 = y * w + x1, i10 = y1 * w + x, i11 = y1 * w + x1;
      const mb = (cb[i00]! + cb[i01]! + cb[i10]! + cb[i11]!) * 0.25;
      const mr = (cr[i00]! + cr[i01]! + cr[i10]! + cr[i11]!) * 0.25;
      cb[i00] = cb[i01] = cb[i10] = cb[i11] = mb;
      cr[i00] = cr[i01] = cr[i10] = cr[i11] = mr;
    }
  }
  dctQuantise(Y, w, h, quality);
  for (let i = 0; i < n; i++) {
    const y = Y[i]! / 255;
    const r = y + 2 * (1 - kr) * cr[i]!;
    const b = y + 2 * (1 - kb) * cb[i]!;
    const g = (y - kr * r - kb * b) / kg;
    rgb[3 * i] = r;
    rgb[3 * i + 1] = g;
    rgb[3 * i + 2] = b;
  }
}

/**
 * The camera simulation on its own: linear BT.709 relative radiance (any scale: exposure is set
 * from the view's median) → SDR R'G'B' in [0, 1] on the k/255 grid, BT.709 primaries, to be
 * shown on a BT.1886 (γ 2.4) display. Deterministic given `rng`.
 *
 * @example const sdr = simulateCamera({ width: 192, height: 108, data: linear }, createRng(7));
 */
export function simulateCamera(linear709: RgbImage, rng: Rng, opts: CameraOptions = {}): RgbImage {
  const params = opts.params ?? sampleCameraParams(rng, opts);
  const p = opts.noise === false ? { ...params, shotNoise: 0, readNoise: 0 } : params;
  return renderCamera(linear709, p, rng);
}

