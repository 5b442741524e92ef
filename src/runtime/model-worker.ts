// Worker-thread entry: runs a model's reverse/forward so the main thread stays free to move
// frames through ffmpeg's pipes (a 64 KiB pipe starves the encoder while JS computes).
import { parentPort } from 'node:worker_threads';
import { planeViews } from '../io/index.js';
import { createModel, type ModelCreateOptions } from './model-factory.js';
import type { HdrSourceInfo, SideInfo, ToneModel } from './tone-model.js';

export type WorkerRequest = {
  job: number;
  op: 'reverse' | 'forward';
  model: string;
  /** How to build the model: on the first request only (the worker keeps one model). */
  create?: ModelCreateOptions;
  frames: Uint8Array[];
  sideInfo: (SideInfo | null)[];
  info: HdrSourceInfo;
  /** Output buffers the caller is done with, for the model to reuse. */
  recycled: Uint8Array[];
};
export type WorkerReply = {
  job: number;
  frames?: Uint8Array[];
  /** The request's input buffers, handed back so the caller's pool can reuse them. */
  inputs?: Uint8Array[];
  error?: { name: string; message: string; stack?: string };
};

let building: Promise<ToneModel> | null = null;

parentPort!.on('message', (req: WorkerRequest) => {
  void (async () => {
    try {
      building ??= createModel(req.model, req.create ?? {});
      const model = await building;
      if (req.recycled.length) model.recycle?.(req.recycled);
      const format = req.op === 'reverse' ? model.hdrFormat : model.sdrFormat;
      const frames = req.frames.map((data) => ({ data, planes: planeViews(format, req.info.width, req.info.height, data) }));
      const out =
        req.op === 'reverse'
          ? await model.reverse(frames, req.sideInfo as SideInfo[], req.info)
          : await model.forward(frames, req.sideInfo, req.info);
      const reply: WorkerReply = { job: req.job, frames: out, inputs: req.frames };
      parentPort!.postMessage(reply, [...out, ...req.frames].map((f) => f.buffer as ArrayBuffer));
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      parentPort!.postMessage({ job: req.job, error: { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) } } satisfies WorkerReply);
    }
  })();
});
