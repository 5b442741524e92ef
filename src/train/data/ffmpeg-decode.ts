// SDR images and video frames decoded by ffmpeg into 8-bit RGB planes. One ffmpeg child per
// file writes PPM frames (their headers carry the size, so no probe is needed for stills) to a
// pipe; the output is small because ffmpeg downscales to maxSide first.

import { Readable } from 'node:stream';
import { FfmpegError, InputError, ManagedChild, binaries, log, probe } from '../../io/index.js';
import type { Planes } from './planes.js';

export type DecodeInput = { path: string; label: string } | { bytes: Buffer; label: string };

/** Splits concatenated binary PPM (P6, maxval 255) frames into planes. */
export function parsePpmFrames(buf: Buffer, label: string): Planes<Uint8Array>[] {
  const frames: Planes<Uint8Array>[] = [];
  let o = 0;
  const token = (): string => {
    while (o < buf.length && (buf[o] === 0x20 || buf[o] === 0x0a || buf[o] === 0x0d || buf[o] === 0x09)) o++;
    const s = o;
    while (o < buf.length && !(buf[o] === 0x20 || buf[o] === 0x0a || buf[o] === 0x0d || buf[o] === 0x09)) o++;
    return buf.toString('latin1', s, o);
  };
  while (o < buf.length) {
    if (token() !== 'P6') throw new InputError(label, 'the decoder produced no usable picture (bad PPM stream)');
    const width = Number(token());
    const height = Number(token());
    const maxval = Number(token());
    o++;
    if (!(width > 0 && height > 0) || maxval !== 255) throw new InputError(label, `the decoder produced a ${width}x${height} PPM with maxval ${maxval}`);
    const n = width * height;
    if (buf.length - o < 3 * n) throw new InputError(label, 'the decoder output ended mid-picture');
    const r = new Uint8Array(n);
    const g = new Uint8Array(n);
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      r[i] = buf[o + 3 * i]!;
      g[i] = buf[o + 3 * i + 1]!;
      b[i] = buf[o + 3 * i + 2]!;
    }
    o += 3 * n;
    frames.push({ width, height, r, g, b });
    while (o < buf.length && (buf[o] === 0x0a || buf[o] === 0x20)) o++;
  }
  return frames;
}

/**
 * Decodes an image, or `frames` evenly spaced frames of a video, to 8-bit R'G'B' (ffmpeg's
 * rgb24: full range, the file's own transfer), downscaled (area) to fit `maxSide`.
 */
export async function decodeRgb24(
  input: DecodeInput,
  opts: { maxSide: number; frames?: number; signal?: AbortSignal | undefined },
): Promise<Planes<Uint8Array>[]> {
  const m = opts.maxSide;
  const filters: string[] = [];
  if (opts.frames !== undefined && 'path' in input) {
    // Every k-th frame, k from the probed frame count (or duration x rate).
    const info = await probe(input.path, { countFrames: false, ...(opts.signal ? { signal: opts.signal } : {}) }).catch((err: unknown) => {
      throw new InputError(input.label, `not a readable video (${(err as Error).message.split('\n')[0]})`, { cause: err });
    });
    const v = info.video;
    if (!v) throw new InputError(input.label, 'has no video stream');
    const count = v.frameCount ?? v.durationFrames ?? Math.round((v.duration ?? info.duration ?? 1) * (v.frameRate || 25));
    const k = Math.max(1, Math.floor(count / opts.frames));
    filters.push(`select=not(mod(n\\,${k}))`);
  }
  filters.push(`scale=w='min(iw,${m})':h='min(ih,${m})':force_original_aspect_ratio=decrease:flags=area`);
  const args = [
    '-hide_banner', '-loglevel', 'error',
    ...('path' in input ? ['-nostdin', '-i', input.path] : ['-i', 'pipe:0']),
    '-map', '0:v:0',
    '-vf', filters.join(','),
    // Frames as decoded: no duplicates for the select filter's gaps.
    '-vsync', 'passthrough',
    ...(opts.frames !== undefined ? ['-frames:v', String(opts.frames)] : ['-frames:v', '1']),
    '-pix_fmt', 'rgb24',
    '-f', 'image2pipe', '-vcodec', 'ppm',
    'pipe:1',
  ];
  const child = new ManagedChild(binaries().ffmpeg.path, args, {
    label: `decoding ${input.label}`,
    signal: opts.signal,
    stdio: ['bytes' in input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  log.command(child.command);
  if ('bytes' in input && child.process?.stdin) {
    const stdin = child.process.stdin;
    stdin.on('error', () => {}); // ffmpeg may stop reading early; its exit status tells
    Readable.from([input.bytes]).pipe(stdin);
  }
  const chunks: Buffer[] = [];
  child.process?.stdout?.on('data', (c: Buffer) => chunks.push(c));
  try {
    await child.done;
  } catch (err) {
    if (err instanceof FfmpegError) {
      const why = err.stderrTail.trim().split('\n').filter(Boolean).pop() ?? `exit ${err.exitCode_}`;
      throw new InputError(input.label, `cannot be decoded (${why})`, { cause: err });
    }
    throw err;
  }
  const frames = parsePpmFrames(Buffer.concat(chunks), input.label);
  if (frames.length === 0) throw new InputError(input.label, 'decoded to no picture');
  return frames;
}
