// Frames of PQ / HLG videos as absolute display light (cd/m², BT.2020 or BT.709 primaries as
// tagged): sparse frames through FrameReader (10-bit planar Y'CbCr, downscaled by ffmpeg), then
// Y'CbCr → R'G'B' → PQ EOTF, or HLG inverse OETF + BT.2100 luminance OOTF of a 1000 cd/m² display.

import { YuvFrameConverter, hlgDecodePlanes, pqDecodePlane } from '../../color/index.js';
import { FrameReader, InputError, UnsupportedInputError, probe, type LinearImage } from '../../io/index.js';
import { fitSize } from './planes.js';

export const HDR_VIDEO_EXTENSIONS = ['.mkv', '.mp4', '.mov', '.webm', '.ts', '.m2ts', '.mxf', '.hevc', '.265'] as const;

/** Peak of the reference display for HLG (BT.2100 nominal), cd/m². */
export const HLG_DISPLAY_NITS = 1000;

export type HdrVideoFrame = LinearImage & { primaries: 'bt709' | 'bt2020'; index: number };

/**
 * Reads `frames` evenly spaced frames of an HDR video at most `maxSide` pixels on a side.
 * An SDR video is an UnsupportedInputError naming the file.
 */
export async function readHdrVideoFrames(
  path: string,
  label: string,
  opts: { maxSide: number; frames: number; signal?: AbortSignal | undefined },
): Promise<HdrVideoFrame[]> {
  const sig = opts.signal ? { signal: opts.signal } : {};
  const info = await probe(path, { countFrames: false, ...sig }).catch((err: unknown) => {
    throw new InputError(label, `not a readable video (${(err as Error).message.split('\n')[0]})`, { cause: err });
  });
  const v = info.video;
  if (!v) throw new InputError(label, 'has no video stream');
  const transfer = v.dynamicRange;
  if (transfer !== 'pq' && transfer !== 'hlg') {
    throw new UnsupportedInputError(label, `is not an HDR video (transfer ${v.color.transfer ?? 'untagged'}); HDR training data must be PQ or HLG — put SDR footage in the LDR set`);
  }
  const fit = fitSize(v.width, v.height, opts.maxSide);
  // 4:2:0 needs even sizes.
  const width = Math.max(2, fit.width & ~1);
  const height = Math.max(2, fit.height & ~1);
  const count = v.frameCount ?? v.durationFrames ?? Math.round((v.duration ?? info.duration ?? 1) * (v.frameRate || 25));
  const k = Math.max(1, Math.floor(count / opts.frames));
  const reader = await FrameReader.open(path, {
    format: 'yuv420p10le',
    width,
    height,
    info,
    maxFrames: opts.frames,
    videoFilter: `select=not(mod(n\\,${k}))`,
    ...sig,
  });
  const conv = new YuvFrameConverter(width, height, {
    matrix: v.color.matrix === 'bt709' ? 'bt709' : 'bt2020nc',
    range: v.color.range === 'full' ? 'full' : 'limited',
    bitDepth: 10,
    subsampling: '420',
  });
  const primaries = v.color.primaries === 'bt709' ? 'bt709' : 'bt2020';
  const out: HdrVideoFrame[] = [];
  for await (const frame of reader) {
    const n = width * height;
    const rgb = { r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
    conv.toRgb(frame.planes as Uint16Array[], rgb);
    if (transfer === 'pq') {
      for (const p of [rgb.r, rgb.g, rgb.b]) pqDecodePlane(p, p);
    } else {
      hlgDecodePlanes(rgb.r, rgb.g, rgb.b, rgb.r, rgb.g, rgb.b, HLG_DISPLAY_NITS);
    }
    for (const p of [rgb.r, rgb.g, rgb.b]) for (let i = 0; i < n; i++) if (!(p[i]! > 0)) p[i] = 0;
    out.push({ width, height, ...rgb, primaries, index: frame.index * k });
  }
  if (out.length === 0) throw new InputError(label, 'decoded to no frame');
  return out;
}
