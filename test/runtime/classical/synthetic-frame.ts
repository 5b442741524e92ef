// Synthetic HDR test frames for the classical model's tests and bench (not a test file).

import {
  BT709_TO_BT2020, YuvFrameConverter, applyMatrix3, hlgEncodePlanes, pqEncodePlane,
} from '../../../src/color/index.js';
import { frameByteLength, planeViews } from '../../../src/io/index.js';
import type { ModelFrame } from '../../../src/runtime/index.js';

/** Linear BT.709 light in cd/m², planar. */
export type LinearImage = { width: number; height: number; r: Float32Array; g: Float32Array; b: Float32Array };

/** Fully saturated-ish BT.709 colour of hue h ∈ [0, 1) and saturation s, max channel 1 (linear). */
function hueColour(h: number, s: number): [number, number, number] {
  const k = (n: number): number => {
    const t = (n + h * 6) % 6;
    return 1 - s * Math.max(0, Math.min(t, 4 - t, 1));
  };
  return [k(5), k(3), k(1)];
}

/**
 * A smooth test picture in linear BT.709 cd/m² (all colours inside BT.709):
 * - top quarter: neutral grey ramp, log-spaced 0.005 → 1000 cd/m² left to right;
 * - middle half: a hue sweep (saturation 0.85 at the left → 0.3 at the right of each row band)
 *   whose brightness rises 0.5 → 400 cd/m² downwards;
 * - bottom quarter: a dim smooth gradient (1–40 cd/m²) with Gaussian highlights peaking at
 *   `peak` cd/m² (default 1000) in colours near white.
 *
 * @example const img = syntheticImage(320, 180)
 */
export function syntheticImage(width: number, height: number, peak = 1000): LinearImage {
  const n = width * height;
  const r = new Float32Array(n);
  const g = new Float32Array(n);
  const b = new Float32Array(n);
  const blobs = [
    { x: 0.2, y: 0.87, s: 0.04, c: [1, 0.95, 0.85], l: peak },
    { x: 0.5, y: 0.88, s: 0.06, c: [0.9, 0.95, 1], l: 0.6 * peak },
    { x: 0.8, y: 0.86, s: 0.03, c: [1, 0.9, 0.7], l: 0.3 * peak },
  ];
  for (let y = 0; y < height; y++) {
    const fy = (y + 0.5) / height;
    for (let x = 0; x < width; x++) {
      const fx = (x + 0.5) / width;
      const i = y * width + x;
      let cr: number;
      let cg: number;
      let cb: number;
      if (fy < 0.25) {
        cr = cg = cb = 0.005 * (1000 / 0.005) ** fx;
      } else if (fy < 0.75) {
        const t = (fy - 0.25) / 0.5;
        const lum = 0.5 * 800 ** t;
        const [hr, hg, hb] = hueColour((fx * 3) % 1, 0.85 - 0.55 * (Math.floor(fx * 3) / 2));
        cr = lum * hr;
        cg = lum * hg;
        cb = lum * hb;
      } else {
        const base = 1 + 39 * fx * (1 - (fy - 0.75) * 2);
        cr = base * 1.02;
        cg = base;
        cb = base * 0.95;
        for (const bl of blobs) {
          const d2 = ((fx - bl.x) ** 2 + ((fy - bl.y) * (height / width)) ** 2) / (bl.s * bl.s);
          const w = Math.exp(-d2);
          cr += bl.l * w * bl.c[0]!;
          cg += bl.l * w * bl.c[1]!;
          cb += bl.l * w * bl.c[2]!;
        }
      }
      // Never above the peak in any channel.
      const m = Math.max(cr, cg, cb);
      const k = m > peak ? peak / m : 1;
      r[i] = cr * k;
      g[i] = cg * k;
      b[i] = cb * k;
    }
  }
  return { width, height, r, g, b };
}

/**
 * A picture from a function of the pixel position giving linear BT.709 cd/m² [r, g, b].
 *
 * @example imageFrom(64, 36, (x) => [x, x, x])
 */
export function imageFrom(
  width: number, height: number, f: (x: number, y: number) => readonly [number, number, number],
): LinearImage {
  const n = width * height;
  const r = new Float32Array(n);
  const g = new Float32Array(n);
  const b = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [cr, cg, cb] = f(x, y);
      const i = y * width + x;
      r[i] = cr;
      g[i] = cg;
      b[i] = cb;
    }
  }
  return { width, height, r, g, b };
}

/**
 * Encodes linear BT.709 cd/m² (or BT.2020 with `primaries`) as an HDR yuv420p10le frame
 * (BT.2020 NCL, limited range), PQ or HLG (on a display of `lw` cd/m²), through src/color.
 *
 * @example const frame = encodeHdrFrame(syntheticImage(320, 180), 'pq')
 */
export function encodeHdrFrame(img: LinearImage, transfer: 'pq' | 'hlg', lw = 1000, primaries: 'bt709' | 'bt2020' = 'bt709'): ModelFrame {
  const { width, height } = img;
  const r = Float32Array.from(img.r);
  const g = Float32Array.from(img.g);
  const b = Float32Array.from(img.b);
  if (primaries === 'bt709') applyMatrix3(BT709_TO_BT2020, r, g, b, r, g, b);
  if (transfer === 'pq') {
    pqEncodePlane(r, r);
    pqEncodePlane(g, g);
    pqEncodePlane(b, b);
  } else {
    hlgEncodePlanes(r, g, b, r, g, b, lw);
  }
  const data = new Uint8Array(frameByteLength('yuv420p10le', width, height));
  const planes = planeViews('yuv420p10le', width, height, data) as Uint16Array[];
  new YuvFrameConverter(width, height, { matrix: 'bt2020nc', range: 'limited', bitDepth: 10, subsampling: '420' })
    .fromRgb({ r, g, b }, planes);
  return { data, planes };
}

/** A ModelFrame over an existing frame buffer. */
export function modelFrame(format: 'yuv420p10le' | 'yuv420p', width: number, height: number, data: Uint8Array): ModelFrame {
  return { data, planes: planeViews(format, width, height, data) as (Uint8Array | Uint16Array)[] };
}

/**
 * PSNR in dB of two 10-bit frames' code values normalised to [0, 1] (code / 1023), over the
 * planes picked (0 = Y, 1 = Cb, 2 = Cr).
 */
export function psnr10(a: Uint8Array, b: Uint8Array, width: number, height: number, planes: readonly number[] = [0, 1, 2]): number {
  const pa = planeViews('yuv420p10le', width, height, a);
  const pb = planeViews('yuv420p10le', width, height, b);
  let se = 0;
  let n = 0;
  for (const k of planes) {
    const x = pa[k]!;
    const y = pb[k]!;
    for (let i = 0; i < x.length; i++) {
      const d = (x[i]! - y[i]!) / 1023;
      se += d * d;
    }
    n += x.length;
  }
  return se === 0 ? Infinity : 10 * Math.log10(n / se);
}
