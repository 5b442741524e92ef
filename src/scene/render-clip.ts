import {
  BT709_TO_BT2020, YuvFrameConverter, applyMatrix3, hlgEncodePlanes, pqEncodePlane, type RgbPlanes,
} from '../color/index.js';
import {
  FrameWriter, HDR10_PQ, HLG_BT2100, planeViews, type EncoderSettings, type Hdr10Metadata, type LinearImage,
} from '../io/index.js';
import { exposureScale, LightLevelMeter } from './exposure.js';
import { panPose, renderView, type CameraPose } from './panorama-camera.js';

/** A camera move through one panorama, graded for HDR10 (PQ) or HLG. */
export type HdrClipSpec = {
  width: number;
  height: number;
  fps: number;
  frames: number;
  from: CameraPose;
  to: CameraPose;
  transfer: 'pq' | 'hlg';
  /** Where the panorama's median luminance lands, cd/m². */
  keyNits: number;
  /** Mastering display peak: light above it is clipped, as a grade on that display would. */
  peakNits: number;
};

/** P3-D65 mastering display, the usual HDR10 grading monitor. */
export const P3_D65_DISPLAY = {
  red: { x: 0.68, y: 0.32 },
  green: { x: 0.265, y: 0.69 },
  blue: { x: 0.15, y: 0.06 },
  whitePoint: { x: 0.3127, y: 0.329 },
} as const;

function renderDisplayLight(pano: LinearImage, spec: HdrClipSpec, scale: number, i: number, rgb: RgbPlanes): void {
  renderView(pano, panPose(spec.from, spec.to, i, spec.frames), spec.width, spec.height, rgb);
  applyMatrix3(BT709_TO_BT2020, rgb.r, rgb.g, rgb.b, rgb.r, rgb.g, rgb.b);
  const peak = spec.peakNits;
  for (const p of [rgb.r, rgb.g, rgb.b]) {
    for (let k = 0; k < p.length; k++) {
      const v = p[k]! * scale;
      p[k] = v < 0 ? 0 : v > peak ? peak : v;
    }
  }
}

/**
 * Render a camera pan through a linear panorama into an HDR10 (PQ, with MaxCLL/MaxFALL measured
 * in a first pass) or HLG file, 10-bit 4:2:0 BT.2020.
 *
 * @example await renderHdrClip(pano, spec, { output: 'city.mkv', encoder: { codec: 'libx265', pixelFormat: 'yuv420p10le', crf: 18 } })
 */
export async function renderHdrClip(
  pano: LinearImage,
  spec: HdrClipSpec,
  options: { output: string; encoder: EncoderSettings; copyStreamsFrom?: string; signal?: AbortSignal },
): Promise<{ hdr10: Hdr10Metadata | null; bytes: number }> {
  const { width, height } = spec;
  const n = width * height;
  const rgb: RgbPlanes = { r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
  const scale = exposureScale(pano, spec.keyNits);

  let hdr10: Hdr10Metadata | null = null;
  if (spec.transfer === 'pq') {
    // HDR10 metadata goes in the stream header, so the light levels are measured first.
    const meter = new LightLevelMeter();
    for (let i = 0; i < spec.frames; i++) {
      renderDisplayLight(pano, spec, scale, i, rgb);
      meter.add(rgb.r, rgb.g, rgb.b);
    }
    hdr10 = {
      masteringDisplay: { ...P3_D65_DISPLAY, minLuminance: 0.0001, maxLuminance: spec.peakNits },
      contentLightLevel: meter.result(),
    };
  }

  const writer = await FrameWriter.open({
    output: options.output,
    width,
    height,
    format: 'yuv420p10le',
    frameRate: spec.fps,
    encoder: options.encoder,
    color: spec.transfer === 'pq' ? HDR10_PQ : HLG_BT2100,
    hdr10,
    ...(options.copyStreamsFrom ? { copyStreamsFrom: options.copyStreamsFrom } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    const converter = new YuvFrameConverter(width, height, { matrix: 'bt2020nc', range: 'limited', bitDepth: 10, subsampling: '420' });
    for (let i = 0; i < spec.frames; i++) {
      renderDisplayLight(pano, spec, scale, i, rgb);
      if (spec.transfer === 'pq') {
        for (const p of [rgb.r, rgb.g, rgb.b]) pqEncodePlane(p, p);
      } else {
        hlgEncodePlanes(rgb.r, rgb.g, rgb.b, rgb.r, rgb.g, rgb.b, spec.peakNits);
      }
      const frame = new Uint8Array(writer.frameBytes);
      converter.fromRgb(rgb, planeViews('yuv420p10le', width, height, frame) as Uint16Array[]);
      await writer.write(frame);
    }
    const { bytes } = await writer.finish();
    return { hdr10, bytes };
  } catch (err) {
    await writer.abort();
    throw err;
  }
}
