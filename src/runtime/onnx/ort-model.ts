// The learned dual camera pair as a ToneModel run by ONNX Runtime. Frames cross as planar
// Y'CbCr; YUV <-> interleaved R'G'B' and the area thumbnail run in JS (as in the TF.js engine),
// R and F run as ONNX graphs on whole batches with input and output buffers reused between calls.
// `analyze` must be synchronous (the ToneModel contract) and ONNX Runtime's run is not, so the
// per-frame curve and its temporal smoothing come from the TF.js engine itself: one 64x64
// thumbnail per frame, and side info identical to what `--engine tfjs` writes.

import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  YuvFrameConverter, hlgDecodePlanes, hlgEncodePlanes, pqDecodePlane, pqEncode, pqEncodePlane, type RgbPlanes,
} from '../../color/index.js';
import { initBackend, loadModel, type DualCameraConfig } from '../../model/index.js';
import { LearnedToneModel, MODELS_DIR, areaThumbnail } from '../learned/learned-model.js';
import type { HdrSourceInfo, ModelFrame, SideInfo, ToneModel } from '../tone-model.js';
import type { GraphKind } from './dual-camera-onnx.js';
import { buildGraphs, readOnnxModel } from './onnx-export.js';
import { createSession, resolveDevice, type OrtDevice, type SessionOptions } from './ort-session.js';

const HDR_LAYOUT = { matrix: 'bt2020nc', range: 'limited', bitDepth: 10, subsampling: '420' } as const;
const SDR_LAYOUT = { matrix: 'bt709', range: 'limited', bitDepth: 8, subsampling: '420' } as const;

export type OrtModelOptions = SessionOptions & {
  /** Folder of the TF.js model (model.json + weights.bin); default models/<id>. */
  dir?: string;
  /** Folder of an exported model (`duhdr export`); default: graphs built in memory from `dir`. */
  onnxDir?: string;
};

/** Buffers of one batch shape, reused call after call; the ORT tensors wrap them without copies. */
type Sessions = Record<Exclude<GraphKind, 'reverse-curve'>, ort.InferenceSession>;

type Scratch = {
  key: string;
  frames: Float32Array;
  thumb: Float32Array;
  inc: Float32Array;
  peak: Float32Array;
  out: Float32Array;
  feeds: Record<'frame' | 'thumb' | 'inc' | 'peakPq' | 'out', ort.Tensor>;
  planes: RgbPlanes;
};

function interleaveAt(p: RgbPlanes, out: Float32Array, at: number): void {
  const { r, g, b } = p;
  for (let i = 0, o = at; i < r.length; i++, o += 3) {
    out[o] = r[i]!;
    out[o + 1] = g[i]!;
    out[o + 2] = b[i]!;
  }
}

function deinterleaveAt(src: Float32Array, at: number, p: RgbPlanes): RgbPlanes {
  const { r, g, b } = p;
  for (let i = 0, o = at; i < r.length; i++, o += 3) {
    r[i] = src[o]!;
    g[i] = src[o + 1]!;
    b[i] = src[o + 2]!;
  }
  return p;
}

