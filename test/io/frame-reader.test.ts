import { existsSync, readFileSync, statSync, truncateSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CanceledError, FfmpegError, FrameReader, FrameWriter, InputError, SDR_BT709, TEMP_MARK, liveChildCount, probe,
} from '../../src/io/index.js';
import { ffmpeg, processesMentioning, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
const clip = join(dir, 'clip-pq.mkv');
const still = join(dir, 'still-1080p.y4m');

beforeAll(async () => {
  await ffmpeg([
    '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=2', '-pix_fmt', 'yuv420p10le', '-c:v', 'libx265', '-preset', 'ultrafast',
    '-x265-params', 'log-level=error', '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', clip,
  ]);
    // One raw 1080p testsrc2 frame, looped: decoding costs nothing, so ffmpeg can always run ahead.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=1920x1080', '-frames:v', '1', '-pix_fmt', 'yuv420p', still]);
});
afterAll(cleanup);

describe('FrameReader', () => {
  it('delivers planar 10-bit frames of exact size with pts, and reaps ffmpeg', async () => {
    const reader = await FrameReader.open(clip, { format: 'yuv420p10le', expectedFrames: 50 });
    expect(reader.frameBytes).toBe(320 * 180 * 2 * 1.5);
    const seen: { index: number; pts: number; y: number; u: number }[] = [];
    for await (const f of reader) {
      expect(f.planes[0]).toBeInstanceOf(Uint16Array);
      seen.push({ index: f.index, pts: f.pts, y: f.planes[0]!.length, u: f.planes[1]!.length });
      // 10-bit samples in a 16-bit container: nothing above 1023.
      expect(Math.max(...f.planes[0]!.subarray(0, 4096))).toBeLessThanOrEqual(1023);
    }
    expect(seen).toHaveLength(50);
    expect(seen[49]).toEqual({ index: 49, pts: 49 / 25, y: 320 * 180, u: 160 * 90 });
    expect(reader.child!.exited).toBe(true);
    expect(liveChildCount()).toBe(0);
  });

  it('converts to the format asked for (8-bit) in ffmpeg', async () => {
    const frames = [];
    for await (const f of await FrameReader.open(clip, { format: 'yuv420p', maxFrames: 3 })) frames.push(f);
    expect(frames).toHaveLength(3);
    expect(frames[0]!.planes[0]).toBeInstanceOf(Uint8Array);
    expect(frames[0]!.data.byteLength).toBe(320 * 180 * 1.5);
  });

  it('stops ffmpeg when the consumer breaks out early', async () => {
    const reader = await FrameReader.open(clip, { format: 'yuv420p10le' });
    for await (const f of reader) if (f.index === 2) break;
    expect(reader.child!.exited).toBe(true);
    expect(processesMentioning(clip)).toEqual([]);
  });

  it('holds the decoder back for a slow consumer: RSS stays bounded over 2,000 1080p frames', async () => {
    // 2,000 frames x 3.1 MB = 6.2 GB if ffmpeg were allowed to run ahead of the consumer.
    const reader = await FrameReader.open(still, {
      format: 'yuv420p', inputArgs: ['-stream_loop', '-1'], maxFrames: 2000,
    });
    globalThis.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let count = 0;
    for await (const f of reader) {
      count++;
      if (f.index % 500 === 10) {
        // The slow consumer: a 400 ms stall. Unchecked, ffmpeg would push ~1 GB meanwhile.
        await new Promise((r) => setTimeout(r, 400));
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    }
    expect(count).toBe(2000);
    // A frame in hand, one being filled, a pipe's worth of chunks, and GC slack.
    expect(peak - baseline).toBeLessThan(200 * 1024 * 1024);
  });

  it('abort mid-stream rejects with CanceledError, leaves no ffmpeg and no output file', async () => {
    const output = join(dir, 'abort-out.mkv');
    const controller = new AbortController();
    const reader = await FrameReader.open(clip, { format: 'yuv420p10le', signal: controller.signal });
    const writer = await FrameWriter.open({
      output, width: 320, height: 180, format: 'yuv420p10le', frameRate: 25, signal: controller.signal,
      encoder: { codec: 'libx265', pixelFormat: 'yuv420p10le', crf: 30, preset: 'ultrafast' }, color: SDR_BT709,
    });
    const run = (async () => {
      for await (const f of reader) {
        if (f.index === 10) controller.abort();
        await writer.write(f.data);
      }
      await writer.finish();
    })();
    const err = await run.catch(async (e: unknown) => {
      await writer.abort();
      return e;
    });
    expect(err).toBeInstanceOf(CanceledError);
    expect(existsSync(output)).toBe(false);
    expect(existsSync(writer.tempPath)).toBe(false);
    expect(processesMentioning(clip)).toEqual([]);
    expect(processesMentioning(writer.tempPath)).toEqual([]);
    expect(liveChildCount()).toBe(0);
  });

  it('fails loudly on a truncated file instead of returning fewer frames', async () => {
    const cut = join(dir, 'truncated.mkv');
    copyFileSync(clip, cut);
    truncateSync(cut, Math.floor(statSync(clip).size * 0.5));
    const expected = (await probe(clip)).video!.frameCount;
    const reader = await FrameReader.open(cut, { format: 'yuv420p10le', expectedFrames: expected });
    const err = await (async () => {
      for await (const _ of reader);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/truncated\.mkv: decoded \d+ frames but the file promised 50 — it is truncated or corrupt/);
  });

  it('fails on a corrupt bitstream instead of concealing the damage', async () => {
    const { readFileSync, writeFileSync } = await import('node:fs');
    const bytes = readFileSync(clip);
    for (let i = 0; i < 40; i++) bytes[2000 + Math.floor((i * 7919) % (bytes.length - 4000))]! ^= 0xff;
    const broken = join(dir, 'flipped.mkv');
    writeFileSync(broken, bytes);
    const err = await (async () => {
      for await (const _ of await FrameReader.open(broken, { format: 'yuv420p10le' }));
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegError);
    expect((err as Error).message).toMatch(/^decoding .*flipped\.mkv: ffmpeg exited with code 1/);
    // Opting in to concealment decodes through it.
    let n = 0;
    for await (const _ of await FrameReader.open(broken, { format: 'yuv420p10le', tolerateErrors: true })) n++;
    expect(n).toBeGreaterThan(0);
  });

  it('reads a byte stream (e.g. a zip entry) given its size and rate', async () => {
    const { Readable } = await import('node:stream');
    const stream = Readable.from([readFileSync(clip)]);
    const reader = await FrameReader.open({ stream, label: 'clip via stdin' }, {
      format: 'yuv420p10le', width: 320, height: 180, frameRate: 25, expectedFrames: 50,
    });
    let n = 0;
    for await (const _ of reader) n++;
    expect(n).toBe(50);
  });

  it('reads a variable frame rate at its nominal rate: a frame repeated across each gap', async () => {
    // Ten distinct frames at 0, 100, 200, 300, 400 ms (10 fps), then 500, 533 ... 633 ms (30 fps).
    const vfr = join(dir, 'vfr.mkv');
    await ffmpeg([
      // Each frame a flat grey of its own (20 codes apart), so repeats are plain to see.
      '-f', 'lavfi', '-i', 'nullsrc=s=64x36:r=30:d=1', '-vf', "geq=lum='20*N':cb=128:cr=128,setpts='if(lt(N,5),N*3,15+(N-5))/TB/30'",
      '-vsync', 'passthrough', '-frames:v', '10', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-qp', '0', '-preset', 'ultrafast', vfr,
    ]);
    const info = await probe(vfr);
    expect(info.video).toMatchObject({ variableFrameRate: true, frameRate: 30, frameCount: 10 });
    const frames: { pts: number; grey: number }[] = [];
    // The packet count is not what a resampled read delivers, and is not held against it.
    for await (const f of await FrameReader.open(vfr, { format: 'yuv420p', expectedFrames: info.video!.frameCount, info })) {
      frames.push({ pts: f.pts, grey: f.planes[0]![0]! });
    }
    // The 30 fps grid from 0 to 633 ms, pts on it; every source frame in order, none dropped,
    // the 10 fps ones held for two or three slots (ffmpeg rounds where the grid falls).
    expect(frames.map((f) => Math.round(f.pts * 1000))).toEqual(Array.from({ length: 20 }, (_, i) => Math.round((i * 1000) / 30)));
    const runs: { grey: number; count: number }[] = [];
    for (const { grey } of frames) {
      if (runs.at(-1)?.grey === grey) runs.at(-1)!.count++;
      else runs.push({ grey, count: 1 });
    }
    expect(runs.map((r) => r.grey)).toEqual(Array.from({ length: 10 }, (_, n) => 20 * n));
    expect(runs.slice(0, 5).every((r) => r.count >= 2 && r.count <= 3)).toBe(true);
    expect(runs.slice(6).every((r) => r.count === 1)).toBe(true);
  });

  it('refuses a stream source without its size', async () => {
    const { Readable } = await import('node:stream');
    await expect(FrameReader.open({ stream: Readable.from([]), label: 'anon' }, { format: 'yuv420p' })).rejects.toThrow(
      new TypeError('anon: width, height and frameRate are required when reading from a stream'),
    );
  });
});

describe('FrameReader on an image sequence', () => {
  it('reads numbered 16-bit PNGs as frames, at the rate given to ffmpeg', async () => {
    const seq = join(dir, 'seq');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(seq);
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=48x32:r=10:d=0.4', '-pix_fmt', 'rgb48be', join(seq, 'f%03d.png')]);
    const pattern = join(seq, 'f%03d.png');
    const info = await probe(pattern);
    expect(info.video).toMatchObject({ width: 48, height: 32, frameCount: 4, bitDepth: 16 });
    const frames = [];
    for await (const f of await FrameReader.open(pattern, { format: 'gbrp16le', inputArgs: ['-framerate', '10'], frameRate: 10, expectedFrames: 4 })) {
      frames.push(f);
    }
    expect(frames.map((f) => [f.index, f.pts, f.planes.length, f.planes[0]!.length])).toEqual([
      [0, 0, 3, 48 * 32], [1, 0.1, 3, 48 * 32], [2, 0.2, 3, 48 * 32], [3, 0.3, 3, 48 * 32],
    ]);
  });
});
