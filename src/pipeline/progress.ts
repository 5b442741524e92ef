/** Progress of a long job, emitted as work goes (the CLI draws it; --json prints it). */
export type Progress = {
  /** What is running, e.g. 'transcode'. */
  stage: string;
  /**
   * Frames done: for video output, frames the encoder has written to the file (ffmpeg reports
   * them); otherwise frames handed to the output.
   */
  frames: number;
  /**
   * Frames handed to the video encoder so far, when it reports its own count in `frames`: x264
   * and x265 hold a look-ahead of dozens of frames, so this runs ahead of `frames`.
   */
  sent?: number;
  /** Frames expected in all, when known. */
  totalFrames: number | null;
  /** Seconds since the job started. */
  elapsed: number;
  /** Frames done per second so far. */
  fps: number;
  /** Seconds left at the speed of the last few seconds, when the total is known and frames are moving. */
  eta: number | null;
  /** The stage that has cost the most waiting so far: where speed is lost. */
  slowest: 'decode' | 'model' | 'encode' | null;
  /**
   * What `frames` counts when it is not frames: training steps (encode --adapt) or bytes (pack,
   * unpack, encode's manifest remux; `fps` is then bytes a second).
   */
  unit?: 'steps' | 'bytes';
  /**
   * Every frame has gone to the encoder, which is still working through the ones it holds:
   * 2–4 s of a 1080p job here. `frames` still moves until it is done.
   */
  finishing?: true;
};

export type ProgressListener = (p: Progress) => void;

/** Bytes done of a job that copies bytes (pack, unpack, encode's remux). */
export type ByteCount = { bytesWritten: number; totalBytes: number };

/** Adapts byte counts to Progress events of `stage` (`unit: 'bytes'`), once the total is known. */
export function byteProgress(stage: string, listener: ProgressListener | undefined): ((p: ByteCount) => void) | undefined {
  if (!listener) return undefined;
  let tracker: ProgressTracker | undefined;
  return ({ bytesWritten, totalBytes }) => {
    tracker ??= new ProgressTracker(stage, totalBytes, listener, { unit: 'bytes' });
    tracker.progressTo(bytesWritten);
  };
}

/** How far back the ETA's speed looks: long enough to smooth x265's bursts, short enough to leave its slow start behind. */
const RATE_WINDOW_S = 5;

/**
 * Counts frames and turns them into throttled Progress events (at most ~10 a second, plus the
 * last). With `encoderReports`, frames count once the encoder reports them written
 * (`encoderWrote`), not when they are handed to it (`frameSent`).
 */
export class ProgressTracker {
  readonly #stage: string;
  readonly #total: number | null;
  readonly #listener: ProgressListener | undefined;
  readonly #started = performance.now();
  #sent = 0;
  /** Frames the encoder has written, or null when the output does not report them. */
  #written: number | null;
  #lastEmit = 0;
  #stages: Record<'decode' | 'model' | 'encode', number> | null = null;
  #finishing = false;
  /** (ms, frames done) whenever the count moves, trimmed to the rate window plus one older point. */
  readonly #history: [number, number][] = [];
  readonly #unit: 'bytes' | undefined;

  constructor(
    stage: string,
    total: number | null,
    listener: ProgressListener | undefined,
    options: { encoderReports?: boolean; unit?: 'bytes' } = {},
  ) {
    this.#stage = stage;
    this.#total = total;
    this.#listener = listener;
    this.#written = options.encoderReports ? 0 : null;
    this.#unit = options.unit;
  }

  /** Follow a live stage-time record (the frame pipeline updates it as it goes). */
  watchStages(stages: Record<'decode' | 'model' | 'encode', number>): void {
    this.#stages = stages;
  }

  /** Frames handed to the output so far. */
  get frames(): number {
    return this.#sent;
  }

  /** A frame was handed to the output. */
  frameSent(): void {
    this.#sent++;
    if (this.#written === null) this.#moved();
    else this.#maybeEmit(performance.now());
  }

  /** Work done so far, for jobs that count it themselves (bytes: see {@link byteProgress}). */
  progressTo(done: number): void {
    if (done <= this.#sent) return;
    this.#sent = done;
    this.#moved();
  }

  /** The encoder reports `frames` written (never more than were handed to it). */
  encoderWrote(frames: number): void {
    if (this.#written === null) return;
    const n = Math.min(Math.max(this.#written, frames), this.#sent);
    if (n === this.#written) return;
    this.#written = n;
    this.#moved();
  }

  /** Every frame is with the encoder: says so (the job is not done until the encoder is). */
  finishing(): void {
    this.#finishing = true;
    this.#emit();
  }

  #done(): number {
    return this.#written ?? this.#sent;
  }

  #moved(): void {
    const now = performance.now();
    const h = this.#history;
    // One point per 50 ms is plenty for a 5 s window (pack reports every 64 KB read).
    if (h.length > 1 && now - h.at(-2)![0] < 50) h[h.length - 1] = [now, this.#done()];
    else h.push([now, this.#done()]);
    while (h.length > 2 && now - h[1]![0] >= RATE_WINDOW_S * 1000) h.shift();
    this.#maybeEmit(now);
  }

  #maybeEmit(now: number): void {
    if (now - this.#lastEmit >= 100 || this.#done() === this.#total) this.#emit(now);
  }

  #emit(now = performance.now()): void {
    this.#lastEmit = now;
    this.#listener?.(this.snapshot());
  }

  /** Frames a second over the last RATE_WINDOW_S seconds (at least one second of them), or null. */
  #recentRate(now: number): number | null {
    const h = this.#history;
    if (h.length < 2) return null;
    // From the last point before the window (or the oldest kept) to the newest.
    const inside = h.findIndex(([t]) => now - t <= RATE_WINDOW_S * 1000);
    const [t0, f0] = h[Math.max(0, inside - 1)]!;
    const [t1, f1] = h.at(-1)!;
    if (t1 - t0 < 1000 || f1 === f0) return null;
    return (f1 - f0) / ((t1 - t0) / 1000);
  }

  snapshot(): Progress {
    const now = performance.now();
    const elapsed = (now - this.#started) / 1000;
    const frames = this.#done();
    const fps = elapsed > 0 ? frames / elapsed : 0;
    // No guess before a second of progress: the first frames' pace says little.
    const rate = this.#recentRate(now);
    const left = this.#total === null ? null : Math.max(0, this.#total - frames);
    let eta = left === null || rate === null ? null : left / rate;
    if (left === 0) eta = 0;
    let slowest: Progress['slowest'] = null;
    if (this.#stages) {
      const entries = Object.entries(this.#stages) as [NonNullable<Progress['slowest']>, number][];
      slowest = entries.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
    }
    const p: Progress = { stage: this.#stage, frames, totalFrames: this.#total, elapsed, fps, eta, slowest };
    if (this.#written !== null) p.sent = this.#sent;
    if (this.#unit) p.unit = this.#unit;
    if (this.#finishing) {
      // Without the encoder's own count nothing shows how long its queue takes.
      if (this.#written === null) p.eta = null;
      p.finishing = true;
    }
    return p;
  }
}
