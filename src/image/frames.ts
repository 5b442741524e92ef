import { YuvFrameConverter, pqDecodePlane, pqEncodePlane, type BitDepth, type Matrix, type RgbPlanes } from '../color/index.js';
import { frameByteLength, planarFormat, planeViews, type PlanarFormat } from '../io/index.js';
import type { ModelFrame } from '../runtime/index.js';

/**
 * Still images <-> the planar Y'CbCr frames a ToneModel takes. Models work on 4:2:0 frames, which
 * need even sizes: images are padded by repeating their last column/row and cropped back after.
 */

/** The even size a width x height image is padded to. */
export function paddedSize(width: number, height: number): { width: number; height: number } {
  return { width: width + (width & 1), height: height + (height & 1) };
}

/** Copy planes into a larger size, repeating the right column and bottom row. */
export function padPlanes(rgb: RgbPlanes, width: number, height: number, toWidth: number, toHeight: number): RgbPlanes {
  if (toWidth === width && toHeight === height) return rgb;
  const pad = (p: Float32Array): Float32Array => {
    const out = new Float32Array(toWidth * toHeight);
    for (let y = 0; y < toHeight; y++) {
      const sy = Math.min(y, height - 1);
      out.set(p.subarray(sy * width, sy * width + width), y * toWidth);
      for (let x = width; x < toWidth; x++) out[y * toWidth + x] = p[sy * width + width - 1]!;
    }
    return out;
  };
  return { r: pad(rgb.r), g: pad(rgb.g), b: pad(rgb.b) };
}

/** The top-left width x height of planes `fromWidth` wide. */
export function cropPlanes(rgb: RgbPlanes, fromWidth: number, width: number, height: number): RgbPlanes {
  if (fromWidth === width && rgb.r.length === width * height) return rgb;
  const crop = (p: Float32Array): Float32Array => {
    const out = new Float32Array(width * height);
    for (let y = 0; y < height; y++) out.set(p.subarray(y * fromWidth, y * fromWidth + width), y * width);
    return out;
  };
  return { r: crop(rgb.r), g: crop(rgb.g), b: crop(rgb.b) };
}

function converter(format: PlanarFormat, width: number, height: number, matrix: Matrix): YuvFrameConverter {
  const info = planarFormat(format);
  if (info.family !== 'yuv' || info.subsampling === '400' || ![8, 10, 12].includes(info.bitDepth)) {
    throw new RangeError(`still images need a model whose frames are Y'CbCr of 8, 10 or 12 bits, got ${format}`);
  }
  return new YuvFrameConverter(width, height, { matrix, range: 'limited', bitDepth: info.bitDepth as BitDepth, subsampling: info.subsampling });
}

function toFrame(format: PlanarFormat, width: number, height: number, rgb: RgbPlanes, matrix: Matrix): ModelFrame {
  const data = new Uint8Array(frameByteLength(format, width, height));
  const planes = planeViews(format, width, height, data) as (Uint8Array | Uint16Array)[];
  converter(format, width, height, matrix).fromRgb(rgb, planes);
  return { data, planes };
}

function fromFrame(format: PlanarFormat, width: number, height: number, data: Uint8Array, matrix: Matrix): RgbPlanes {
  const n = width * height;
  const out = { r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
  return converter(format, width, height, matrix).toRgb(planeViews(format, width, height, data) as (Uint8Array | Uint16Array)[], out);
}

/** Linear BT.2020 light in cd/m² (even size) -> an HDR10 frame (PQ, BT.2020 limited range). The input is not kept. */
export function hdrFrameFromNits(format: PlanarFormat, width: number, height: number, nits: RgbPlanes): ModelFrame {
  const pq = { r: pqEncodePlane(nits.r, new Float32Array(nits.r.length)), g: pqEncodePlane(nits.g, new Float32Array(nits.g.length)), b: pqEncodePlane(nits.b, new Float32Array(nits.b.length)) };
  return toFrame(format, width, height, pq, 'bt2020nc');
}

/** An HDR10 frame -> linear BT.2020 light in cd/m². */
export function nitsFromHdrFrame(format: PlanarFormat, width: number, height: number, data: Uint8Array): RgbPlanes {
  const rgb = fromFrame(format, width, height, data, 'bt2020nc');
  for (const p of [rgb.r, rgb.g, rgb.b]) pqDecodePlane(p, p);
  return rgb;
}

/** SDR R'G'B' in [0, 1] (BT.709, even size) -> an SDR frame (BT.709 limited range). */
export function sdrFrameFromRgb(format: PlanarFormat, width: number, height: number, rgb: RgbPlanes): ModelFrame {
  return toFrame(format, width, height, rgb, 'bt709');
}

/** An SDR frame -> R'G'B' in [0, 1] (values outside are clipped by the caller's quantisation). */
export function rgbFromSdrFrame(format: PlanarFormat, width: number, height: number, data: Uint8Array): RgbPlanes {
  return fromFrame(format, width, height, data, 'bt709');
}

/** R'G'B' planes in [0, 1] -> interleaved 8-bit RGB (rounded, clipped). */
export function interleave8(rgb: RgbPlanes): Uint8Array {
  const n = rgb.r.length;
  const out = new Uint8Array(n * 3);
  const q = (v: number): number => (v > 0 ? (v < 1 ? Math.round(v * 255) : 255) : 0);
  for (let i = 0; i < n; i++) {
    out[3 * i] = q(rgb.r[i]!);
    out[3 * i + 1] = q(rgb.g[i]!);
    out[3 * i + 2] = q(rgb.b[i]!);
  }
  return out;
}
