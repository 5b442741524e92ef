import type { Readable, Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { binaries, requireEncoder } from './ffmpeg-binaries.js';
import { ManagedChild } from './child-process.js';
import { CanceledError, DuhdrError, InputError, toCanceledError } from './errors.js';
import { log } from './log.js';
import { followProgressReport } from './progress-report.js';
import { frameByteLength, planarFormat, type PlanarFormat } from './pixel-format.js';
import { probeStreamLayout, type Hdr10Metadata, type Rational, type StreamLayout } from './probe.js';
import { checkWritableOutput, commitTemp, discardTemp, tempPathFor } from './atomic-output.js';
import { videoEncoderArgs, type ColorTags, type EncoderSettings } from './encoder-args.js';

export type Attachment = { path: string; filename: string; mimetype: string };

export type FrameWriterOptions = {
  /** A file path, or `-` for standard output (a stream for a player: Matroska unless `container` says otherwise). */
  output: string;
  width: number;
  height: number;
  /** Planar format of the frames handed to write(). */
  format: PlanarFormat;
  frameRate: number | Rational;
  encoder: EncoderSettings;
  color: ColorTags;
  /** HDR10 static metadata written as SEI (x265) — mastering display and MaxCLL/MaxFALL. */
  hdr10?: Hdr10Metadata | null;
  /**
   * Copy audio, subtitles, chapters and global tags from this file, unchanged — or from a byte
   * stream of such a file (e.g. a bundle's zip entry), fed to ffmpeg on a third pipe.
   */
  copyStreamsFrom?: string | { stream: Readable; label: string; layout: StreamLayout };
  /** The stream layout of a `copyStreamsFrom` file when the caller already probed it. */
  copyLayout?: StreamLayout;
  /** How messages name the output (default `output`): a job writing to an intermediate file names the final one. */
  displayName?: string;
  /** Files attached to the container (Matroska only), e.g. duhdr's manifest. */
  attachments?: Attachment[];
  /** Global container tags. */
  metadata?: Record<string, string>;
  /** Force the container (ffmpeg muxer name); by default chosen from the output's extension. */
  container?: string;
  /**
   * MP4/MOV: move the index to the front once the video is written (default true). A second
   * pass over the whole file, wasted when the file is only an intermediate that is remuxed.
   */
  faststart?: boolean;
  /**
   * Called as the encoder writes frames out, with how many it has written (from ffmpeg's
   * `-progress` report, about twice a second, and once more with all of them at the end).
   * Frames handed to write() are not written yet: x264 and x265 hold dozens in their look-ahead.
   */
  onEncoded?: (frames: number) => void;
  signal?: AbortSignal;
};

/** The output name meaning standard output. */
export const STDOUT = '-';
const MATROSKA = /\.(mkv|mka|webm)$/i;
/** Subtitle codecs each container takes as a stream copy. */
const MATROSKA_SUBTITLES = new Set(['subrip', 'srt', 'ass', 'ssa', 'webvtt', 'dvd_subtitle', 'hdmv_pgs_subtitle', 'dvb_subtitle']);
const MP4_SUBTITLES = new Set(['mov_text']);
/** Text subtitles, which ffmpeg converts between containers' own forms (ASS loses its styling in mov_text). */
const TEXT_SUBTITLES = new Set(['subrip', 'srt', 'ass', 'ssa', 'webvtt', 'mov_text']);
/**
 * Audio codecs MP4 and QuickTime take as a stream copy (measured with the npm ffmpeg, 4.x):
 * FLAC, Opus and TrueHD go into neither, ALAC and PCM only into .mov. Matroska takes them all.
 */
const MP4_AUDIO = new Set(['aac', 'mp3', 'mp2', 'ac3', 'eac3', 'dts', 'vorbis']);
const takesAudio = (output: string, codec: string): boolean =>
  MP4_AUDIO.has(codec) || (/\.mov$/i.test(output) && (codec === 'alac' || codec.startsWith('pcm_')));
/** The attachment duhdr's encoder adds (see pipeline/manifest-container.ts). */
export const MANIFEST_ATTACHMENT_NAME = 'duhdr-manifest.json';

/**
 * Encodes planar frames into a file through one ffmpeg child. `write()` resolves once ffmpeg
 * has taken the bytes (it waits for 'drain'), so a fast producer is held back by the encoder.
 * Output goes to a temporary file beside the target and is renamed only by a successful
 * `finish()`; `abort()` or any failure leaves no file and no process.
 *
 * @example
 * const w = await FrameWriter.open({ output: 'out.mkv', width, height, format: 'yuv420p',
 *   frameRate: 24, encoder: { codec: 'libx264', pixelFormat: 'yuv420p', crf: 20 }, color: SDR_BT709 });
 * for (const f of frames) await w.write(f.data);
 * await w.finish();
 */
export class FrameWriter {
  readonly output: string;
  readonly tempPath: string;
  readonly frameBytes: number;
  readonly #child: ManagedChild;
  readonly #label: string;
  readonly #onEncoded: ((frames: number) => void) | undefined;
  #framesWritten = 0;
  #state: 'open' | 'finishing' | 'done' | 'failed' = 'open';
  #failure: Promise<never>;

  private constructor(options: FrameWriterOptions, args: string[], temp: string) {
    this.output = options.output;
    this.tempPath = temp;
    this.frameBytes = frameByteLength(options.format, options.width, options.height);
    this.#label = options.output === STDOUT ? 'streaming to stdout' : `encoding ${options.displayName ?? options.output}`;
    this.#onEncoded = options.onEncoded;
    this.#child = new ManagedChild(binaries().ffmpeg.path, args, {
      label: this.#label,
      signal: options.signal,
      // For `-o -` ffmpeg writes straight into our stdout: no copy through this process.
      stdio: [
        'pipe',
        options.output === STDOUT ? 'inherit' : 'ignore',
        'pipe',
        ...(typeof options.copyStreamsFrom === 'object' ? (['pipe'] as const) : []),
        ...(options.onEncoded ? (['pipe'] as const) : []),
      ],
      onStderr: log.childStderr,
    });
    if (options.onEncoded) this.#followProgress(this.#child.process.stdio[progressFd(options)] as Readable, options.frameRate);
    log.command(this.#child.command);
    if (typeof options.copyStreamsFrom === 'object' && this.#child.process) {
      const { stream, label } = options.copyStreamsFrom;
      const pipe3 = this.#child.process.stdio[3] as Writable;
      pipe3.on('error', () => {}); // ffmpeg may stop reading once it has what it needs
      stream.on('error', (err) => this.#child.stop(new InputError(label, `read failed: ${err.message}`, { cause: err })));
      stream.pipe(pipe3);
    }
    this.#child.process?.stdin?.on('error', () => {}); // EPIPE if ffmpeg dies; done's rejection says why
    // Rejects as soon as ffmpeg exits before finish(): a write waiting on 'drain' must not hang.
    this.#failure = this.#child.done.then((): never => {
      throw new DuhdrError(`${this.#label}: ffmpeg exited before all frames were written`);
    });
    this.#failure.catch(() => {});
  }

  /**
   * Turns ffmpeg's `-progress` report into frames written. Its `out_time` is the end of what the
   * muxer has written (microseconds, whatever the key says: `out_time_ms` is µs in ffmpeg 4.x
   * and later too). With B-frames, packets arrive in decode order, so the count can run a few
   * frames ahead: it is capped at the frames handed over.
   */
  #followProgress(report: Readable, frameRate: number | Rational): void {
    const fps = typeof frameRate === 'number' ? frameRate : frameRate.num / frameRate.den;
    followProgressReport(report, this.#child, (key, value) => {
      if ((key !== 'out_time_us' && key !== 'out_time_ms') || !/^\d+$/.test(value)) return; // N/A before the first packet
      const frames = Math.floor((Number(value) / 1e6) * fps + 1e-6) + 1;
      this.#onEncoded!(Math.min(frames, this.#framesWritten));
    });
  }

  /** Validate options, check the output is writable, and start ffmpeg. */
  static async open(options: FrameWriterOptions): Promise<FrameWriter> {
    const { width, height } = options;
    if (!Number.isInteger(width) || width <= 0) throw new RangeError(`options.width must be a positive integer, got ${width}`);
    if (!Number.isInteger(height) || height <= 0) throw new RangeError(`options.height must be a positive integer, got ${height}`);
    planarFormat(options.format);
    const out = planarFormat(options.encoder.pixelFormat);
    if (out.subsampling === '420' && (width % 2 || height % 2)) {
      throw new InputError(options.output, `${width}x${height} has an odd dimension; 4:2:0 needs even width and height — crop or pad to ${width - (width % 2)}x${height - (height % 2)}`);
    }
    await requireEncoder(options.encoder.codec, `writing ${options.output}`);
    if (options.signal?.aborted) throw toCanceledError(options.signal);
    if (options.output === STDOUT) {
      // Frames stream to whoever reads our stdout (a player): nothing to write atomically.
      const args = await buildArgs({ ...options, container: options.container ?? 'matroska' }, 'pipe:1');
      return new FrameWriter(options, args, STDOUT);
    }
    await checkWritableOutput(options.output, typeof options.copyStreamsFrom === 'string' ? [options.copyStreamsFrom] : []);
    const temp = tempPathFor(options.output);
    const args = await buildArgs(options, temp);
    return new FrameWriter(options, args, temp);
  }

  get framesWritten(): number {
    return this.#framesWritten;
  }

  /** The ffmpeg child (tests, diagnostics). */
  get child(): ManagedChild {
    return this.#child;
  }

  /**
   * Write one frame (exactly `frameBytes` bytes, planes back to back). Resolves once ffmpeg's
   * pipe has taken every byte, so the buffer may be reused; waits while ffmpeg is behind.
   */
  async write(frame: Uint8Array): Promise<void> {
    if (this.#state !== 'open') throw new Error(`${this.#label}: write() after ${this.#state}`);
    if (frame.byteLength !== this.frameBytes) {
      throw new RangeError(`${this.#label}: a frame must be ${this.frameBytes} bytes, got ${frame.byteLength}`);
    }
    const stdin = this.#child.process.stdin!;
    try {
      // Resolve only once the bytes are in the pipe (the write callback), not merely queued: the
      // caller may then reuse the buffer for the next frame. Waiting also gives backpressure.
      // The callback runs once the chunk is flushed, or with an error if the pipe broke or was
      // destroyed, so it also covers what waiting for 'drain' would (and leaves no listeners).
      const written = new Promise<boolean>((resolve) => stdin.write(frame, (err) => resolve(!err)));
      await Promise.race([written, this.#failure]);
      if (stdin.destroyed) {
        // The pipe broke (EPIPE): ffmpeg is exiting. Give it a moment so its own exit status,
        // not our cleanup, is the error the caller sees.
        await Promise.race([this.#failure, delay(5000)]);
        throw new DuhdrError(`${this.#label}: ffmpeg closed its input`);
      }
    } catch (err) {
      await this.#fail();
      throw await this.#child.done.then(() => err, (childErr: unknown) => childErr);
    }
    this.#framesWritten++;
  }

  /** Close the stream, wait for ffmpeg, and move the file into place. */
  async finish(): Promise<{ output: string; frames: number; bytes: number }> {
    if (this.#state !== 'open') throw new Error(`${this.#label}: finish() after ${this.#state}`);
    this.#state = 'finishing';
    const stdin = this.#child.process.stdin!;
    stdin.end();
    try {
      await this.#child.done;
      if (this.#framesWritten === 0) throw new InputError(this.output, 'no frames were written');
      this.#onEncoded?.(this.#framesWritten);
      if (this.output === STDOUT) {
        this.#state = 'done';
        return { output: this.output, frames: this.#framesWritten, bytes: 0 };
      }
      const { size } = await stat(this.tempPath);
      await commitTemp(this.tempPath, this.output);
      this.#state = 'done';
      return { output: this.output, frames: this.#framesWritten, bytes: size };
    } catch (err) {
      await this.#fail();
      throw err;
    }
  }

  /** Stop ffmpeg and remove the temporary file. Safe to call at any time, more than once. */
  async abort(reason: Error = new CanceledError(`${this.#label}: aborted`)): Promise<void> {
    if (this.#state === 'done') return;
    this.#child.stop(reason);
    await this.#fail();
  }

  async #fail(): Promise<void> {
    this.#state = 'failed';
    this.#child.stop(new CanceledError(`${this.#label}: stopped after a failure`));
    await this.#child.done.catch(() => {});
    if (this.tempPath !== STDOUT) await discardTemp(this.tempPath);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.abort();
  }
}

/** The descriptor ffmpeg writes its `-progress` report to: the one after the copied streams' pipe. */
const progressFd = (o: FrameWriterOptions): number => (typeof o.copyStreamsFrom === 'object' ? 4 : 3);

async function buildArgs(o: FrameWriterOptions, temp: string): Promise<string[]> {
  const rate = typeof o.frameRate === 'number' ? String(o.frameRate) : `${o.frameRate.num}/${o.frameRate.den}`;
  const matroska = o.container ? /matroska|webm/.test(o.container) : MATROSKA.test(o.output);
  const args = [
    '-hide_banner', '-nostats', '-loglevel', 'error',
    ...(o.onEncoded ? ['-progress', `pipe:${progressFd(o)}`] : []),
    '-f', 'rawvideo', '-pix_fmt', o.format, '-video_size', `${o.width}x${o.height}`, '-framerate', rate,
    '-i', 'pipe:0',
  ];
  const maps = ['-map', '0:v:0'];
  const from = o.copyStreamsFrom;
  const name = o.displayName ?? o.output;
  let copiedAttachments = 0;
  if (from) {
    const layout = typeof from === 'string' ? (o.copyLayout ?? (await probeStreamLayout(from, o.signal))) : from.layout;
    args.push('-i', typeof from === 'string' ? from : 'pipe:3');
    // Streams are mapped one by one: only what the output container can hold. Audio is never
    // dropped: one the container cannot take stops the job here, before anything is written.
    const refused = matroska ? [] : layout.audio.filter((a) => !takesAudio(o.output, a.codec));
    if (refused.length) {
      const codecs = [...new Set(refused.map((a) => a.codec))].join(', ');
      throw new InputError(name, `the source's audio (${codecs}) cannot be copied into ${extname(o.output)} — use .mkv, which takes it`);
    }
    for (const a of layout.audio) maps.push('-map', `1:${a.index}`);
    // Subtitles the container takes are copied; text ones it does not are converted to its own
    // text form (SubRip in Matroska, mov_text in MP4); bitmap ones it does not are left out.
    // Read from a pipe, an MP4's chapter list looks like a mov_text track: only a file's converts.
    const allowed = matroska ? MATROSKA_SUBTITLES : MP4_SUBTITLES;
    const converts = (t: { codec: string }): boolean => TEXT_SUBTITLES.has(t.codec) && (typeof from === 'string' || t.codec !== 'mov_text');
    const dropped = layout.subtitles.filter((t) => !allowed.has(t.codec) && !converts(t));
    const converted: number[] = []; // indices among the output's subtitle streams
    layout.subtitles.filter((t) => !dropped.includes(t)).forEach((t, k) => {
      maps.push('-map', `1:${t.index}`);
      if (!allowed.has(t.codec)) converted.push(k);
    });
    if (dropped.length) {
      log.warn(`${name}: subtitles (${dropped.map((s) => s.codec).join(', ')}) cannot go into ${extname(o.output)}; ${matroska ? 'they are left out' : 'use .mkv to keep them'}`);
    }
    if (matroska) {
      // Fonts that ASS subtitles need, but never a duhdr manifest: it describes the source, not this output.
      const fonts = layout.attachments.filter((t) => t.filename !== MANIFEST_ATTACHMENT_NAME);
      for (const t of fonts) maps.push('-map', `1:${t.index}`);
      copiedAttachments = fonts.length;
    }
    maps.push('-map_chapters', '1', '-map_metadata', '1', '-c:a', 'copy', '-c:s', 'copy', '-c:t', 'copy');
    // After the copy above: the last option matching a stream wins.
    for (const k of converted) maps.push(`-c:s:${k}`, matroska ? 'srt' : 'mov_text');
    // Non-square pixels (anamorphic video): the frames keep the source's size, so its shape too.
    const sar = layout.video?.sampleAspectRatio;
    if (sar && sar.num !== sar.den) maps.push('-vf', `setsar=${sar.num}/${sar.den}`);
  }
  if (/\.(mp4|mov|m4v)$/i.test(o.output)) {
    // The index at the front: players start at once, and a pipe reader needs no seeking. A colr
    // box with the colour tags (ffmpeg before 4.4 writes none unless asked). HEVC as hvc1, the
    // sample entry Apple's players require; ffmpeg's default, hev1, they refuse.
    maps.push('-movflags', o.faststart === false ? '+write_colr' : '+faststart+write_colr');
    if (/265|hevc/i.test(o.encoder.codec)) maps.push('-tag:v', 'hvc1');
  }
  args.push(...maps, ...videoEncoderArgs(o.encoder, o.color, o.hdr10 ?? null));
  // Attachments come after the copied streams; tag them by their own index among -attach'd ones.
  (o.attachments ?? []).forEach((a, i) => {
    if (!matroska) throw new TypeError(`options.attachments need a Matroska output, got ${o.output}`);
    const t = copiedAttachments + i;
    args.push('-attach', a.path, `-metadata:s:t:${t}`, `mimetype=${a.mimetype}`, `-metadata:s:t:${t}`, `filename=${a.filename}`);
  });
  for (const [k, v] of Object.entries(o.metadata ?? {})) args.push('-metadata', `${k}=${v}`);
  if (o.container) args.push('-f', o.container);
  args.push(...(temp === STDOUT || temp === 'pipe:1' ? [] : ['-y']), temp);
  return args;
}
