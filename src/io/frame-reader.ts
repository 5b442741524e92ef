import type { Readable } from 'node:stream';
import { binaries, ffmpegCapabilities } from './ffmpeg-binaries.js';
import { readExr } from './exr.js';
import type { BufferPool } from './buffer-pool.js';
import { ManagedChild } from './child-process.js';
import { CanceledError, InputError, MissingCapabilityError, toCanceledError } from './errors.js';
import { log } from './log.js';
import { frameByteLength, planeViews, planarFormat, type PlanarFormat, type Plane } from './pixel-format.js';
import { probe, type MediaInfo, type VideoStream } from './probe.js';

/** One decoded frame: planes are views over `data`, which the consumer owns. */
export type Frame = {
  index: number;
  /** Presentation time in seconds from the stream start. */
  pts: number;
  width: number;
  height: number;
  format: PlanarFormat;
  data: Uint8Array;
  planes: Plane[];
};

export type FrameSource =
  | string
  /** A byte stream fed to ffmpeg's stdin (e.g. a zip entry); needs width/height/frameRate given. */
  | { stream: Readable; label: string };

export type FrameReaderOptions = {
  /** Pixel format to deliver, e.g. 'yuv420p10le'. Conversions happen in ffmpeg. */
  format: PlanarFormat;
  /** Output size; defaults to the source's (probed). */
  width?: number;
  height?: number;
  /** Frame rate of the frames' pts; defaults to the probed (nominal) one. */
  frameRate?: number;
  /**
   * Frames the caller expects (e.g. from probe); a different count received is an error. Not
   * checked for a variable-rate source, whose frames are resampled (see framesToRead).
   */
  expectedFrames?: number | null;
  /** Stop after this many frames. */
  maxFrames?: number;
  /** Extra ffmpeg input options placed before -i (e.g. ['-framerate', '24'] for image sequences). */
  inputArgs?: string[];
  /** A filter chain run before the pixel format conversion (e.g. 'scale=640:-2'). */
  videoFilter?: string;
  /**
   * Keep decoding through bitstream errors (ffmpeg conceals them) instead of failing. Off by
   * default: a corrupt input should stop the job, not leave glitches in its output.
   */
  tolerateErrors?: boolean;
  /** Where frame buffers come from; give consumed frames' `data` back to it to reuse them. */
  pool?: BufferPool;
  /** The source's probe result when the caller already has it (saves probing again). */
  info?: MediaInfo;
  signal?: AbortSignal;
};

type Resolved = Required<Pick<FrameReaderOptions, 'format' | 'width' | 'height' | 'frameRate'>> & {
  label: string;
  /** A variable-rate source, read at a constant rate: ffmpeg's `-r` value (the nominal rate). */
  resampleTo: string | null;
  scale: boolean;
  /** Decode in JS (parse-exr): float EXR frames from an ffmpeg that cannot output gbrpf32le. */
  exrInJs: boolean;
  /** Interlaced source: the field shown first. */
  deinterlace: 'tff' | 'bff' | null;
};

/**
 * Decodes a video (or image / image sequence) into compact planar frames through one ffmpeg
 * child. Iterate it with `for await`; the decoder is paused while the consumer is behind (the
 * pipe fills and ffmpeg blocks), so memory stays flat. Breaking out of the loop or aborting the
 * signal stops ffmpeg; the iterator only finishes once the child has exited.
 *
 * @example
 * const reader = await FrameReader.open('in.mkv', { format: 'yuv420p10le' });
 * for await (const frame of reader) console.log(frame.index, frame.pts, frame.planes[0].length);
 */
export class FrameReader implements AsyncIterable<Frame> {
  readonly source: FrameSource;
  readonly format: PlanarFormat;
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  readonly frameBytes: number;
  readonly #options: FrameReaderOptions;
  readonly #label: string;
  readonly #resampleTo: string | null;
  readonly #scale: boolean;
  readonly #exrInJs: boolean;
  readonly #deinterlace: 'tff' | 'bff' | null;
  #started = false;
  #child: ManagedChild | undefined;

