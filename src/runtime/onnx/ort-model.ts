// The learned dual camera pair as a ToneModel run by ONNX Runtime, split where it is fastest:
// ORT runs the low-resolution branches (the `-grid` graphs: thumbnails in, local-mean and
// attention gain grids out) on whole batches; the per-pixel rest, Y'CbCr <-> R'G'B' included,
// runs on WebAssembly SIMD (src/runtime/learned/simd-kernels.ts). Running the whole network in
// ORT costs ~0.5 s a 1080p frame here, because its CPU kernels make one pass over memory per
// elementwise op (`duhdr bench model` measures both).
// `analyze` must be synchronous (the ToneModel contract) and ONNX Runtime's run is not, so the
// per-frame curve and its temporal smoothing come from the TF.js engine itself: one 64x64
// thumbnail per frame, and side info identical to what `--engine tfjs` writes.

import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { HDR_LAYOUT, SDR_LAYOUT, hlgEncodePlanes, pqDecodePlane, pqEncode } from '../../color/index.js';
import { assignForward, initBackend, loadModel, type DualCameraConfig } from '../../model/index.js';
import type { LowResOutputs } from '../learned/full-res.js';
import { LearnedToneModel } from '../learned/learned-model.js';
import { MODELS_DIR } from '../models.js';
import { FrameWorkspace } from '../learned/simd-kernels.js';
import { intoBuffer, type HdrSourceInfo, type ModelFrame, type SideInfo, type ToneModel } from '../tone-model.js';
import { BASE_CELLS, type GraphKind } from './dual-camera-onnx.js';
import { buildGraphs, readOnnxModel } from './onnx-export.js';
import type { OrtDevice } from './choices.js';
import { createSession, resolveDevice, type SessionOptions } from './ort-session.js';

export type OrtModelOptions = SessionOptions & {
  /** Folder of the TF.js model (model.json + weights.bin); default models/<id>. */
  dir?: string;
  /** Folder of an exported model (`duhdr export`); default: graphs built in memory from `dir`. */
  onnxDir?: string;
  /** A clip's adapted forward weights (`encode --adapt`), replacing F's in the graphs built from `dir`. */
  forwardWeights?: Float32Array;
};

type GridKind = 'reverse-grid' | 'forward-guided-grid' | 'forward-blind-grid';
type Sessions = Record<GridKind, ort.InferenceSession>;

/** Buffers of one batch shape, reused call after call; the ORT tensors wrap them without copies. */
type Scratch = {
  key: string;
  /**
   * R'G'B' planes in the SIMD module's memory, converted in place by the full-resolution pass:
   * one frame's (a frame is converted again after the batch's grids, ~3 ms at 1080p, rather
   * than holding the batch: 4x less memory to fault in and keep), or each frame's for HLG
   * sources, whose conversion is JS and 20x dearer.
   */
  ws: FrameWorkspace;
  thumb: Float32Array;
  inc: Float32Array;
  peak: Float32Array;
  base: Float32Array;
  gains: Float32Array;
  tensors: Record<'thumb' | 'inc' | 'peakPq' | 'base' | 'gains', ort.Tensor>;
};

export class OrtToneModel implements ToneModel {
  readonly id: string;
  readonly contentHash: string;
  readonly sideInfoFields: readonly string[];
  readonly hdrFormat;
  readonly sdrFormat;
  /** The grid graphs are tiny; batches amortise the ORT call and the worker hand-over. */
  readonly preferredBatch = { size: 4, concurrency: 1 };
  /** The device the sessions run on (after any fallback). */
  readonly device: OrtDevice;
  readonly #reference: LearnedToneModel;
  readonly #sessions: Sessions;
  readonly #cfg: DualCameraConfig;
  readonly #free = new Map<string, Scratch[]>();
  readonly #outputs = new Map<number, Uint8Array[]>();

  private constructor(reference: LearnedToneModel, cfg: DualCameraConfig, device: OrtDevice, sessions: Sessions) {
    this.#reference = reference;
    this.#cfg = cfg;
    this.device = device;
    this.#sessions = sessions;
    this.id = reference.id;
    this.contentHash = reference.contentHash;
    this.sideInfoFields = reference.sideInfoFields;
    this.hdrFormat = reference.hdrFormat;
    this.sdrFormat = reference.sdrFormat;
  }

