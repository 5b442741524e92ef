import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { YuvFrameConverter, type RgbPlanes } from '../../src/color/index.js';
import { FrameReader, binaries, planeViews } from '../../src/io/index.js';
import { sample } from '../helpers/media.js';

const planes = (n: number): RgbPlanes => ({ r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) });

describe('YuvFrameConverter', () => {
  it('round-trips a smooth 10-bit 4:2:0 frame within quantisation and chroma-resampling error', () => {
    const [w, h] = [64, 36];
    const src = planes(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        src.r[i] = 0.1 + 0.8 * (x / w);
        src.g[i] = 0.2 + 0.6 * (y / h);
        src.b[i] = 0.5;
      }
    }
    const conv = new YuvFrameConverter(w, h, { matrix: 'bt2020nc', range: 'limited', bitDepth: 10, subsampling: '420' });
    const frame = new Uint8Array(w * h * 3);
    const yuv = planeViews('yuv420p10le', w, h, frame) as Uint16Array[];
    conv.fromRgb(src, yuv);
    const back = conv.toRgb(yuv, planes(w * h));
    let worst = 0;
    // Away from the right/bottom edges, where chroma is extrapolated.
    for (let y = 1; y < h - 2; y++) {
      for (let x = 1; x < w - 2; x++) {
        const i = y * w + x;
        worst = Math.max(worst, Math.abs(back.r[i]! - src.r[i]!), Math.abs(back.g[i]! - src.g[i]!), Math.abs(back.b[i]! - src.b[i]!));
      }
    }
    expect(worst).toBeLessThan(3 / 876); // a few 10-bit codes
    expect(worst).toBeGreaterThan(0); // quantisation happened
  });

  it('interprets BT.2020 and BT.709 Y\'CbCr codes as ffmpeg does, on saturated colour bars', () => {
    // 4:4:4 so no chroma interpolation differs: what is compared is the matrix and the range.
    const [w, h] = [256, 144];
    const yuvBytes = execFileSync(binaries().ffmpeg.path, ['-v', 'error', '-f', 'lavfi', '-i', `smptehdbars=s=${w}x${h}`, '-frames:v', '1', '-pix_fmt', 'yuv444p10le', '-f', 'rawvideo', '-'], {
      maxBuffer: 1 << 24,
    });
    const yuv = planeViews('yuv444p10le', w, h, new Uint8Array(yuvBytes)) as Uint16Array[];
    const n = w * h;
    const decode = (matrix: 'bt709' | 'bt2020nc', ffMatrix: string): number => {
      const ours = new YuvFrameConverter(w, h, { matrix, range: 'limited', bitDepth: 10, subsampling: '444' }).toRgb(yuv, planes(n));
      const raw = execFileSync(binaries().ffmpeg.path, [
        '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'yuv444p10le', '-video_size', `${w}x${h}`, '-i', '-',
        '-vf', `scale=in_color_matrix=${ffMatrix}:in_range=tv:out_range=pc:flags=accurate_rnd,format=gbrp16le`, '-f', 'rawvideo', '-',
      ], { input: yuvBytes, maxBuffer: 1 << 24 });
      const ref = new Uint16Array(raw.buffer, raw.byteOffset, raw.length / 2); // planes G, B, R
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const clip = (v: number): number => Math.min(1, Math.max(0, v)); // gbrp16 cannot hold out-of-range values
        worst = Math.max(worst, Math.abs(clip(ours.g[i]!) - ref[i]! / 65535), Math.abs(clip(ours.b[i]!) - ref[n + i]! / 65535),
          Math.abs(clip(ours.r[i]!) - ref[2 * n + i]! / 65535));
      }
      return worst;
    };
    // swscale's integer YUV->RGB path is good to about 1/256; ours is exact arithmetic.
    expect(decode('bt2020nc', 'bt2020')).toBeLessThan(6e-3);
    expect(decode('bt709', 'bt709')).toBeLessThan(6e-3);
    // The check has teeth: the other matrix is far off on saturated bars.
    expect(decode('bt709', 'bt2020')).toBeGreaterThan(2e-2);
  });
});