export class OrtToneModel implements ToneModel {
  readonly id: string;
  readonly contentHash: string;
  readonly sideInfoFields: readonly string[];
  readonly hdrFormat;
  readonly sdrFormat;
  /** ORT uses every core inside one run: batches of a few frames, one call at a time. */
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
    const reference = await LearnedToneModel.load(id, dir);
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
        graphs = buildGraphs(model);
        cfg = model.config;
        for (const v of Object.values(model.params)) v.dispose();
      }
      const make = (k: GraphKind) => createSession(graphs[k], device, opts.threads);
      const [reverse, guided, blind] = await Promise.all([make('reverse'), make('forward-guided'), make('forward-blind')]);
      return new OrtToneModel(reference, cfg, device, { reverse, 'forward-guided': guided, 'forward-blind': blind });
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
    const frames = new Float32Array(n * px * 3);
    const thumb = new Float32Array(n * t * t * 3);
    const inc = new Float32Array(n * k);
    const peak = new Float32Array(n);
    const out = new Float32Array(n * px * 3);
    return {
      key, frames, thumb, inc, peak, out,
      feeds: {
        frame: new ort.Tensor('float32', frames, [n, height, width, 3]),
        thumb: new ort.Tensor('float32', thumb, [n, t, t, 3]),
        inc: new ort.Tensor('float32', inc, [n, k]),
        peakPq: new ort.Tensor('float32', peak, [n]),
        out: new ort.Tensor('float32', out, [n, height, width, 3]),
      },
      planes: { r: new Float32Array(px), g: new Float32Array(px), b: new Float32Array(px) },
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

  /** Fill frame i's slots: interleaved R'G'B', its thumbnail, the mastering peak. */
  #stage(s: Scratch, i: number, planes: RgbPlanes, width: number, height: number, info: HdrSourceInfo): void {
    const t = this.#cfg.thumb;
    const at = i * width * height * 3;
    interleaveAt(planes, s.frames, at);
    s.thumb.set(areaThumbnail(s.frames.subarray(at, at + width * height * 3), width, height, t), i * t * t * 3);
    s.peak[i] = pqEncode(info.masteringPeak);
  }

  analyze(frames: readonly ModelFrame[], source: HdrSourceInfo): SideInfo[] {
    return this.#reference.analyze(frames, source);
  }

  async reverse(frames: readonly ModelFrame[], sideInfo: readonly SideInfo[], source: HdrSourceInfo): Promise<Uint8Array[]> {
    const { width, height } = source;
    const conv = this.#converters(width, height);
    const s = this.#acquire(frames.length, width, height);
    try {
      frames.forEach((frame, i) => {
        const p = conv.hdr.toRgb(frame.planes as Uint16Array[], s.planes);
        if (source.transfer === 'hlg') {
          hlgDecodePlanes(p.r, p.g, p.b, p.r, p.g, p.b, source.masteringPeak);
          for (const c of [p.r, p.g, p.b]) pqEncodePlane(c, c);
        }
        this.#stage(s, i, p, width, height, source);
        s.inc.set(sideInfo[i]!, i * this.#cfg.knots);
      });
      const f = s.feeds;
      await this.#sessions.reverse.run({ hdr: f.frame, thumb: f.thumb, inc: f.inc, peakPq: f.peakPq }, { sdr: f.out });
      const px = width * height;
      return frames.map((_, i) => {
        const out = this.#outputBuffer((px * 3) / 2);
        conv.sdr.fromRgb(deinterleaveAt(s.out, i * px * 3, s.planes), [out.subarray(0, px), out.subarray(px, (px * 5) / 4), out.subarray((px * 5) / 4)]);
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
    for (const [idx, kind] of [[guided, 'forward-guided'], [blind, 'forward-blind']] as const) {
      if (idx.length === 0) continue;
      const outs = await this.#forwardGroup(idx.map((i) => frames[i]!), idx.map((i) => sideInfo[i] ?? null), target, kind);
      idx.forEach((i, j) => (result[i] = outs[j]!));
    }
    return result;
  }

  async #forwardGroup(frames: ModelFrame[], side: (SideInfo | null)[], target: HdrSourceInfo, kind: 'forward-guided' | 'forward-blind'): Promise<Uint8Array[]> {
    const { width, height } = target;
    const conv = this.#converters(width, height);
    const s = this.#acquire(frames.length, width, height);
    try {
      frames.forEach((frame, i) => {
        this.#stage(s, i, conv.sdr.toRgb(frame.planes as Uint8Array[], s.planes), width, height, target);
        if (side[i]) s.inc.set(side[i], i * this.#cfg.knots);
      });
      const f = s.feeds;
      const feeds: Record<string, ort.Tensor> = { sdr: f.frame, thumb: f.thumb, peakPq: f.peakPq };
      if (kind === 'forward-guided') feeds['inc'] = f.inc;
      await this.#sessions[kind].run(feeds, { hdr: f.out });
      const px = width * height;
      return frames.map((_, i) => {
        const p = deinterleaveAt(s.out, i * px * 3, s.planes);
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
