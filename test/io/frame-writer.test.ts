import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CanceledError, FfmpegError, FrameReader, FrameWriter, HDR10_PQ, InputError, SDR_BT709, TEMP_MARK,
  liveChildCount, probe, type Frame, type Hdr10Metadata,
} from '../../src/io/index.js';
import { ffmpeg, processesMentioning, tempDir, topLevelBoxes } from '../helpers/media.js';

const HDR10: Hdr10Metadata = {
  masteringDisplay: {
    red: { x: 0.68, y: 0.32 }, green: { x: 0.265, y: 0.69 }, blue: { x: 0.15, y: 0.06 },
    whitePoint: { x: 0.3127, y: 0.329 }, minLuminance: 0.005, maxLuminance: 1000,
  },
  contentLightLevel: { maxCll: 812, maxFall: 134 },
};

const { dir, cleanup } = tempDir();
const source = join(dir, 'source-pq.mkv');
const sideStreams = join(dir, 'side.mkv');

async function readAll(file: string, format: 'yuv420p' | 'yuv420p10le' = 'yuv420p10le'): Promise<Frame[]> {
  const frames: Frame[] = [];
  for await (const f of await FrameReader.open(file, { format })) frames.push(f);
  return frames;
}

/** Files in the test directory that look like our temporaries. */
const temps = (): string[] => readdirSync(dir).filter((f) => f.includes(TEMP_MARK));

beforeAll(async () => {
  // A lossless 10-bit PQ source: what it decodes to is exactly what a second lossless pass must give back.
  await ffmpeg([
    '-f', 'lavfi', '-i', 'testsrc2=s=192x108:r=24:d=0.5', '-pix_fmt', 'yuv420p10le',
    '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'lossless=1:log-level=error',
    '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', source,
  ]);
  const srt = join(dir, 'subs.srt');
  writeFileSync(srt, '1\n00:00:00,000 --> 00:00:00,400\nhello\n');
  const chapters = join(dir, 'chapters.txt');
  writeFileSync(chapters, ';FFMETADATA1\ntitle=side\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=250\ntitle=one\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=250\nEND=500\ntitle=two\n');
  await ffmpeg([
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.5', '-i', srt, '-i', chapters,
    '-map', '0:a', '-map', '1:s', '-map_metadata', '2', '-map_chapters', '2', '-c:a', 'aac', '-c:s', 'srt', sideStreams,
  ]);
});
afterAll(cleanup);

