import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BufferPool, frameByteLength } from '../io/index.js';
import { SharedIds, isSharedFrame, type FrameRef } from './shared-frames.js';
import type { HdrSourceInfo, ModelFrame, SideInfo, ToneModel } from './tone-model.js';
import type { ModelCreateOptions } from './model-factory.js';
import type { WorkerBuild, WorkerReply, WorkerRequest } from './model-worker.js';

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
  /** The shared buffers it holds, by id: the worker keeps the same list (see SharedIds). */
  held: SharedIds<Uint8Array>;
};

/**
 * Runs a CPU-bound model's reverse/forward on worker threads, one model per worker; analyze
 * (sequential, stateful, cheap) stays in this thread on a local instance. A batch goes to an idle
 * worker, a new one is started while fewer than `maxWorkers` run, else it waits behind the least
 * busy: with the pipeline's default concurrency (workers + 1) every core computes while one more
 * batch crosses the pipes, and `concurrency: 1` never starts a second worker.
 *
 * Frames in SharedArrayBuffers (BufferPool's `shared`) stay where they are and cross as ids, and
 * a model that takes `into` writes its outputs into shared buffers this side lends it: nothing is
 * copied and V8 gets no per-frame garbage. Other frames and outputs are transferred there and
 * back (a view into a larger buffer is copied first), so after the call such a frame's `data` is
 * a new object.
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
  /** Sent to each worker as it starts: the worker builds its model once, from that. */
  readonly #create: ModelCreateOptions;
  readonly #maxWorkers: number;
  readonly #slots: Slot[] = [];
  readonly #pending = new Map<number, { slot: Slot; resolve: (reply: WorkerReply) => void; reject: (e: Error) => void }>();
  /** Transferred outputs the caller gave back, sent to the worker with the next request. */
  #recycled: Uint8Array[] = [];
  /** Shared output buffers to lend the workers, and those the caller now holds (lent, written, returned). */
  readonly #sharedOutputs = new BufferPool(8, { shared: true });
  readonly #returned = new WeakSet<SharedArrayBuffer>();
  /** The ids shared buffers cross as. */
  readonly #ids = new WeakMap<SharedArrayBuffer, number>();
  #nextId = 0;
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
    this.#slots.push(this.#start()); // the first starts now: its model builds while the pipeline opens ffmpeg
  }

  /** A new worker, told at once to build its model (it takes longer than ffmpeg's first frame). */
  #start(): Slot {
    const slot: Slot = { worker: startWorker(), busy: 0, held: new SharedIds() };
    slot.worker.postMessage({ op: 'build', model: this.#key, create: this.#create } satisfies WorkerBuild);
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
    const transfer: ArrayBuffer[] = [];
    const refs = frames.map((f) => this.#ref(slot, f.data, transfer));
    const outBytes = frameByteLength(op === 'reverse' ? this.sdrFormat : this.hdrFormat, info.width, info.height);
    const lent = frames.map(() => this.#sharedOutputs.take(outBytes));
    const outputs = lent.map((data) => this.#ref(slot, data, transfer));
    const recycled = this.#recycled;
    this.#recycled = [];
    for (const r of recycled) transfer.push(r.buffer as ArrayBuffer);
    const req: WorkerRequest = {
      job, op, frames: refs, outputs, sideInfo: [...sideInfo], info, recycled,
    };
    slot.busy++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.#pending.set(job, { slot, resolve, reject });
      slot.worker.postMessage(req, transfer);
    }).then((reply) => {
      // Transferred inputs come back from the worker: put them where the caller will look for them.
      reply.inputs?.forEach((buf, i) => {
        const frame = frames[i] as ModelFrame | undefined;
        if (frame && buf) frame.data = buf;
      });
      const out = reply.frames!.map((o) => (typeof o === 'number' ? lent[o]! : o));
      for (const data of lent) {
        if (out.includes(data)) this.#returned.add(data.buffer as SharedArrayBuffer);
        else this.#sharedOutputs.give(data); // the model made its own: lend it again
      }
      return out;
    }, (err: unknown) => {
      // The worker wrote nothing anyone will read, and its model keeps no lent buffer.
      for (const data of lent) this.#sharedOutputs.give(data);
      throw err;
    });
  }

  /**
   * How `data` crosses to `slot`'s worker: a shared buffer as its id (with the memory the first
   * time, or again once the worker has dropped it), anything else transferred (added to `transfer`).
   */
  #ref(slot: Slot, data: Uint8Array, transfer: ArrayBuffer[]): FrameRef {
    if (!isSharedFrame(data)) {
      const bytes = transferable(data);
      transfer.push(bytes.buffer as ArrayBuffer);
      return bytes;
    }
    let id = this.#ids.get(data.buffer);
    if (id === undefined) {
      id = this.#nextId++;
      this.#ids.set(data.buffer, id);
    }
    const held = slot.held.get(id) !== undefined;
    slot.held.use(id, data);
    return held ? { id } : { id, shared: data.buffer };
  }

  recycle(buffers: Uint8Array[]): void {
    for (const b of buffers) {
      if (isSharedFrame(b)) {
        // Ours to lend again; a shared buffer we did not lend is the caller's, not ours to reuse.
        if (this.#returned.delete(b.buffer)) this.#sharedOutputs.give(b);
      } else if (b.byteLength > 0 && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) {
        this.#recycled.push(b);
      }
    }
    // Keep the backlog bounded if nobody runs a job for a while.
    if (this.#recycled.length > 8) this.#recycled.length = 8;
  }

  dispose(): void {
    for (const s of this.#slots) void s.worker.terminate();
    this.#local.dispose();
  }
}
