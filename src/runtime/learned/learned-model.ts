// The learned dual camera pair as a ToneModel, run by TF.js (the reference engine; ONNX Runtime
// arrives with the inference-engine issue). Frames cross as planar Y'CbCr; the conversion to and
// from R'G'B' runs here in one pass over typed arrays, the networks run in TF.js.

import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  HDR_LAYOUT, SDR_LAYOUT, YuvFrameConverter, hlgDecodePlanes, hlgEncodePlanes, pqDecodePlane, pqEncode, pqEncodePlane, type RgbPlanes,
} from '../../color/index.js';
import type { PlanarFormat } from '../../io/index.js';
import { MIN_INCREMENT, assignForward, forward, initBackend, loadModel, reverse, reverseCurve, type LoadedModel } from '../../model/index.js';
import { MODELS_DIR } from '../models.js';
import type { HdrSourceInfo, ModelFrame, SideInfo, ToneModel } from '../tone-model.js';
import { FrameWorkspace } from './simd-kernels.js';

const HDR_FORMAT: PlanarFormat = 'yuv420p10le';
const SDR_FORMAT: PlanarFormat = 'yuv420p';
/** Side info values are rounded to this many decimals (the manifest stores exactly what R used). */
const SIDE_DECIMALS = 4;
/** Time constant of the curve's exponential smoothing, seconds at the assumed 24 frames/s. */
const SMOOTH_SECONDS = 0.5;
const FRAME_RATE = 24;
/** A change of the thumbnail's mean PQ luminance by more than this is a scene cut (no smoothing across it). */
const SCENE_CUT_PQ = 0.08;

/** Area average of interleaved RGB (width x height) into a size x size interleaved thumbnail. */
export function areaThumbnail(rgb: Float32Array, width: number, height: number, size: number): Float32Array {
  return areaThumbnailOf([rgb, rgb, rgb], [0, 1, 2], 3, width, height, size, size);
}

/** The same from R'G'B' planes. */
export function areaThumbnailPlanes(p: RgbPlanes, width: number, height: number, size: number): Float32Array {
  return areaThumbnailOf([p.r, p.g, p.b], [0, 0, 0], 1, width, height, size, size);
}

/** R'G'B' planes area-averaged to outW x outH, interleaved (training views of whole frames). */
export function areaResizePlanes(p: RgbPlanes, width: number, height: number, outW: number, outH: number): Float32Array {
  return areaThumbnailOf([p.r, p.g, p.b], [0, 0, 0], 1, width, height, outW, outH);
}

/** Channel c of pixel i is src[c][offset[c] + stride·i]; each source pixel goes to the cell its centre falls in. */
function areaThumbnailOf(src: Float32Array[], offset: number[], stride: number, width: number, height: number, sizeW: number, sizeH: number): Float32Array {
  const sum = new Float64Array(sizeW * sizeH * 3);
  const count = new Float64Array(sizeW * sizeH);
  const colOf = new Int32Array(width);
  for (let x = 0; x < width; x++) colOf[x] = Math.min(sizeW - 1, Math.floor(((x + 0.5) * sizeW) / width));
  for (let ch = 0; ch < 3; ch++) {
    const plane = src[ch]!;
    const o = offset[ch]!;
    for (let y = 0; y < height; y++) {
      const row = Math.min(sizeH - 1, Math.floor(((y + 0.5) * sizeH) / height)) * sizeW;
      for (let x = 0, i = o + stride * y * width; x < width; x++, i += stride) {
        const c = 3 * (row + colOf[x]!) + ch;
        sum[c] = sum[c]! + plane[i]!;
      }
    }
  }
  for (let y = 0; y < height; y++) {
    const row = Math.min(sizeH - 1, Math.floor(((y + 0.5) * sizeH) / height)) * sizeW;
    for (let x = 0; x < width; x++) count[row + colOf[x]!] = count[row + colOf[x]!]! + 1;
  }
  const out = new Float32Array(sizeW * sizeH * 3);
  for (let c = 0; c < sizeW * sizeH; c++) {
    const n = count[c] || 1;
    out[3 * c] = sum[3 * c]! / n;
    out[3 * c + 1] = sum[3 * c + 1]! / n;
    out[3 * c + 2] = sum[3 * c + 2]! / n;
  }
  return out;
}