describe('FrameWriter', () => {
  it('re-encodes 10-bit PQ losslessly: bit-exact frames, colour tags and HDR10 metadata kept', async () => {
    const original = await readAll(source);
    expect(original).toHaveLength(12);
    const output = join(dir, 'lossless.mkv');
    const w = await FrameWriter.open({
      output, width: 192, height: 108, format: 'yuv420p10le', frameRate: 24,
      encoder: { codec: 'libx265', pixelFormat: 'yuv420p10le', lossless: true, preset: 'ultrafast' },
      color: HDR10_PQ, hdr10: HDR10,
    });
    for (const f of original) await w.write(f.data);
    const done = await w.finish();
    expect(done.frames).toBe(12);
    expect(done.bytes).toBeGreaterThan(0);

    const again = await readAll(output);
    expect(again).toHaveLength(original.length);
    again.forEach((f, i) => expect(Buffer.compare(f.data, original[i]!.data), `frame ${i}`).toBe(0));

    const info = await probe(output);
    expect(info.video).toMatchObject({
      bitDepth: 10, chromaSubsampling: '420', dynamicRange: 'pq', frameCount: 12,
      color: { primaries: 'bt2020', transfer: 'smpte2084', matrix: 'bt2020nc', range: 'limited' },
    });
    expect(info.video!.hdr10.contentLightLevel).toEqual({ maxCll: 812, maxFall: 134 });
    const m = info.video!.hdr10.masteringDisplay!;
    expect(m.maxLuminance).toBe(1000);
    expect(m.minLuminance).toBeCloseTo(0.005, 6);
    expect(m.green).toEqual({ x: 0.265, y: 0.69 });
    expect(m.whitePoint).toEqual({ x: 0.3127, y: 0.329 });
    expect(temps()).toEqual([]);
  });

  it('copies audio, subtitles and chapters from a source file unchanged', async () => {
    const output = join(dir, 'with-streams.mkv');
    const w = await FrameWriter.open({
      output, width: 64, height: 36, format: 'yuv420p', frameRate: 24,
      encoder: { codec: 'libx264', pixelFormat: 'yuv420p', crf: 30, preset: 'ultrafast' },
      color: SDR_BT709, copyStreamsFrom: sideStreams,
    });
    const frame = new Uint8Array(w.frameBytes).fill(128);
    for (let i = 0; i < 12; i++) await w.write(frame);
    await w.finish();
    const [info, side] = await Promise.all([probe(output), probe(sideStreams)]);
    expect(info.audio).toEqual(side.audio.map((a) => ({ ...a, index: expect.any(Number) })));
    expect(info.audio[0]).toMatchObject({ codec: 'aac', sampleRate: 44100 });
    expect(info.subtitles.map((s) => s.codec)).toEqual(['subrip']);
    expect(info.chapters).toBe(2);
    expect(info.video!.color).toMatchObject({ primaries: 'bt709', transfer: 'bt709', matrix: 'bt709' });
  });

  it('reports frames as the encoder writes them, behind those handed to it (x264 holds a look-ahead)', async () => {
    const output = join(dir, 'reported.mkv');
    const reports: { encoded: number; handed: number }[] = [];
    const w: FrameWriter = await FrameWriter.open({
      output, width: 64, height: 36, format: 'yuv420p', frameRate: 24,
      encoder: { codec: 'libx264', pixelFormat: 'yuv420p', crf: 30, preset: 'medium' },
      color: SDR_BT709, copyStreamsFrom: sideStreams,
      onEncoded: (encoded) => reports.push({ encoded, handed: w.framesWritten }),
    });
    expect(w.child.command).toContain('-progress pipe:3');
    const frame = new Uint8Array(w.frameBytes);
    // Frames go in slowly until ffmpeg's twice-a-second report has come, then ten more.
    let n = 0;
    for (let stopAt = 3000; n < stopAt; n++) {
      if (reports.length && stopAt === 3000) stopAt = n + 10;
      await w.write(frame.fill((n * 7) % 256));
      await new Promise((r) => setTimeout(r, 10));
    }
    await w.finish();
    expect(reports.at(-1)).toEqual({ encoded: n, handed: n });
    const during = reports.filter((r) => r.handed < n);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((r) => r.encoded < r.handed)).toBe(true);
    expect(reports.every((r, i) => i === 0 || r.encoded >= reports[i - 1]!.encoded)).toBe(true);
  });

  it('writes MP4 with its index at the front unless faststart is off (an intermediate that is remuxed)', async () => {
    const write = async (output: string, faststart?: boolean): Promise<void> => {
      const w = await FrameWriter.open({
        output, width: 64, height: 36, format: 'yuv420p', frameRate: 24,
        encoder: { codec: 'libx264', pixelFormat: 'yuv420p', crf: 30, preset: 'ultrafast' },
        color: SDR_BT709, ...(faststart === undefined ? {} : { faststart }),
      });
      const frame = new Uint8Array(w.frameBytes);
      for (let n = 0; n < 12; n++) await w.write(frame.fill(n * 20));
      await w.finish();
    };
    const order = (file: string): string[] => topLevelBoxes(file).filter((b) => b === 'moov' || b === 'mdat');
    await write(join(dir, 'front.mp4'));
    await write(join(dir, 'back.mp4'), false);
    expect(order(join(dir, 'front.mp4'))).toEqual(['moov', 'mdat']);
    expect(order(join(dir, 'back.mp4'))).toEqual(['mdat', 'moov']);
    expect((await readAll(join(dir, 'back.mp4'), 'yuv420p')).length).toBe(12);
  });

  it('fails with the error of an onEncoded listener that throws: no file, no process', async () => {
    const output = join(dir, 'listener-throws.mkv');
    const w = await FrameWriter.open({
      output, width: 64, height: 36, format: 'yuv420p', frameRate: 24,
      encoder: { codec: 'libx264', pixelFormat: 'yuv420p', crf: 30, preset: 'ultrafast' },
      color: SDR_BT709,
      onEncoded: () => {
        throw new Error('listener broke');
      },
    });
    const frame = new Uint8Array(w.frameBytes);
    const run = async (): Promise<void> => {
      for (let i = 0; i < 3000; i++) {
        await w.write(frame);
        await new Promise((r) => setTimeout(r, 10));
      }
      await w.finish();
    };
    await expect(run()).rejects.toThrow('listener broke');
    expect(w.framesWritten).toBeLessThan(3000); // stopped at the first report, not at finish()
    expect(existsSync(output)).toBe(false);
    expect(temps()).toEqual([]);
    expect(liveChildCount()).toBe(0);
  });

  it('turns an ffmpeg failure into FfmpegError with the command line and stderr, leaving no file', async () => {
    const output = join(dir, 'bad-param.mkv');
    const w = await FrameWriter.open({
      output, width: 64, height: 36, format: 'yuv420p', frameRate: 24,
      // A CTU size x265 does not have: ffmpeg starts, then x265 refuses to open.
      encoder: { codec: 'libx265', pixelFormat: 'yuv420p', crf: 28, params: { ctu: 7 } },
      color: SDR_BT709,
    });
    const frame = new Uint8Array(w.frameBytes);
    const err = await (async () => {
      for (let i = 0; i < 200; i++) await w.write(frame);
      await w.finish();
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegError);
    const fe = err as FfmpegError;
    expect(fe.message).toMatch(/^encoding .*bad-param\.mkv: ffmpeg exited with code \d+/);
    expect(fe.command).toContain('ctu=7');
    expect(fe.stderrTail).toMatch(/max cu size must be 16, 32, or 64/);
    expect(existsSync(output)).toBe(false);
    expect(temps()).toEqual([]);
    expect(liveChildCount()).toBe(0);
  });

  it('refuses a speed preset the encoder does not have before starting ffmpeg', async () => {
    const output = join(dir, 'bad-preset.mkv');
    await expect(FrameWriter.open({
      output, width: 64, height: 36, format: 'yuv420p', frameRate: 24,
      encoder: { codec: 'libx265', pixelFormat: 'yuv420p', crf: 28, preset: 'no-such-preset' },
      color: SDR_BT709,
    })).rejects.toThrow(/encoder\.preset "no-such-preset": libx265 takes one of ultrafast/);
    expect(existsSync(output)).toBe(false);
    expect(temps()).toEqual([]);
    expect(liveChildCount()).toBe(0);
  });

  it('survives ffmpeg being killed mid-run: rejects, no output, no temp file, no process', async () => {
    const output = join(dir, 'killed.mkv');
    const w = await FrameWriter.open({
      output, width: 64, height: 36, format: 'yuv420p', frameRate: 24,
      encoder: { codec: 'libx264', pixelFormat: 'yuv420p', crf: 30, preset: 'ultrafast' }, color: SDR_BT709,
    });
    const frame = new Uint8Array(w.frameBytes);
    await w.write(frame);
    w.child.process.kill('SIGKILL');
    const err = await (async () => {
      for (let i = 0; i < 10_000; i++) await w.write(frame);
      await w.finish();
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegError);
    expect((err as FfmpegError).message).toMatch(/killed by SIGKILL/);
    expect(existsSync(output)).toBe(false);
    expect(temps()).toEqual([]);
    expect(processesMentioning(w.tempPath)).toEqual([]);
  });

  it('abort() and an aborted signal leave no file and no process', async () => {
    const output = join(dir, 'aborted.mkv');
    const controller = new AbortController();
    const w = await FrameWriter.open({
      output, width: 64, height: 36, format: 'yuv420p', frameRate: 24, signal: controller.signal,
      encoder: { codec: 'libx264', pixelFormat: 'yuv420p', crf: 30, preset: 'ultrafast' }, color: SDR_BT709,
    });
    const frame = new Uint8Array(w.frameBytes);
    for (let i = 0; i < 5; i++) await w.write(frame);
    controller.abort();
    const err = await (async () => {
      for (let i = 0; i < 10_000; i++) await w.write(frame);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CanceledError);
    await w.abort();
    expect(existsSync(output)).toBe(false);
    expect(temps()).toEqual([]);
    expect(processesMentioning(w.tempPath)).toEqual([]);
  });

  it('keeps the previous output untouched when a run fails', async () => {
    const output = join(dir, 'existing.mkv');
    writeFileSync(output, 'previous result');
    const w = await FrameWriter.open({
      output, width: 64, height: 36, format: 'yuv420p', frameRate: 24,
      encoder: { codec: 'libx264', pixelFormat: 'yuv420p', crf: 30, preset: 'ultrafast' }, color: SDR_BT709,
    });
    await w.write(new Uint8Array(w.frameBytes));
    await w.abort();
    expect(readdirSync(dir)).toContain('existing.mkv');
    expect(temps()).toEqual([]);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(output, 'utf8')).toBe('previous result');
  });

  it('refuses odd 4:2:0 dimensions, unwritable outputs and output == input before starting ffmpeg', async () => {
    const base = {
      frameRate: 24, format: 'yuv420p' as const, color: SDR_BT709,
      encoder: { codec: 'libx264' as const, pixelFormat: 'yuv420p' as const, crf: 30 },
    };
    await expect(FrameWriter.open({ ...base, output: join(dir, 'odd.mkv'), width: 641, height: 361 })).rejects.toThrow(
      new InputError(join(dir, 'odd.mkv'), '641x361 has an odd dimension; 4:2:0 needs even width and height — crop or pad to 640x360'),
    );
    await expect(FrameWriter.open({ ...base, output: join(dir, 'no-such-dir', 'x.mkv'), width: 64, height: 36 })).rejects.toThrow(
      /x\.mkv: cannot write: directory .*no-such-dir does not exist/,
    );
    await expect(
      FrameWriter.open({ ...base, output: source, copyStreamsFrom: source, width: 64, height: 36 }),
    ).rejects.toThrow(/output path is the same as the input/);
    await expect(
      FrameWriter.open({ ...base, output: join(dir, 'x.mkv'), width: 64, height: 36, encoder: { ...base.encoder, crf: 99 } }),
    ).rejects.toThrow(new RangeError('encoder.crf must be a number in [0, 51], got 99'));
    expect(liveChildCount()).toBe(0);
  });

  it('rejects a frame of the wrong size with the sizes named', async () => {
    const w = await FrameWriter.open({
      output: join(dir, 'size.mkv'), width: 64, height: 36, format: 'yuv420p', frameRate: 24,
      encoder: { codec: 'libx264', pixelFormat: 'yuv420p', crf: 30, preset: 'ultrafast' }, color: SDR_BT709,
    });
    await expect(w.write(new Uint8Array(10))).rejects.toThrow(/a frame must be 3456 bytes, got 10/);
    await w.abort();
    expect(temps()).toEqual([]);
  });
});