  private constructor(source: FrameSource, options: FrameReaderOptions, resolved: Resolved) {
    this.source = source;
    this.#options = options;
    this.format = resolved.format;
    this.width = resolved.width;
    this.height = resolved.height;
    this.frameRate = resolved.frameRate;
    this.#label = resolved.label;
    this.#resampleTo = resolved.resampleTo;
    this.#scale = resolved.scale;
    this.#exrInJs = resolved.exrInJs;
    this.#deinterlace = resolved.deinterlace;
    this.frameBytes = frameByteLength(this.format, this.width, this.height);
  }

  /** Open a reader; probes the source for whatever size/rate the options leave out. */
  static async open(source: FrameSource, options: FrameReaderOptions): Promise<FrameReader> {
    planarFormat(options.format); // validates the name
    const label = typeof source === 'string' ? source : source.label;
    let { width, height, frameRate } = options;
    let resampleTo: string | null = null;
    let scale = false;
    let deinterlace: 'tff' | 'bff' | null = null;
    if (typeof source === 'string') {
      const info = options.info ?? (await probe(source, { countFrames: false, ...(options.signal ? { signal: options.signal } : {}) }));
      if (!info.video) throw new InputError(source, 'has no video stream');
      width ??= info.video.width;
      height ??= info.video.height;
      frameRate ??= info.video.frameRate || 25;
      scale = width !== info.video.width || height !== info.video.height;
      if (info.video.variableFrameRate) {
        const { num, den } = info.video.frameRateRational;
        resampleTo = num > 0 && den > 0 ? `${num}/${den}` : String(frameRate);
      }
      deinterlace = info.video.fieldOrder;
    }
    if (width === undefined || height === undefined || frameRate === undefined) {
      throw new TypeError(`${label}: width, height and frameRate are required when reading from a stream`);
    }
    for (const [k, v] of [['width', width], ['height', height]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`options.${k} must be a positive integer, got ${v}`);
    }
    const caps = typeof source === 'string' && /\.exr$/i.test(source) && options.format === 'gbrpf32le' ? await ffmpegCapabilities() : null;
    const exrInJs = caps !== null && !caps.pixelFormats.has('gbrpf32le');
    if (exrInJs && (scale || options.videoFilter)) {
      throw new MissingCapabilityError(
        `${label}: the ffmpeg found (${caps.version}) cannot output float frames, so EXR is decoded in JS, which does not scale or filter — set FFMPEG_PATH to ffmpeg >= 5`,
      );
    }
    return new FrameReader(source, options, { format: options.format, width, height, frameRate, label, resampleTo, scale, exrInJs, deinterlace });
  }

