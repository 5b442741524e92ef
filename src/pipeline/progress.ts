/** Progress of a long job, emitted as work goes (the CLI draws it; --json prints it). */
export type Progress = {
  /** What is running, e.g. 'transcode'. */
  stage: string;
  frames: number;
  /** Frames expected in all, when known. */
  totalFrames: number | null;
  /** Seconds since the job started. */
  elapsed: number;
  /** Frames per second so far. */
  fps: number;
  /** Seconds left at the current speed, when the total is known. */
  eta: number | null;
  /** The stage that has cost the most waiting so far: where speed is lost. */
  slowest: 'decode' | 'model' | 'encode' | null;
  /** What `frames` counts when it is not frames (encode --adapt counts training steps). */
  unit?: 'steps';
  /**
   * Every frame has gone to the encoder, which is still working through the ones it holds
   * (x264 and x265 keep a look-ahead of dozens of frames): 2–4 s of a 1080p job here.
   */
  finishing?: true;
};

export type ProgressListener = (p: Progress) => void;

/** Counts frames and turns them into throttled Progress events (at most ~10 a second, plus the last). */
export class ProgressTracker {
  readonly #stage: string;
  readonly #total: number | null;
  readonly #listener: ProgressListener | undefined;
  readonly #started = performance.now();
  #frames = 0;
  #lastEmit = 0;
  #stages: Record<'decode' | 'model' | 'encode', number> | null = null;
  #finishing = false;

  constructor(stage: string, total: number | null, listener: ProgressListener | undefined) {
    this.#stage = stage;
    this.#total = total;
    this.#listener = listener;
  }

  /** Follow a live stage-time record (the frame pipeline updates it as it goes). */
  watchStages(stages: Record<'decode' | 'model' | 'encode', number>): void {
    this.#stages = stages;
  }

  get frames(): number {
    return this.#frames;
  }

  frameDone(): void {
    this.#frames++;
    const now = performance.now();
    if (now - this.#lastEmit >= 100 || this.#frames === this.#total) {
      this.#lastEmit = now;
      this.#listener?.(this.snapshot());
    }
  }

  /** Every frame is with the encoder: says so (the job is not done until the encoder is). */
  finishing(): void {
    this.#finishing = true;
    this.#listener?.(this.snapshot());
  }

  snapshot(): Progress {
    const elapsed = (performance.now() - this.#started) / 1000;
    const fps = elapsed > 0 ? this.#frames / elapsed : 0;
    const eta = this.#total !== null && fps > 0 ? Math.max(0, (this.#total - this.#frames) / fps) : null;
    let slowest: Progress['slowest'] = null;
    if (this.#stages) {
      const entries = Object.entries(this.#stages) as [NonNullable<Progress['slowest']>, number][];
      slowest = entries.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
    }
    const p: Progress = { stage: this.#stage, frames: this.#frames, totalFrames: this.#total, elapsed, fps, eta, slowest };
    if (this.#finishing) {
      p.eta = null; // how long the encoder's queue takes is not known from here
      p.finishing = true;
    }
    return p;
  }
}
