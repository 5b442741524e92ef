import { createRequire } from 'node:module';
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

/**
 * Runs a CPU-bound model's reverse/forward on a worker thread; analyze (sequential, stateful,
 * cheap) stays in this thread on a local instance. Frames are transferred, not copied: after
 * reverse/forward the input frames' buffers are detached.
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
  /** Sent with the first request only: the worker builds its model once, from that request. */
  #create: ModelCreateOptions | null;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (reply: WorkerReply) => void; reject: (e: Error) => void }>();
  /** Outputs the caller gave back, sent to the worker with the next request. */
  #recycled: Uint8Array[] = [];
  #nextJob = 0;
  #failure: Error | undefined;

  /** `key`: the MODEL_TABLE entry the worker builds (an engine build such as `dual-v1-ort`; default the id), with `create`. */
  constructor(local: ToneModel, key = local.id, create: ModelCreateOptions = {}) {
    this.#key = key;
    this.#create = create;
    this.#local = local;
    this.id = local.id;
    this.contentHash = local.contentHash;
    this.sideInfoFields = local.sideInfoFields;
    this.hdrFormat = local.hdrFormat;
    this.sdrFormat = local.sdrFormat;
    // Two batches in flight: one computing while the other's frames cross the pipes.
    this.preferredBatch = { size: local.preferredBatch.size, concurrency: Math.max(2, local.preferredBatch.concurrency) };
    this.#worker = startWorker();
    this.#worker.unref(); // never keeps the process alive on its own
    this.#worker.on('message', (reply: WorkerReply) => {
      const p = this.#pending.get(reply.job);
      if (!p) return;
      this.#pending.delete(reply.job);
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
    this.#worker.on('error', failAll);
    this.#worker.on('exit', (code) => failAll(new Error(`model worker exited (code ${code})`)));
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
    const data = frames.map((f) => transferable(f.data));
    const recycled = this.#recycled;
    this.#recycled = [];
    const req: WorkerRequest = { job, op, model: this.#key, frames: data, sideInfo: [...sideInfo], info, recycled, ...(this.#create ? { create: this.#create } : {}) };
    this.#create = null;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.#pending.set(job, { resolve, reject });
      this.#worker.postMessage(req, [...data, ...recycled].map((d) => d.buffer as ArrayBuffer));
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
    void this.#worker.terminate();
    this.#local.dispose();
  }
}