  #args(): string[] {
    const o = this.#options;
    const input = typeof this.source === 'string' ? this.source : 'pipe:0';
    // Scale only on request: an unneeded swscale pass costs time and may touch colour.
    // Interlaced video: every frame's two fields made one progressive frame (bwdif, frame for
    // frame), before any per-pixel work mixes lines of different instants.
    const bwdif = this.#deinterlace ? `bwdif=mode=send_frame:parity=${this.#deinterlace}:deint=all` : '';
    const filters = [bwdif, o.videoFilter, this.#scale ? `scale=${this.width}:${this.height}` : ''].filter(Boolean).join(',');
    return [
      '-hide_banner',
      '-nostats',
      '-loglevel', 'error',
      ...(typeof this.source === 'string' ? ['-nostdin'] : []),
      // Exit on the first decoding error: ffmpeg otherwise conceals it and exits 0.
      ...(o.tolerateErrors ? [] : ['-xerror']),
      ...(o.inputArgs ?? []),
      '-i', input,
      '-map', '0:v:0',
      ...(filters ? ['-vf', filters] : []),
      // Frames as decoded, none repeated or dropped; but a variable rate becomes the nominal
      // constant one (a frame repeated across a gap, dropped where frames crowd), as every
      // writer stamps frames at a constant rate: so sound stays in sync, and every reader of
      // the file gets the same frames.
      ...(this.#resampleTo ? ['-vsync', 'cfr', '-r', this.#resampleTo] : ['-vsync', 'passthrough']),
      ...(o.maxFrames !== undefined ? ['-frames:v', String(o.maxFrames)] : []),
      '-f', 'rawvideo',
      '-pix_fmt', this.format,
      'pipe:1',
    ];
  }

  /** The ffmpeg process (for tests and diagnostics); undefined before iteration starts. */
  get child(): ManagedChild | undefined {
    return this.#child;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Frame, void, undefined> {
    if (this.#started) throw new Error(`${this.#label}: a FrameReader can be iterated once`);
    this.#started = true;
    if (this.#exrInJs) {
      yield await this.#exrFrame();
      return;
    }
    const signal = this.#options.signal;
    const stdinSource = typeof this.source === 'string' ? undefined : this.source.stream;
    const child = new ManagedChild(binaries().ffmpeg.path, this.#args(), {
      label: `decoding ${this.#label}`,
      signal,
      stdio: [stdinSource ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      onStderr: log.childStderr,
    });
    this.#child = child;
    log.command(child.command);
    if (child.exited) await child.done; // aborted before start: throws CanceledError
    if (stdinSource && child.process.stdin) {
      const stdin = child.process.stdin;
      stdin.on('error', () => {}); // EPIPE when ffmpeg stops early; its exit status tells the story
      stdinSource.on('error', (err) => child.stop(new InputError(this.#label, `read failed: ${err.message}`, { cause: err })));
      stdinSource.pipe(stdin);
    }

    const frameBytes = this.frameBytes;
    let index = 0;
    const pool = this.#options.pool;
    const take = (): Uint8Array => (pool ? pool.take(frameBytes) : new Uint8Array(frameBytes));
    let frame = take();
    let filled = 0;
    let finished = false;
    try {
      for await (const chunk of child.process.stdout! as AsyncIterable<Buffer>) {
        let offset = 0;
        while (offset < chunk.length) {
          const n = Math.min(chunk.length - offset, frameBytes - filled);
          frame.set(chunk.subarray(offset, offset + n), filled);
          filled += n;
          offset += n;
          if (filled === frameBytes) {
            yield this.#frame(index++, frame);
            frame = take();
            filled = 0;
          }
        }
      }
      await child.done;
      finished = true;
    } catch (err) {
      if (signal?.aborted) throw toCanceledError(signal);
      // The stream ended because the child died: its exit status is the better error.
      await child.done;
      throw err;
    } finally {
      if (!finished) {
        child.stop(new CanceledError(`${this.#label}: reading stopped early`));
        await child.done.catch(() => {});
      }
    }
    if (filled !== 0) {
      throw new InputError(this.#label, `decoder output ended mid-frame (${filled} of ${frameBytes} bytes)`);
    }
    const expected = this.#resampleTo ? null : this.#options.expectedFrames;
    const limit = this.#options.maxFrames;
    if (expected !== undefined && expected !== null && index !== expected && !(limit !== undefined && index === limit)) {
      throw new InputError(
        this.#label,
        `decoded ${index} frames but the file promised ${expected} — it is truncated or corrupt`,
      );
    }
  }

  /** One gbrpf32le frame (planes G, B, R as ffmpeg orders them) decoded by parse-exr. */
  async #exrFrame(): Promise<Frame> {
    if (this.#options.signal?.aborted) throw toCanceledError(this.#options.signal);
    const img = await readExr(this.source as string);
    const data = new Uint8Array(this.frameBytes);
    const n = this.width * this.height;
    const planes = new Float32Array(data.buffer, 0, 3 * n);
    planes.set(img.g, 0);
    planes.set(img.b, n);
    planes.set(img.r, 2 * n);
    return this.#frame(0, data);
  }

  #frame(index: number, data: Uint8Array): Frame {
    return {
      index,
      pts: index / this.frameRate,
      width: this.width,
      height: this.height,
      format: this.format,
      data,
      planes: planeViews(this.format, this.width, this.height, data),
    };
  }
}

/**
 * How many frames a FrameReader of this stream delivers: its frame count, or null (not known
 * before decoding) for a variable rate, which it reads resampled to the nominal rate.
 */
export function framesToRead(v: Pick<VideoStream, 'frameCount' | 'variableFrameRate'>): number | null {
  return v.variableFrameRate ? null : v.frameCount;
}

/** Tell the user a job reads `v` resampled (a variable rate); nothing for a constant one. */
export function warnIfResampled(file: string, v: Pick<VideoStream, 'variableFrameRate' | 'frameRate'>): void {
  if (!v.variableFrameRate) return;
  log.warn(`${file}: variable frame rate: read at a constant ${Number(v.frameRate.toFixed(3))} fps, a frame repeated across gaps and dropped where frames crowd, so the sound stays in sync`);
}