/** Round increments to SIDE_DECIMALS keeping each ≥ MIN_INCREMENT and the sum exactly 1 (within float). */
export function quantizeIncrements(inc: readonly number[]): number[] {
  const q = 10 ** SIDE_DECIMALS;
  const out = inc.map((v) => Math.max(Math.round(v * q), Math.ceil(MIN_INCREMENT * q)));
  const total = out.reduce((a, b) => a + b, 0);
  let big = 0;
  for (let i = 1; i < out.length; i++) if (out[i]! > out[big]!) big = i;
  out[big]! += q - total; // the largest segment absorbs the rounding residue
  return out.map((v) => v / q);
}

/** HDR frame -> PQ BT.2020 R'G'B' planes (HLG through the BT.2100 OOTF at the mastering peak). */
export function hdrPlanes(conv: { hdrConv: YuvFrameConverter; planes: RgbPlanes }, frame: ModelFrame, info: HdrSourceInfo): RgbPlanes {
  const p = conv.hdrConv.toRgb(frame.planes as Uint16Array[], conv.planes);
  if (info.transfer === 'hlg') {
    hlgDecodePlanes(p.r, p.g, p.b, p.r, p.g, p.b, info.masteringPeak);
    for (const c of [p.r, p.g, p.b]) pqEncodePlane(c, c);
  }
  return p;
}

function interleave(p: RgbPlanes, out: Float32Array): Float32Array {
  const { r, g, b } = p;
  for (let i = 0; i < r.length; i++) {
    out[3 * i] = r[i]!;
    out[3 * i + 1] = g[i]!;
    out[3 * i + 2] = b[i]!;
  }
  return out;
}

function deinterleave(src: Float32Array | Int32Array | Uint8Array, p: RgbPlanes): RgbPlanes {
  const { r, g, b } = p;
  for (let i = 0; i < r.length; i++) {
    r[i] = src[3 * i]!;
    g[i] = src[3 * i + 1]!;
    b[i] = src[3 * i + 2]!;
  }
  return p;
}

type Scratch = { hdrConv: YuvFrameConverter; sdrConv: YuvFrameConverter; planes: RgbPlanes; rgb: Float32Array };

export class LearnedToneModel implements ToneModel {
  readonly id: string;
  readonly contentHash: string;
  readonly sideInfoFields: readonly string[];
  readonly hdrFormat = HDR_FORMAT;
  readonly sdrFormat = SDR_FORMAT;
  // TF.js runs one op at a time on its backend: one frame per call, no overlap to gain.
  readonly preferredBatch = { size: 1, concurrency: 1 };
  readonly #model: LoadedModel;
  #scratch: Scratch | null = null;
  /** analyze's frame, converted and thumbnailed by the SIMD kernels (both engines' side info comes from here). */
  #analysis: FrameWorkspace | null = null;
  #state: { inc: number[]; mean: number } | null = null;

  private constructor(model: LoadedModel) {
    this.#model = model;
    this.id = model.id;
    this.contentHash = model.contentHash;
    this.sideInfoFields = Object.freeze(Array.from({ length: model.config.knots }, (_, i) => `curve${i}`));
  }

  /**
   * Load models/<id>/ (or `dir`) on the best TF.js backend; `forwardWeights` replaces F's weights
   * (a clip's adapted forward network). The id and content hash stay the base model's.
   */
  static async load(id: string, dir = join(MODELS_DIR, id), opts: { forwardWeights?: Float32Array } = {}): Promise<LearnedToneModel> {
    await initBackend('auto');
    const model = await loadModel(dir);
    if (model.id !== id) throw new Error(`model folder ${dir} holds "${model.id}", not "${id}"`);
    if (opts.forwardWeights) assignForward(model.config, model.params, opts.forwardWeights);
    return new LearnedToneModel(model);
  }