  /** Load models/<id>/ (or opts.dir) and its ONNX graphs. @example await OrtToneModel.load('dual-v1', { device: 'cuda' }) */
  static async load(id: string, opts: OrtModelOptions = {}): Promise<OrtToneModel> {
    const dir = opts.dir ?? join(MODELS_DIR, id);
    const device = resolveDevice(opts);
    if (opts.onnxDir && opts.forwardWeights) throw new Error('adapted forward weights apply to graphs built from the model folder, not to an exported onnxDir');
    const reference = await LearnedToneModel.load(id, dir, opts.forwardWeights ? { forwardWeights: opts.forwardWeights } : {});
    try {
      let graphs: Record<GraphKind, Uint8Array>;
      let cfg: DualCameraConfig;
      if (opts.onnxDir) {
        const files = await readOnnxModel(opts.onnxDir, { expectHash: reference.contentHash });
        graphs = files.graphs;
        cfg = files.manifest.config;
      } else {
        await initBackend('auto');
        const model = await loadModel(dir);
        if (opts.forwardWeights) assignForward(model.config, model.params, opts.forwardWeights);
        graphs = buildGraphs(model);
        cfg = model.config;
        for (const v of Object.values(model.params)) v.dispose();
      }
      // The grid graphs work on 64x64 thumbnails: one thread does them in well under a millisecond.
      const make = (k: GridKind) => createSession(graphs[k], device, opts.threads ?? 1);
      const [reverse, guided, blind] = await Promise.all([make('reverse-grid'), make('forward-guided-grid'), make('forward-blind-grid')]);
      return new OrtToneModel(reference, cfg, device, { 'reverse-grid': reverse, 'forward-guided-grid': guided, 'forward-blind-grid': blind });
    } catch (err) {
      reference.dispose();
      throw err;
    }
  }

