import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HdrSourceInfo, ModelFrame, SideInfo, ToneModel } from './tone-model.js';
import type { ModelCreateOptions } from './model-factory.js';
import type { WorkerReply, WorkerRequest } from './model-worker.js';

/**
 * Start the worker entry beside this file: the compiled .js in a build; in development (sources
 * run through tsx or vitest) the .ts, after registering tsx's loader inside the worker.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./model-worker.js', import.meta.url));
  // require.resolve gives tsx's CommonJS API; its ESM twin sits beside it.
  const tsx = createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  const entry = new URL('./model-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(pathToFileURL(tsx).href)}).then((m) => m.register()).then(() => import(${JSON.stringify(entry)}))`;
  return new Worker(boot, { eval: true });
}

/** The bytes of a frame as a transferable buffer (copied only if it is a view into a larger one). */
function transferable(data: Uint8Array): Uint8Array {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
}

/** Model workers at most: one per core (the model's batches are independent), at most 4. */
export function defaultModelWorkers(): number {
  const env = process.env['DUHDR_MODEL_WORKERS'];
  if (env !== undefined) {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1 || n > 16) throw new RangeError(`$DUHDR_MODEL_WORKERS must be an integer in [1, 16], got "${env}"`);
    return n;
  }
  return Math.min(availableParallelism(), 4);
}

/** One worker thread and what this side knows of it. */
type Slot = {
  worker: Worker;
  /** Jobs sent and not yet answered. */
  busy: number;
  /** Whether its first request (which carries how to build the model) went out. */
  told: boolean;
};

/**
 * Runs a CPU-bound model's reverse/forward on worker threads, one model per worker; analyze
 * (sequential, stateful, cheap) stays in this thread on a local instance. A batch goes to an idle
 * worker, a new one is started while fewer than `maxWorkers` run, else it waits behind the least
 * busy: with the pipeline's default concurrency (workers + 1) every core computes while one more
 * batch crosses the pipes, and `concurrency: 1` never starts a second worker. Frames are
 * transferred, not copied: after reverse/forward the input frames' buffers are detached.
 */
export class OffThreadToneModel implements ToneModel {
  readonly id: string;
  readonly contentHash: string;
  readonly sideInfoFields: readonly string[];
  readonly hdrFormat: ToneModel['hdrFormat'];
  readonly sdrFormat: ToneModel['sdrFormat'];
  readonly preferredBatch: ToneModel['preferredBatch'];
  readonly #local: ToneModel;
  readonly #key: string;
  /** Sent with each worker's first request: the worker builds its model once, from that request. */
  readonly #create: ModelCreateOptions;
  readonly #maxWorkers: number;
  readonly #slots: Slot[] = [];
  readonly #pending = new Map<number, { slot: Slot; resolve: (reply: WorkerReply) => void; reject: (e: Error) => void }>();
  /** Outputs the caller gave back, sent to the worker with the next request. */
  #recycled: Uint8Array[] = [];
  #nextJob = 0;
  #failure: Error | undefined;

  /**
   * `key`: the MODEL_TABLE entry the workers build (an engine build such as `dual-v1-ort`;
   * default the id), with `create`; `maxWorkers` threads at most (default: one per core, ≤ 4).
   */
  constructor(local: ToneModel, key = local.id, create: ModelCreateOptions = {}, maxWorkers = defaultModelWorkers()) {
    this.#key = key;
    this.#create = create;
    this.#local = local;
    this.#maxWorkers = maxWorkers;
    this.id = local.id;
    this.contentHash = local.contentHash;
    this.sideInfoFields = local.sideInfoFields;
    this.hdrFormat = local.hdrFormat;
    this.sdrFormat = local.sdrFormat;
    // A batch computing on every worker and one more crossing the pipes.
    this.preferredBatch = { size: local.preferredBatch.size, concurrency: Math.max(maxWorkers + 1, local.preferredBatch.concurrency) };
    this.#slots.push(this.#start()); // the first starts now: its model loads while the pipeline opens ffmpeg
  }

  #start(): Slot {
    const slot: Slot = { worker: startWorker(), busy: 0, told: false };
    slot.worker.unref(); // never keeps the process alive on its own
    slot.worker.on('message', (reply: WorkerReply) => {
      const p = this.#pending.get(reply.job);
      if (!p) return;
      this.#pending.delete(reply.job);
      p.slot.busy--;
      if (reply.frames) p.resolve(reply);
      else {
        const e = new Error(reply.error?.message ?? 'model worker failed');
        e.name = reply.error?.name ?? 'Error';
        if (reply.error?.stack) e.stack = reply.error.stack;
        p.reject(e);
      }
    });
    const failAll = (err: Error): void => {
      this.#failure ??= err;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    slot.worker.on('error', failAll);
    slot.worker.on('exit', (code) => failAll(new Error(`model worker exited (code ${code})`)));
    return slot;
  }

  /** An idle worker, else a new one while under the limit, else the least busy. */
  #pick(): Slot {
    const idle = this.#slots.find((s) => s.busy === 0);
    if (idle) return idle;
    if (this.#slots.length < this.#maxWorkers) {
      const slot = this.#start();
      this.#slots.push(slot);
      return slot;
    }
    return this.#slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  /** Worker threads started so far. */
  get workers(): number {
    return this.#slots.length;
  }

  analyze(frames: readonly ModelFrame[], source: HdrSourceInfo): SideInfo[] {
    return this.#local.analyze(frames, source);
  }

  reverse(frames: readonly ModelFrame[], sideInfo: readonly SideInfo[], source: HdrSourceInfo): Promise<Uint8Array[]> {
    return this.#run('reverse', frames, sideInfo, source);
  }

  forward(frames: readonly ModelFrame[], sideInfo: readonly (SideInfo | null)[], target: HdrSourceInfo): Promise<Uint8Array[]> {
    return this.#run('forward', frames, sideInfo, target);
  }

  #run(op: 'reverse' | 'forward', frames: readonly ModelFrame[], sideInfo: readonly (SideInfo | null)[], info: HdrSourceInfo): Promise<Uint8Array[]> {
    if (this.#failure) return Promise.reject(this.#failure);
    const job = this.#nextJob++;
    const slot = this.#pick();
    const data = frames.map((f) => transferable(f.data));
    const recycled = this.#recycled;
    this.#recycled = [];
    const req: WorkerRequest = { job, op, model: this.#key, frames: data, sideInfo: [...sideInfo], info, recycled, ...(slot.told ? {} : { create: this.#create }) };
    slot.told = true;
    slot.busy++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.#pending.set(job, { slot, resolve, reject });
      slot.worker.postMessage(req, [...data, ...recycled].map((d) => d.buffer as ArrayBuffer));
    }).then((reply) => {
      // The inputs come back from the worker: put them where the caller will look for them.
      reply.inputs?.forEach((buf, i) => {
        const frame = frames[i] as ModelFrame | undefined;
        if (frame) frame.data = buf;
      });
      return reply.frames!;
    });
  }

  recycle(buffers: Uint8Array[]): void {
    for (const b of buffers) if (b.byteLength > 0 && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) this.#recycled.push(b);
    // Keep the backlog bounded if nobody runs a job for a while.
    if (this.#recycled.length > 8) this.#recycled.length = 8;
  }

  dispose(): void {
    for (const s of this.#slots) void s.worker.terminate();
    this.#local.dispose();
  }
}
