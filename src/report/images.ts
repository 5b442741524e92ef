// Pictures for the report: one frame of a video as display RGB (HDR through a fixed display
// mapping, SDR as it is), crops of it, and false-colour ΔE_ITP maps — all PNG (pngjs).

import { PNG } from 'pngjs';
import * as vega from 'vega';
import {
  BT2020_TO_BT709, YuvFrameConverter, applyMatrix3, pqDecodePlane, rgb2020ToIctcpPlanes, type IntPlane, type RgbPlanes,
} from '../color/index.js';
import { DELTA_E_ITP_SCALE } from '../eval/index.js';
import { FrameReader, InputError } from '../io/index.js';
import { tonemapPixel, type TonemapParams } from '../roundtrip/index.js';

/** One decoded frame as float planes: linear BT.2020 cd/m² (HDR) or R'G'B' in [0, 1] (SDR). */
export type FramePlanes = { width: number; height: number; kind: 'hdr' | 'sdr'; rgb: RgbPlanes };

/** An 8-bit RGB picture. */
export type Rgb8 = { width: number; height: number; data: Uint8Array };

/** Decodes frame `index` of a PQ BT.2020 (hdr) or BT.709 (sdr) 4:2:0 file. */
export async function readFrame(file: string, index: number, kind: 'hdr' | 'sdr', signal?: AbortSignal): Promise<FramePlanes> {
  const reader = await FrameReader.open(file, {
    format: kind === 'hdr' ? 'yuv420p10le' : 'yuv420p', maxFrames: index + 1, ...(signal ? { signal } : {}),
  });
  const { width, height } = reader;
  const n = width * height;
  const rgb: RgbPlanes = { r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
  const conv = new YuvFrameConverter(width, height, kind === 'hdr'
    ? { matrix: 'bt2020nc', range: 'limited', bitDepth: 10, subsampling: '420' }
    : { matrix: 'bt709', range: 'limited', bitDepth: 8, subsampling: '420' });
  let seen = -1;
  for await (const frame of reader) {
    seen = frame.index;
    if (seen === index) conv.toRgb(frame.planes as IntPlane[], rgb);
  }
  if (seen < index) throw new InputError(file, `has no frame ${index}`);
  if (kind === 'hdr') for (const p of [rgb.r, rgb.g, rgb.b]) pqDecodePlane(p, p);
  return { width, height, kind, rgb };
}

const clamp8 = (v: number): number => (v > 0 ? (v < 1 ? Math.round(v * 255) : 255) : 0);

/**
 * A frame as display RGB: SDR R'G'B' unchanged; HDR through one fixed mapping for every HDR
 * picture of the report (BT.709 primaries, the hable curve of ffmpeg's tonemap with `display`'s
 * peak, BT.1886 2.4 gamma), so source and restored HDR are shown alike.
 */
export function toDisplay(f: FramePlanes, display: TonemapParams): Rgb8 {
  const n = f.width * f.height;
  const data = new Uint8Array(3 * n);
  const { r, g, b } = f.rgb;
  if (f.kind === 'sdr') {
    for (let i = 0; i < n; i++) {
      data[3 * i] = clamp8(r[i]!);
      data[3 * i + 1] = clamp8(g[i]!);
      data[3 * i + 2] = clamp8(b[i]!);
    }
    return { width: f.width, height: f.height, data };
  }
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const z = new Float32Array(n);
  applyMatrix3(BT2020_TO_BT709, r, g, b, x, y, z);
  for (let i = 0; i < n; i++) {
    const [u, v, w] = tonemapPixel(Math.max(0, x[i]!) / 100, Math.max(0, y[i]!) / 100, Math.max(0, z[i]!) / 100, display);
    data[3 * i] = clamp8(u ** (1 / 2.4));
    data[3 * i + 1] = clamp8(v ** (1 / 2.4));
    data[3 * i + 2] = clamp8(w ** (1 / 2.4));
  }
  return { width: f.width, height: f.height, data };
}

/** Per-pixel ΔE_ITP (BT.2124) between two HDR frames of one size. */
export function deltaEMap(ref: FramePlanes, test: FramePlanes): Float32Array {
  if (ref.width !== test.width || ref.height !== test.height) throw new RangeError('deltaEMap: frames differ in size');
  const n = ref.width * ref.height;
  const p = Array.from({ length: 6 }, () => new Float32Array(n));
  const [i1, t1, c1, i2, t2, c2] = p as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  rgb2020ToIctcpPlanes(ref.rgb.r, ref.rgb.g, ref.rgb.b, i1, t1, c1);
  rgb2020ToIctcpPlanes(test.rgb.r, test.rgb.g, test.rgb.b, i2, t2, c2);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const di = i1[i]! - i2[i]!;
    const dt = 0.5 * (t1[i]! - t2[i]!);
    const dc = c1[i]! - c2[i]!;
    out[i] = DELTA_E_ITP_SCALE * Math.sqrt(di * di + dt * dt + dc * dc);
  }
  return out;
}

