import PQueue from 'p-queue';
import { toCanceledError, type BufferPool, type Frame, type FrameReader } from '../io/index.js';
import type { ProgressTracker } from './progress.js';

/** Seconds spent waiting on each stage: the largest is the bottleneck. */
export type StageTimes = { decode: number; model: number; encode: number };

/** Where processed frames go: a FrameWriter (video) or an image-sequence writer. */
export type FrameSink = { write(frame: Uint8Array): Promise<void> };

export type FramePipelineOptions<P> = {
  reader: FrameReader;
  writer: FrameSink;
  /** Frames per model call. */
  batchSize: number;
  /** Model calls allowed in flight at once (>1 overlaps e.g. GPU transfer and compute). */
  concurrency: number;
  /** Runs on each batch in frame order, before `process` (temporal analysis, side info). */
  prepare: (frames: Frame[], firstIndex: number) => P;
  /** The model: one output buffer per input frame. May run concurrently on several batches. */
  process: (frames: Frame[], prepared: P) => Promise<Uint8Array[]>;
  progress: ProgressTracker;
  signal?: AbortSignal | undefined;
  /** Where input frame buffers go back after the model has used them (the reader's pool). */
  inputPool?: BufferPool | undefined;
  /** Hands written output buffers back to the model for reuse. */
  recycle?: ((buffers: Uint8Array[]) => void) | undefined;
};

/** Validate batch/concurrency options at the boundary, naming the option. */
export function checkBatching(batchSize: number, concurrency: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 256) {
    throw new RangeError(`options.batchSize must be an integer in [1, 256], got ${batchSize}`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) {
    throw new RangeError(`options.concurrency must be an integer in [1, 16], got ${concurrency}`);
  }
}

/**
 * decode -> batch -> model -> encode, in order, with backpressure end to end: at most
 * `concurrency` batches are being processed and one more is waiting to be written; while they
 * are, the reader is not pulled, so its ffmpeg blocks on a full pipe. Memory is bounded by
 * (concurrency + 2) x batchSize frames, however long the video.
 */
export async function runFramePipeline<P>(o: FramePipelineOptions<P>): Promise<StageTimes> {
  checkBatching(o.batchSize, o.concurrency);
  const times: StageTimes = { decode: 0, model: 0, encode: 0 };
  o.progress.watchStages(times);
  const queue = new PQueue({ concurrency: o.concurrency });
  const pending: Promise<Uint8Array[]>[] = [];
  let nextIndex = 0;

  const writeOldest = async (): Promise<void> => {
    const outputs = await pending.shift()!;
    const t0 = performance.now();
    for (const out of outputs) {
      await o.writer.write(out);
      o.progress.frameSent();
    }
    o.recycle?.(outputs);
    times.encode += (performance.now() - t0) / 1000;
  };

  const submit = (batch: Frame[]): void => {
    const prepared = o.prepare(batch, nextIndex);
    nextIndex += batch.length;
    const job = queue.add(async () => {
      const t0 = performance.now();
      const out = await o.process(batch, prepared);
      times.model += (performance.now() - t0) / 1000;
      // The model is done with its inputs (an off-thread model has handed them back by now).
      if (o.inputPool) for (const f of batch) o.inputPool.give(f.data);
      if (out.length !== batch.length) throw new Error(`model returned ${out.length} frames for a batch of ${batch.length}`);
      return out;
    }) as Promise<Uint8Array[]>;
    job.catch(() => {}); // observed when its turn to be written comes
    pending.push(job);
  };

  const it = o.reader[Symbol.asyncIterator]();
  try {
    let batch: Frame[] = [];
    for (;;) {
      const t0 = performance.now();
      const next = await it.next();
      times.decode += (performance.now() - t0) / 1000;
      if (next.done) break;
      batch.push(next.value);
      if (batch.length === o.batchSize) {
        submit(batch);
        batch = [];
        // Backpressure: stop pulling frames while enough work is queued.
        while (pending.length > o.concurrency) await writeOldest();
      }
      if (o.signal?.aborted) throw toCanceledError(o.signal);
    }
    if (batch.length) submit(batch);
    while (pending.length) await writeOldest();
    return times;
  } finally {
    // Stops the decoder if we leave early (error, abort); a no-op once it has finished.
    await it.return?.().catch(() => {});
    queue.clear();
    // Let in-flight model calls settle so nothing writes into freed state after we return.
    await Promise.allSettled(pending);
  }
}
