// The learned dual camera pair as a ToneModel run by ONNX Runtime, split where it is fastest:
// ORT runs the low-resolution branches (the `-grid` graphs: thumbnails in, local-mean and
// attention gain grids out) on whole batches; the per-pixel rest runs in one fused JS pass per
// frame (src/runtime/learned/full-res.ts) between the Y'CbCr <-> R'G'B' conversions. Running the
// whole network in ORT costs ~0.5 s a 1080p frame here, because its CPU kernels make one pass
// over memory per elementwise op (`duhdr bench model` measures both).
// `analyze` must be synchronous (the ToneModel contract) and ONNX Runtime's run is not, so the
// per-frame curve and its temporal smoothing come from the TF.js engine itself: one 64x64
// thumbnail per frame, and side info identical to what `--engine tfjs` writes.

import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { YuvFrameConverter, hlgEncodePlanes, pqDecodePlane, pqEncode, type RgbPlanes } from '../../color/index.js';
import { assignForward, initBackend, loadModel, type DualCameraConfig } from '../../model/index.js';
import { forwardFullRes, reverseFullRes, type LowResOutputs } from '../learned/full-res.js';
import { LearnedToneModel, MODELS_DIR, areaThumbnailPlanes, hdrPlanes } from '../learned/learned-model.js';
import type { HdrSourceInfo, ModelFrame, SideInfo, ToneModel } from '../tone-model.js';
import { BASE_CELLS, type GraphKind } from './dual-camera-onnx.js';
import { buildGraphs, readOnnxModel } from './onnx-export.js';
import { createSession, resolveDevice, type OrtDevice, type SessionOptions } from './ort-session.js';