/** 256 colours of a vega continuous scheme (e.g. 'viridis'), as RGB bytes. */
export function schemeTable(name: string): Uint8Array {
  const interp = vega.scheme(name) as unknown;
  if (typeof interp !== 'function') throw new RangeError(`schemeTable: "${name}" is not a continuous vega scheme`);
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const c = String((interp as (t: number) => unknown)(i / 255));
    const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
    const fn = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(c);
    const parts = hex ? hex.slice(1).map((h) => Number.parseInt(h, 16)) : fn ? fn.slice(1).map(Number) : null;
    if (!parts) throw new RangeError(`schemeTable: cannot read colour "${c}"`);
    table.set(parts, 3 * i);
  }
  return table;
}

/** False colour of a ΔE_ITP map: 0 … `max` over the table (values above `max` take its top colour). */
export function falseColour(map: Float32Array, width: number, height: number, max: number, table: Uint8Array): Rgb8 {
  const data = new Uint8Array(3 * width * height);
  for (let i = 0; i < map.length; i++) {
    const k = Math.min(255, Math.max(0, Math.round((map[i]! / max) * 255))) * 3;
    data[3 * i] = table[k]!;
    data[3 * i + 1] = table[k + 1]!;
    data[3 * i + 2] = table[k + 2]!;
  }
  return { width, height, data };
}

/** A horizontal colour bar of the table (the legend of the ΔE maps). */
export function colourBar(width: number, height: number, table: Uint8Array): Rgb8 {
  const data = new Uint8Array(3 * width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = Math.round((x / (width - 1)) * 255) * 3;
      data.set(table.subarray(k, k + 3), 3 * (y * width + x));
    }
  }
  return { width, height, data };
}

export type Box = { x: number; y: number; width: number; height: number };

/** The `w`×`h` window (on an 8-pixel grid) where `map` has the largest sum: where the errors are. */
export function worstWindow(map: Float32Array, width: number, height: number, w: number, h: number): Box {
  const cw = Math.min(w, width);
  const ch = Math.min(h, height);
  // Summed-area table for O(1) window sums.
  const sat = new Float64Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += map[y * width + x]!;
      sat[(y + 1) * (width + 1) + x + 1] = sat[y * (width + 1) + x + 1]! + row;
    }
  }
  const sum = (x: number, y: number): number =>
    sat[(y + ch) * (width + 1) + x + cw]! - sat[y * (width + 1) + x + cw]! - sat[(y + ch) * (width + 1) + x]! + sat[y * (width + 1) + x]!;
  let best = { x: 0, y: 0, s: -Infinity };
  for (let y = 0; y + ch <= height; y += 8) {
    for (let x = 0; x + cw <= width; x += 8) {
      const s = sum(x, y);
      if (s > best.s) best = { x, y, s };
    }
  }
  return { x: best.x, y: best.y, width: cw, height: ch };
}

/** The pixels of `img` inside `box`. */
export function crop(img: Rgb8, box: Box): Rgb8 {
  const data = new Uint8Array(3 * box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const from = 3 * ((box.y + y) * img.width + box.x);
    data.set(img.data.subarray(from, from + 3 * box.width), 3 * y * box.width);
  }
  return { width: box.width, height: box.height, data };
}

/** PNG bytes of an RGB picture. */
export function encodePng(img: Rgb8): Buffer {
  const png = new PNG({ width: img.width, height: img.height, colorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return PNG.sync.write(png, { colorType: 2, inputHasAlpha: false });
}
