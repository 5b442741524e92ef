import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, checkComplete, classifyTransfer, probe, type MediaInfo } from '../../src/io/index.js';
import { ffmpeg, sample, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

describe('probe', () => {
  it('reports the HDR10 sample as PQ BT.2020 10-bit 4:2:0 with its mastering display and light levels', async () => {
    const info = await probe(sample('city-pq.mkv'));
    expect(info.container).toBe('matroska,webm');
    expect(info.video).toMatchObject({
      codec: 'hevc', width: 640, height: 360, pixelFormat: 'yuv420p10le', bitDepth: 10, chromaSubsampling: '420',
      family: 'yuv', frameRate: 24, variableFrameRate: false, frameCount: 72, dynamicRange: 'pq',
      color: { range: 'limited', primaries: 'bt2020', transfer: 'smpte2084', matrix: 'bt2020nc' },
    });
    const { masteringDisplay, contentLightLevel } = info.video!.hdr10;
    expect(masteringDisplay).toEqual({
      red: { x: 0.68, y: 0.32 }, green: { x: 0.265, y: 0.69 }, blue: { x: 0.15, y: 0.06 },
      whitePoint: { x: 0.3127, y: 0.329 }, minLuminance: 0.0001, maxLuminance: 1000,
    });
    // The pan looks into the sun: the brightest pixel reaches the clip at the 1000 cd/m² display peak.
    expect(contentLightLevel!.maxCll).toBe(1000);
    expect(contentLightLevel!.maxFall).toBeGreaterThan(50);
    expect(contentLightLevel!.maxFall).toBeLessThan(1000);
    expect(info.audio).toEqual([{ index: 1, codec: 'aac', channels: 2, sampleRate: 48000, language: 'eng' }]);
    expect(info.subtitles).toEqual([{ index: 2, codec: 'subrip', language: 'eng' }]);
    expect(info.chapters).toBe(2);
  });

  it('reads HDR10 metadata from an MP4 and a 720p sample too', async () => {
    for (const [name, w, h, frames] of [['interior-pq.mp4', 640, 360, 50], ['forest-pq-720p.mkv', 1280, 720, 48]] as const) {
      const v = (await probe(sample(name))).video!;
      expect([v.width, v.height, v.frameCount, v.dynamicRange, v.bitDepth], name).toEqual([w, h, frames, 'pq', 10]);
      expect(v.hdr10.masteringDisplay?.maxLuminance, name).toBe(1000);
      expect(v.hdr10.contentLightLevel?.maxCll, name).toBeGreaterThan(100);
    }
  });

  it('classifies the HLG sample as hlg, without HDR10 metadata', async () => {
    const v = (await probe(sample('sunset-hlg.mkv'))).video!;
    expect(v.dynamicRange).toBe('hlg');
    expect(v.color).toMatchObject({ primaries: 'bt2020', transfer: 'arib-std-b67', matrix: 'bt2020nc' });
    expect(v.hdr10).toEqual({ masteringDisplay: null, contentLightLevel: null });
  });

  it('classifies the SDR sample as sdr, 8-bit BT.709', async () => {
    const info = await probe(sample('city-sdr.mkv'));
    expect(info.video).toMatchObject({ dynamicRange: 'sdr', bitDepth: 8, pixelFormat: 'yuv420p', frameCount: 50, frameRate: 25 });
    expect(info.video!.color).toMatchObject({ primaries: 'bt709', transfer: 'bt709', matrix: 'bt709' });
    expect(info.audio).toHaveLength(1);
  });

  it('describes bit depth and subsampling of 4:2:2 / 4:4:4 / 12-bit streams, and untagged colour as unknown', async () => {
    const cases = [['yuv422p10le', 10, '422'], ['yuv444p12le', 12, '444']] as const;
    for (const [fmt, depth, sub] of cases) {
      const file = join(dir, `${fmt}.mkv`);
      await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=64x36:r=10:d=0.3', '-pix_fmt', fmt, '-c:v', 'ffv1', file]);
      const v = (await probe(file)).video!;
      expect([v.bitDepth, v.chromaSubsampling, v.dynamicRange, v.color.transfer], fmt).toEqual([depth, sub, 'unknown', null]);
      // Matroska keeps no frame count; probe counts packets.
      expect(v.frameCount, fmt).toBe(3);
    }
  });

  it('detects a variable frame rate', async () => {
    const file = join(dir, 'vfr.mkv');
    // Frames 0-4 at 10 fps then 5-9 at 30 fps (setpts rewrites the timestamps).
    await ffmpeg([
      '-f', 'lavfi', '-i', 'testsrc2=s=64x36:r=30:d=1', '-vf', "setpts='if(lt(N,5),N*3,15+(N-5))/TB/30'",
      '-vsync', 'passthrough', '-frames:v', '10', '-c:v', 'libx264', '-preset', 'ultrafast', file,
    ]);
    const v = (await probe(file)).video!;
    expect(v.variableFrameRate).toBe(true);
    expect(v.frameCount).toBe(10);
    expect(v.frameRate).toBe(30);
  });

  it("takes a variable rate's average as its nominal rate when r_frame_rate runs far ahead of it", async () => {
    // Frames ~100 ms apart (jittered up to 66 ms), whose MP4 ffprobe still says is 30 fps.
    const file = join(dir, 'slow-vfr.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=64x36:r=30', '-frames:v', '40', '-vf', "setpts='(N*100+mod(N*N,7)*11)/1000/TB'",
      '-vsync', 'passthrough', '-c:v', 'libx264', '-preset', 'ultrafast', file]);
    const v = (await probe(file)).video!;
    expect(v).toMatchObject({ variableFrameRate: true, frameRateRational: { num: 600, den: 59 } });
    expect(v.frameRate).toBeCloseTo(600 / 59, 9);
  });

  it('keeps a constant rate whose muxer nudged some frames, and still catches a dropped frame', async () => {
    const clip = ['-f', 'lavfi', '-i', 'testsrc2=s=64x36:r=24'];
    const x265 = ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error'];
    // The bundled ffmpeg's x265 + AAC Matroska: the first packets (no dts) miss the audio's 21 ms
    // shift the others get, so the video reads 0, 63, 104, 146, 167, 229 ms.
    const withAudio = join(dir, 'x265-aac.mkv');
    await ffmpeg([...clip, '-f', 'lavfi', '-i', 'sine=r=48000', '-t', '1.5', ...x265, '-c:a', 'aac', withAudio]);
    // Frames nudged by 3 ms but frames 0 and 2 (spacings 45 and 38 ms).
    const nudged = join(dir, 'nudged.mkv');
    await ffmpeg([...clip, '-vf', "settb=1/1000,setpts='(N/24+if(eq(N,0)+eq(N,2),0,0.003))/TB'", '-enc_time_base', '1:1000',
      '-vsync', 'passthrough', '-frames:v', '30', '-c:v', 'libx264', '-preset', 'ultrafast', nudged]);
    // Frame 10 left out of the same x265 + AAC stream: its slot stays empty.
    const dropped = join(dir, 'dropped.mkv');
    await ffmpeg([...clip, '-f', 'lavfi', '-i', 'sine=r=48000', '-t', '1.5', '-vf', "select='not(eq(n,10))'", '-vsync', 'passthrough',
      ...x265, '-c:a', 'aac', dropped]);
    expect((await probe(withAudio)).video).toMatchObject({ frameRate: 24, variableFrameRate: false, frameCount: 36 });
    expect((await probe(nudged)).video).toMatchObject({ frameRate: 24, variableFrameRate: false, frameCount: 30 });
    expect((await probe(dropped)).video).toMatchObject({ frameRate: 24, variableFrameRate: true, frameCount: 35 });
  });

  it('fails with one clear line for a missing file, an empty file and a text file named .mkv', async () => {
    await expect(probe(join(dir, 'nope.mkv'))).rejects.toThrow(new InputError(join(dir, 'nope.mkv'), 'no such file'));
    const empty = join(dir, 'empty.mkv');
    writeFileSync(empty, '');
    await expect(probe(empty)).rejects.toThrow(new InputError(empty, 'is empty (0 bytes)'));
    const text = join(dir, 'notes.mkv');
    writeFileSync(text, 'this is not a video\n'.repeat(20));
    const err = await probe(text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^.*notes\.mkv: not a media file ffprobe can read \(.+\)$/);
    expect((err as Error).message).not.toContain('\n');
  });

  it('does not mistake B-frame reordering past the sampled packets for a variable frame rate', async () => {
    const file = join(dir, 'cfr-300.mkv');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=64x36:r=25', '-frames:v', '300', '-pix_fmt', 'yuv420p10le', '-c:v', 'libx265',
      '-preset', 'ultrafast', '-x265-params', 'log-level=error', file]);
    expect((await probe(file)).video).toMatchObject({ variableFrameRate: false, frameCount: 300 });
  });

  it('spots a truncated Matroska file: fewer frames than its header announces', async () => {
    const { readFileSync, writeFileSync } = await import('node:fs');
    const cut = join(dir, 'cut.mkv');
    writeFileSync(cut, readFileSync(sample('city-pq.mkv')).subarray(0, 60_000));
    const info = await probe(cut);
    expect(info.video!.durationFrames).toBe(72); // 3.0 s x 24 fps, as the header says
    expect(info.video!.frameCount).toBeLessThan(40);
    expect(() => checkComplete(info)).toThrow(new RegExp(`cut\\.mkv: is truncated: it holds ${info.video!.frameCount} frames but its header announces about 72`));
    const whole: MediaInfo = await probe(sample('city-pq.mkv'));
    expect(whole.video!.durationFrames).toBe(whole.video!.frameCount);
    expect(() => checkComplete(whole)).not.toThrow();
  });

  it('maps transfer tags to pq | hlg | sdr | unknown', () => {
    expect(['smpte2084', 'arib-std-b67', 'bt709', 'iec61966-2-1', 'linear', null].map(classifyTransfer)).toEqual([
      'pq', 'hlg', 'sdr', 'sdr', 'unknown', 'unknown',
    ]);
  });
});
