// Restores HDR10 from an SDR that ffmpeg's tonemap filter made, with the curve's exact inverse:
// SDR Y'CbCr (BT.709, 8-bit) → R'G'B' → BT.1886 (2.4 power, what zscale applied) → f⁻¹ per
// pixel → BT.2020 → ×100 cd/m² → PQ → Y'CbCr BT.2020 10-bit → the HDR encoder.

import { BT709_TO_BT2020, YuvFrameConverter, applyMatrix3, pqEncodePlane, type IntPlane, type RgbPlanes } from '../color/index.js';
import {
  FrameReader, FrameWriter, HDR10_PQ, InputError, planeViews, probe, frameByteLength,
  type EncoderSettings, type Hdr10Metadata,
} from '../io/index.js';
import { inverseTonemapPixel, type TonemapParams } from './ffmpeg-tonemap.js';

/** zscale's BT.1886 display gamma (display-referred `t=bt709`). */
const GAMMA = 2.4;
/** SDR white in cd/m²: the filter's 1.0 (zscale npl=100). */
const SDR_WHITE = 100;

/**
 * Inverts one frame of R'G'B' in place: BT.709 gamma-coded SDR → PQ-coded BT.2020 R'G'B'.
 * Exposed for the exactness test (a ramp tone mapped by ffmpeg, inverted here).
 */
export function inverseTonemapRgb(rgb: RgbPlanes, p: TonemapParams): RgbPlanes {
  const { r, g, b } = rgb;
  for (let i = 0; i < r.length; i++) {
    // A display shows the SDR clipped to [0, 1]; codec overshoot outside it carries nothing.
    const lr = Math.min(1, Math.max(0, r[i]!)) ** GAMMA;
    const lg = Math.min(1, Math.max(0, g[i]!)) ** GAMMA;
    const lb = Math.min(1, Math.max(0, b[i]!)) ** GAMMA;
    const [x, y, z] = inverseTonemapPixel(lr, lg, lb, p);
    r[i] = x * SDR_WHITE;
    g[i] = y * SDR_WHITE;
    b[i] = z * SDR_WHITE;
  }
  applyMatrix3(BT709_TO_BT2020, r, g, b, r, g, b);
  pqEncodePlane(r, r);
  pqEncodePlane(g, g);
  pqEncodePlane(b, b);
  return rgb;
}

export type InverseTonemapOptions = {
  input: string;
  output: string;
  params: TonemapParams;
  encoder: EncoderSettings;
  hdr10: Hdr10Metadata | null;
  signal?: AbortSignal;
  onFrame?: (frames: number, total: number | null) => void;
};

/** SDR file made by ffmpeg's tonemap → HDR10 file (through FrameReader/FrameWriter, atomic). */
export async function inverseTonemapVideo(o: InverseTonemapOptions): Promise<{ frames: number }> {
  const signal = o.signal;
  const info = await probe(o.input, signal ? { signal } : {});
  const v = info.video;
  if (!v) throw new InputError(o.input, 'has no video stream');
  const { width, height } = v;
  const reader = await FrameReader.open(o.input, { format: 'yuv420p', expectedFrames: v.frameCount, info, ...(signal ? { signal } : {}) });
  const writer = await FrameWriter.open({
    output: o.output,
    width,
    height,
    format: 'yuv420p10le',
    frameRate: v.frameRateRational,
    encoder: o.encoder,
    color: HDR10_PQ,
    hdr10: o.hdr10,
    ...(signal ? { signal } : {}),
  });
  const n = width * height;
  const rgb: RgbPlanes = { r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
  const sdrConv = new YuvFrameConverter(width, height, { matrix: 'bt709', range: 'limited', bitDepth: 8, subsampling: '420' });
  const hdrConv = new YuvFrameConverter(width, height, { matrix: 'bt2020nc', range: 'limited', bitDepth: 10, subsampling: '420' });
  const out = new Uint8Array(frameByteLength('yuv420p10le', width, height));
  const outPlanes = planeViews('yuv420p10le', width, height, out) as IntPlane[];
  let frames = 0;
  try {
    for await (const frame of reader) {
      sdrConv.toRgb(frame.planes as IntPlane[], rgb);
      inverseTonemapRgb(rgb, o.params);
      hdrConv.fromRgb(rgb, outPlanes);
      await writer.write(out);
      frames++;
      o.onFrame?.(frames, v.frameCount);
    }
    await writer.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return { frames };
}