const HDR_LAYOUT = { matrix: 'bt2020nc', range: 'limited', bitDepth: 10, subsampling: '420' } as const;
const SDR_LAYOUT = { matrix: 'bt709', range: 'limited', bitDepth: 8, subsampling: '420' } as const;

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
  /** R'G'B' planes of each frame of the batch, converted in place by the full-resolution pass. */
  planes: RgbPlanes[];
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
  #conv: { hdr: YuvFrameConverter; sdr: YuvFrameConverter } | null = null;

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

  #converters(width: number, height: number): { hdr: YuvFrameConverter; sdr: YuvFrameConverter } {
    const c = this.#conv;
    if (c && c.hdr.width === width && c.hdr.height === height) return c;
    this.#conv = { hdr: new YuvFrameConverter(width, height, HDR_LAYOUT), sdr: new YuvFrameConverter(width, height, SDR_LAYOUT) };
    return this.#conv;
  }

  #acquire(n: number, width: number, height: number): Scratch {
    const key = `${n}x${width}x${height}`;
    const reused = this.#free.get(key)?.pop();
    if (reused) return reused;
    const { thumb: t, knots: k } = this.#cfg;
    const px = width * height;
    const g = t / 8;
    const thumb = new Float32Array(n * t * t * 3);
    const inc = new Float32Array(n * k);
    const peak = new Float32Array(n);
    const base = new Float32Array(n * BASE_CELLS * BASE_CELLS);
    const gains = new Float32Array(n * 2 * g * g);
    return {
      key, thumb, inc, peak, base, gains,
      planes: Array.from({ length: n }, () => ({ r: new Float32Array(px), g: new Float32Array(px), b: new Float32Array(px) })),
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

  #outputBuffer(bytes: number): Uint8Array {
    return this.#outputs.get(bytes)?.pop() ?? new Uint8Array(bytes);
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

  async reverse(frames: readonly ModelFrame[], sideInfo: readonly SideInfo[], source: HdrSourceInfo): Promise<Uint8Array[]> {
    const { width, height } = source;
    const { thumb: t, knots: k } = this.#cfg;
    const conv = this.#converters(width, height);
    const s = this.#acquire(frames.length, width, height);
    try {
      const peakPq = pqEncode(source.masteringPeak);
      frames.forEach((frame, i) => {
        const p = hdrPlanes({ hdrConv: conv.hdr, planes: s.planes[i]! }, frame, source);
        s.thumb.set(areaThumbnailPlanes(p, width, height, t), i * t * t * 3);
        s.inc.set(sideInfo[i]!, i * k);
        s.peak[i] = peakPq;
      });
      const f = s.tensors;
      await this.#sessions['reverse-grid'].run({ thumb: f.thumb, inc: f.inc, peakPq: f.peakPq }, { base: f.base, gains: f.gains });
      const px = width * height;
      return frames.map((_, i) => {
        const p = s.planes[i]!;
        reverseFullRes(p, width, height, this.#lowRes(s, i, sideInfo[i]!), peakPq);
        const out = this.#outputBuffer((px * 3) / 2);
        conv.sdr.fromRgb(p, [out.subarray(0, px), out.subarray(px, (px * 5) / 4), out.subarray((px * 5) / 4)]);
        return out;
      });
    } finally {
      this.#release(s);
    }
  }

  async forward(frames: readonly ModelFrame[], sideInfo: readonly (SideInfo | null)[], target: HdrSourceInfo): Promise<Uint8Array[]> {
    // Guided and blind frames run through different graphs: split a mixed batch in two.
    const guided = frames.flatMap((_, i) => (sideInfo[i] ? [i] : []));
    const blind = frames.flatMap((_, i) => (sideInfo[i] ? [] : [i]));
    const result: Uint8Array[] = new Array<Uint8Array>(frames.length);
    for (const [idx, kind] of [[guided, 'forward-guided-grid'], [blind, 'forward-blind-grid']] as const) {
      if (idx.length === 0) continue;
      const outs = await this.#forwardGroup(idx.map((i) => frames[i]!), idx.map((i) => sideInfo[i] ?? null), target, kind);
      idx.forEach((i, j) => (result[i] = outs[j]!));
    }
    return result;
  }

  async #forwardGroup(frames: ModelFrame[], side: (SideInfo | null)[], target: HdrSourceInfo, kind: 'forward-guided-grid' | 'forward-blind-grid'): Promise<Uint8Array[]> {
    const { width, height } = target;
    const { thumb: t, knots: k } = this.#cfg;
    const conv = this.#converters(width, height);
    const s = this.#acquire(frames.length, width, height);
    try {
      frames.forEach((frame, i) => {
        const p = conv.sdr.toRgb(frame.planes as Uint8Array[], s.planes[i]!);
        s.thumb.set(areaThumbnailPlanes(p, width, height, t), i * t * t * 3);
        if (side[i]) s.inc.set(side[i], i * k);
      });
      const f = s.tensors;
      if (kind === 'forward-guided-grid') await this.#sessions[kind].run({ thumb: f.thumb, inc: f.inc }, { base: f.base, gains: f.gains });
      else await this.#sessions[kind].run({ thumb: f.thumb }, { base: f.base, gains: f.gains, inc: f.inc });
      const px = width * height;
      const peakPq = pqEncode(target.masteringPeak);
      return frames.map((_, i) => {
        const p = s.planes[i]!;
        forwardFullRes(p, width, height, this.#lowRes(s, i, s.inc.subarray(i * k, (i + 1) * k)), kind === 'forward-guided-grid', peakPq);
        if (target.transfer === 'hlg') {
          for (const c of [p.r, p.g, p.b]) pqDecodePlane(c, c);
          hlgEncodePlanes(p.r, p.g, p.b, p.r, p.g, p.b, target.masteringPeak);
        }
        const out = this.#outputBuffer(px * 3);
        const view = (o: number, len: number): Uint16Array => new Uint16Array(out.buffer, out.byteOffset + o * 2, len);
        conv.hdr.fromRgb(p, [view(0, px), view(px, px / 4), view((5 * px) / 4, px / 4)]);
        return out;
      });
    } finally {
      this.#release(s);
    }
  }

  dispose(): void {
    for (const s of Object.values(this.#sessions)) void s.release();
    this.#reference.dispose();
    this.#free.clear();
    this.#outputs.clear();
    this.#conv = null;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