  #scratchFor(width: number, height: number): Scratch {
    const s = this.#scratch;
    if (s && s.hdrConv.width === width && s.hdrConv.height === height) return s;
    const n = width * height;
    this.#scratch = {
      hdrConv: new YuvFrameConverter(width, height, HDR_LAYOUT),
      sdrConv: new YuvFrameConverter(width, height, SDR_LAYOUT),
      planes: { r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) },
      rgb: new Float32Array(3 * n),
    };
    return this.#scratch;
  }

  /** HDR frame -> interleaved PQ BT.2020 R'G'B' (HLG through the BT.2100 OOTF at the mastering peak). */
  #hdrRgb(frame: ModelFrame, info: HdrSourceInfo): Float32Array {
    const s = this.#scratchFor(info.width, info.height);
    return interleave(hdrPlanes(s, frame, info), s.rgb);
  }

  #peakPq(info: HdrSourceInfo): number {
    return pqEncode(info.masteringPeak);
  }

  analyze(frames: readonly ModelFrame[], source: HdrSourceInfo): SideInfo[] {
    const t = this.#model.config.thumb;
    const alpha = 1 - Math.exp(-1 / (FRAME_RATE * SMOOTH_SECONDS));
    if (this.#analysis?.width !== source.width || this.#analysis.height !== source.height) {
      this.#analysis?.release();
      this.#analysis = new FrameWorkspace(source.width, source.height, 1);
    }
    const ws = this.#analysis;
    return frames.map((frame) => {
      ws.fromHdr(0, frame, source);
      const thumb = ws.thumbnail(0, t);
      const raw = tf.tidy(() =>
        Array.from(reverseCurve(this.#model.params, tf.tensor4d(thumb, [1, t, t, 3]), tf.tensor1d([this.#peakPq(source)])).dataSync()),
      );
      let mean = 0;
      for (let i = 0; i < thumb.length; i += 3) mean += 0.2627 * thumb[i]! + 0.678 * thumb[i + 1]! + 0.0593 * thumb[i + 2]!;
      mean /= t * t;
      const prev = this.#state;
      // A convex mix of two valid curves is a valid curve: smoothing never breaks invertibility.
      const inc = prev && Math.abs(mean - prev.mean) <= SCENE_CUT_PQ ? raw.map((v, i) => prev.inc[i]! + alpha * (v - prev.inc[i]!)) : raw;
      this.#state = { inc, mean };
      return quantizeIncrements(inc);
    });
  }

  async reverse(frames: readonly ModelFrame[], sideInfo: readonly SideInfo[], source: HdrSourceInfo): Promise<Uint8Array[]> {
    const { width, height } = source;
    const t = this.#model.config.thumb;
    return frames.map((frame, i) => {
      const rgb = this.#hdrRgb(frame, source);
      const thumb = areaThumbnail(rgb, width, height, t);
      const sdr = tf.tidy(() => {
        const peak = tf.tensor1d([this.#peakPq(source)]);
        const inc = tf.tensor2d([sideInfo[i] as number[]]);
        return reverse(this.#model.params, tf.tensor4d(rgb, [1, height, width, 3]), tf.tensor4d(thumb, [1, t, t, 3]), inc, peak).dataSync() as Float32Array;
      });
      const s = this.#scratchFor(width, height);
      const out = new Uint8Array((width * height * 3) / 2);
      const planes = [out.subarray(0, width * height), out.subarray(width * height, (width * height * 5) / 4), out.subarray((width * height * 5) / 4)];
      s.sdrConv.fromRgb(deinterleave(sdr, s.planes), planes);
      return out;
    });
  }

  async forward(frames: readonly ModelFrame[], sideInfo: readonly (SideInfo | null)[], target: HdrSourceInfo): Promise<Uint8Array[]> {
    const { width, height } = target;
    const t = this.#model.config.thumb;
    return frames.map((frame, i) => {
      const s = this.#scratchFor(width, height);
      const rgb = interleave(s.sdrConv.toRgb(frame.planes as Uint8Array[], s.planes), s.rgb);
      const thumb = areaThumbnail(rgb, width, height, t);
      const side = sideInfo[i];
      const hdr = tf.tidy(() => {
        const peak = tf.tensor1d([this.#peakPq(target)]);
        const inc = side ? tf.tensor2d([side as number[]]) : null;
        return forward(this.#model.params, tf.tensor4d(rgb, [1, height, width, 3]), tf.tensor4d(thumb, [1, t, t, 3]), inc, peak).dataSync() as Float32Array;
      });
      const p = deinterleave(hdr, s.planes);
      if (target.transfer === 'hlg') {
        for (const c of [p.r, p.g, p.b]) pqDecodePlane(c, c);
        hlgEncodePlanes(p.r, p.g, p.b, p.r, p.g, p.b, target.masteringPeak);
      }
      const out = new Uint8Array(width * height * 3);
      const n = width * height;
      const view = (o: number, len: number): Uint16Array => new Uint16Array(out.buffer, o * 2, len);
      s.hdrConv.fromRgb(p, [view(0, n), view(n, n / 4), view((5 * n) / 4, n / 4)]);
      return out;
    });
  }

  dispose(): void {
    for (const v of Object.values(this.#model.params)) v.dispose();
    this.#scratch = null;
    this.#analysis?.release();
    this.#analysis = null;
  }
}
