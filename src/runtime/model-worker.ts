// Worker-thread entry: runs a model's reverse/forward so the main thread stays free to move
// frames through ffmpeg's pipes (a 64 KiB pipe starves the encoder while JS computes).
import { parentPort } from 'node:worker_threads';
import { planeViews } from '../io/index.js';
import { createModel, type ModelCreateOptions } from './model-factory.js';
import { SharedIds, isSharedFrame, type FrameRef } from './shared-frames.js';
import type { HdrSourceInfo, SideInfo, ToneModel } from './tone-model.js';

export type WorkerRequest = {
  job: number;
  op: 'reverse' | 'forward';
  frames: FrameRef[];
  /** Shared buffers lent for the outputs, one per frame (the model's `into`). */
  outputs: FrameRef[];
  sideInfo: (SideInfo | null)[];
  info: HdrSourceInfo;
  /** Transferred output buffers the caller is done with, for the model to reuse. */
  recycled: Uint8Array[];
};
/** Build the model now, before any frame comes (no reply: a failure answers the first request). */
export type WorkerBuild = { op: 'build'; model: string; create: ModelCreateOptions };
export type WorkerReply = {
  job: number;
  /** The outputs: transferred bytes, or the index of the lent buffer the model wrote into. */
  frames?: (Uint8Array | number)[];
  /** The request's transferred input buffers, handed back so the caller's pool can reuse them (null: the input was shared). */
  inputs?: (Uint8Array | null)[];
  error?: { name: string; message: string; stack?: string };
};

let building: Promise<ToneModel> | null = null;
/** The shared buffers this worker holds, by the main thread's ids (it keeps the same list). */
const held = new SharedIds<Uint8Array>();

/** The bytes a FrameRef names; shared ones are marked used, in message order, as the main thread marked them. */
function resolve(ref: FrameRef): Uint8Array {
  if (ref instanceof Uint8Array) return ref;
  const data = ref.shared ? new Uint8Array(ref.shared) : held.get(ref.id);
  if (!data) throw new Error(`model worker: shared buffer ${ref.id} is not held here (the two sides' lists disagree)`);
  held.use(ref.id, data);
  return data;
}

parentPort!.on('message', (req: WorkerRequest | WorkerBuild) => {
  if (req.op === 'build') {
    building ??= createModel(req.model, req.create).then((model) => {
      model.warm?.(); // kernels and tables loaded before the first frame comes
      return model;
    });
    building.catch(() => {}); // the first request awaits it and replies with the error
    return;
  }
  let inputs: Uint8Array[] = [];
  let outputs: Uint8Array[] = [];
  try {
    // Before any await: the ids are marked in the order the requests came.
    inputs = req.frames.map(resolve);
    outputs = req.outputs.map(resolve);
  } catch (err) {
    reply(req.job, err);
    return;
  }
  void (async () => {
    try {
      if (!building) throw new Error('model worker: a request came before the model was built');
      const model = await building;
      if (req.recycled.length) model.recycle?.(req.recycled);
      const format = req.op === 'reverse' ? model.hdrFormat : model.sdrFormat;
      const frames = inputs.map((data) => ({ data, planes: planeViews(format, req.info.width, req.info.height, data) }));
      const into = outputs.length ? outputs : undefined;
      const out =
        req.op === 'reverse'
          ? await model.reverse(frames, req.sideInfo as SideInfo[], req.info, into)
          : await model.forward(frames, req.sideInfo, req.info, into);
      const transfer: ArrayBuffer[] = [];
      const refs = out.map((data) => {
        const lent = outputs.indexOf(data);
        if (lent >= 0) return lent;
        transfer.push(data.buffer as ArrayBuffer);
        return data;
      });
      // Transferred inputs go back; shared ones stay where both sides see them.
      const back = frames.map((f) => (isSharedFrame(f.data) ? null : f.data));
      for (const b of back) if (b) transfer.push(b.buffer as ArrayBuffer);
      parentPort!.postMessage({ job: req.job, frames: refs, inputs: back } satisfies WorkerReply, transfer);
    } catch (err) {
      reply(req.job, err);
    }
  })();
});

function reply(job: number, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  parentPort!.postMessage({ job, error: { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) } } satisfies WorkerReply);
}