  #acquire(n: number, width: number, height: number, planeSets: number): Scratch {
    const key = `${n}x${width}x${height}x${planeSets}`;
    // Buffers of other shapes go back to the module's allocator (a folder of images of many sizes).
    for (const [other, list] of this.#free) {
      if (other === key) continue;
      for (const s of list) s.ws.release();
      this.#free.delete(other);
    }
    const reused = this.#free.get(key)?.pop();
    if (reused) return reused;
    const { thumb: t, knots: k } = this.#cfg;
    const g = t / 8;
    const thumb = new Float32Array(n * t * t * 3);
    const inc = new Float32Array(n * k);
    const peak = new Float32Array(n);
    const base = new Float32Array(n * BASE_CELLS * BASE_CELLS);
    const gains = new Float32Array(n * 2 * g * g);
    return {
      key, thumb, inc, peak, base, gains,
      ws: new FrameWorkspace(width, height, planeSets),
      tensors: {
        thumb: new ort.Tensor('float32', thumb, [n, t, t, 3]),
        inc: new ort.Tensor('float32', inc, [n, k]),
        peakPq: new ort.Tensor('float32', peak, [n]),
        base: new ort.Tensor('float32', base, [n, 1, BASE_CELLS, BASE_CELLS]),
        gains: new ort.Tensor('float32', gains, [n, 2, g, g]),
      },
    };
  }

  #release(s: Scratch): void {
    const list = this.#free.get(s.key) ?? [];
    list.push(s);
    this.#free.set(s.key, list);
  }

  /** The caller's buffer for an output (`into`), else a recycled or new one. */
  #outputBuffer(bytes: number, given: Uint8Array | undefined): Uint8Array {
    return intoBuffer(given, bytes, 'ORT model') ?? this.#outputs.get(bytes)?.pop() ?? new Uint8Array(bytes);
  }

  recycle(buffers: Uint8Array[]): void {
    for (const b of buffers) {
      const list = this.#outputs.get(b.byteLength) ?? [];
      if (list.length < 16) list.push(b);
      this.#outputs.set(b.byteLength, list);
    }
  }

  /** Frame i's grids out of the batch's buffers, with its curve. */
  #lowRes(s: Scratch, i: number, inc: ArrayLike<number>): LowResOutputs {
    const g = this.#cfg.thumb / 8;
    const cells = BASE_CELLS * BASE_CELLS;
    return {
      base: s.base.subarray(i * cells, (i + 1) * cells),
      baseCells: BASE_CELLS,
      gains: s.gains.subarray(i * 2 * g * g, (i + 1) * 2 * g * g),
      gainCells: g,
      inc,
    };
  }

  analyze(frames: readonly ModelFrame[], source: HdrSourceInfo): SideInfo[] {
    return this.#reference.analyze(frames, source);
  }

  async reverse(
    frames: readonly ModelFrame[], sideInfo: readonly SideInfo[], source: HdrSourceInfo, into?: readonly Uint8Array[],
  ): Promise<Uint8Array[]> {
    const { width, height } = source;
    const { thumb: t, knots: k } = this.#cfg;
    const keep = source.transfer === 'hlg';
    const s = this.#acquire(frames.length, width, height, keep ? frames.length : 1);
    try {
      const peakPq = pqEncode(source.masteringPeak);
      frames.forEach((frame, i) => {
        s.ws.fromHdr(keep ? i : 0, frame, source);
        s.thumb.set(s.ws.thumbnail(keep ? i : 0, t), i * t * t * 3);
        s.inc.set(sideInfo[i]!, i * k);
        s.peak[i] = peakPq;
      });
      const f = s.tensors;
      await this.#sessions['reverse-grid'].run({ thumb: f.thumb, inc: f.inc, peakPq: f.peakPq }, { base: f.base, gains: f.gains });
      const px = width * height;
      return frames.map((frame, i) => {
        const j = keep ? i : 0;
        if (!keep && frames.length > 1) s.ws.fromHdr(0, frame, source);
        s.ws.reverse(j, this.#lowRes(s, i, sideInfo[i]!), peakPq);
        const out = this.#outputBuffer((px * 3) / 2, into?.[i]);
        s.ws.toYuv(j, SDR_LAYOUT, [out.subarray(0, px), out.subarray(px, (px * 5) / 4), out.subarray((px * 5) / 4)]);
        return out;
      });
    } finally {
      this.#release(s);
    }
  }

  async forward(
    frames: readonly ModelFrame[], sideInfo: readonly (SideInfo | null)[], target: HdrSourceInfo, into?: readonly Uint8Array[],
  ): Promise<Uint8Array[]> {
    // Guided and blind frames run through different graphs: split a mixed batch in two.
    const guided = frames.flatMap((_, i) => (sideInfo[i] ? [i] : []));
    const blind = frames.flatMap((_, i) => (sideInfo[i] ? [] : [i]));
    const result: Uint8Array[] = new Array<Uint8Array>(frames.length);
    for (const [idx, kind] of [[guided, 'forward-guided-grid'], [blind, 'forward-blind-grid']] as const) {
      if (idx.length === 0) continue;
      const outs = await this.#forwardGroup(idx.map((i) => frames[i]!), idx.map((i) => sideInfo[i] ?? null), target, kind, idx.map((i) => into?.[i]));
      idx.forEach((i, j) => (result[i] = outs[j]!));
    }
    return result;
  }

  async #forwardGroup(
    frames: ModelFrame[], side: (SideInfo | null)[], target: HdrSourceInfo, kind: 'forward-guided-grid' | 'forward-blind-grid', into: (Uint8Array | undefined)[],
  ): Promise<Uint8Array[]> {
    const { width, height } = target;
    const { thumb: t, knots: k } = this.#cfg;
    const s = this.#acquire(frames.length, width, height, 1);
    try {
      frames.forEach((frame, i) => {
        s.ws.fromYuv(0, frame.planes as Uint8Array[], SDR_LAYOUT);
        s.thumb.set(s.ws.thumbnail(0, t), i * t * t * 3);
        if (side[i]) s.inc.set(side[i], i * k);
      });
      const f = s.tensors;
      if (kind === 'forward-guided-grid') await this.#sessions[kind].run({ thumb: f.thumb, inc: f.inc }, { base: f.base, gains: f.gains });
      else await this.#sessions[kind].run({ thumb: f.thumb }, { base: f.base, gains: f.gains, inc: f.inc });
      const px = width * height;
      const peakPq = pqEncode(target.masteringPeak);
      return frames.map((frame, i) => {
        if (frames.length > 1) s.ws.fromYuv(0, frame.planes as Uint8Array[], SDR_LAYOUT);
        s.ws.forward(0, this.#lowRes(s, i, s.inc.subarray(i * k, (i + 1) * k)), kind === 'forward-guided-grid', peakPq);
        if (target.transfer === 'hlg') {
          const p = s.ws.planes(0);
          for (const c of [p.r, p.g, p.b]) pqDecodePlane(c, c);
          hlgEncodePlanes(p.r, p.g, p.b, p.r, p.g, p.b, target.masteringPeak);
        }
        const out = this.#outputBuffer(px * 3, into[i]);
        const view = (o: number, len: number): Uint16Array => new Uint16Array(out.buffer, out.byteOffset + o * 2, len);
        s.ws.toYuv(0, HDR_LAYOUT, [view(0, px), view(px, px / 4), view((5 * px) / 4, px / 4)]);
        return out;
      });
    } finally {
      this.#release(s);
    }
  }

  dispose(): void {
    for (const s of Object.values(this.#sessions)) void s.release();
    this.#reference.dispose();
    for (const list of this.#free.values()) for (const s of list) s.ws.release();
    this.#free.clear();
    this.#outputs.clear();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
