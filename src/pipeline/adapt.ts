// `encode --adapt`: after the SDR is encoded, tune the forward network on views of this clip
// (the coded SDR as a player will decode it, beside the source HDR) and describe the tuned F for
// the manifest (float16 weights, base64). The views are whole frames area-averaged to a small
// size, so F's thumbnail and attention grid see what they see at restore.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HDR_LAYOUT, SDR_LAYOUT, YuvFrameConverter, pqEncode, type RgbPlanes } from '../color/index.js';
import { FrameReader, InputError, OptionError, floatToHalf, halfToFloat, type MediaInfo } from '../io/index.js';
import { MODELS_DIR, toneModelIds, type HdrSourceInfo, type SideInfo } from '../runtime/index.js';
import type { AdaptFrame } from '../train/index.js';
import type { Manifest } from './manifest.js';
import type { ProgressListener } from './progress.js';

/** Views tuned on per clip (every 4th held out to check the tuning generalises). */
const MAX_VIEWS = 24;
/** View size: whole frames area-averaged (both multiples of the 64-pixel thumbnail). */
const VIEW_W = 256;
const VIEW_H = 128;
export const DEFAULT_ADAPT_SECONDS = 60;

export type AdaptedForward = NonNullable<Manifest['model']['adaptedForward']>;

export type AdaptReport = {
  /** What goes into the manifest, or null when tuning did not beat the base model on held-out frames. */
  manifest: AdaptedForward | null;
  /** Size of the shipped weights in the manifest (base64), bytes. */
  bytes: number;
  steps: number;
  seconds: number;
  heldOutBefore: number;
  heldOutAfter: number;
};

/** Refuse --adapt up front (before any encoding) for a model without a forward network to tune. */
export function checkAdaptable(modelId: string): void {
  // An unknown id is left to the model loader, which lists the models there are.
  if (!toneModelIds().includes(modelId)) return;
  if (!existsSync(join(MODELS_DIR, modelId, 'model.json'))) {
    throw new OptionError(`--adapt: model ${modelId} has no forward network to tune (use a learned model, e.g. --model dual-v1)`);
  }
}

/** What encode reports of an adaptation (`shipped` false: it did not beat the base model on held-out frames). */
export type AdaptSummary = Omit<AdaptReport, 'manifest'> & { shipped: boolean };

export function adaptSummary(r: AdaptReport): AdaptSummary {
  const { manifest, ...facts } = r;
  return { ...facts, shipped: manifest !== null };
}

/** Frame indices spread evenly over the clip. */
function viewIndices(frames: number): Set<number> {
  const k = Math.min(frames, MAX_VIEWS);
  return new Set(Array.from({ length: k }, (_, i) => Math.floor(((i + 0.5) * frames) / k)));
}

async function collectViews(o: {
  source: string; sdr: string; info: MediaInfo; hdrSource: HdrSourceInfo; sideInfo: readonly SideInfo[]; signal: AbortSignal | undefined;
}): Promise<AdaptFrame[]> {
  const { areaResizePlanes, hdrPlanes } = await import('../runtime/learned/index.js');
  const { width, height } = o.hdrSource;
  const wanted = viewIndices(o.sideInfo.length);
  const n = width * height;
  const planes = (): RgbPlanes => ({ r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) });
  const hdrConv = { hdrConv: new YuvFrameConverter(width, height, HDR_LAYOUT), planes: planes() };
  const sdrConv = new YuvFrameConverter(width, height, SDR_LAYOUT);
  const sdrPlanes = planes();
  const signal = o.signal ? { signal: o.signal } : {};
  const hdrReader = await FrameReader.open(o.source, { format: 'yuv420p10le', info: o.info, ...signal });
  const sdrReader = await FrameReader.open(o.sdr, { format: 'yuv420p', ...signal });
  const hdrIt = hdrReader[Symbol.asyncIterator]();
  const sdrIt = sdrReader[Symbol.asyncIterator]();
  const views: AdaptFrame[] = [];
  try {
    for (let i = 0; views.length < wanted.size; i++) {
      const [h, s] = await Promise.all([hdrIt.next(), sdrIt.next()]);
      if (h.done || s.done) break;
      if (!wanted.has(i)) continue;
      const hdr = areaResizePlanes(hdrPlanes(hdrConv, h.value, o.hdrSource), width, height, VIEW_W, VIEW_H);
      const sdr = areaResizePlanes(sdrConv.toRgb(s.value.planes as Uint8Array[], sdrPlanes), width, height, VIEW_W, VIEW_H);
      views.push({ hdr, sdr, inc: o.sideInfo[i]! });
    }
  } finally {
    // Stop both decoders (ends their ffmpeg processes) whether or not every frame was read.
    await Promise.all([hdrIt.return?.(), sdrIt.return?.()]);
  }
  return views;
}

/**
 * Tune `modelId`'s forward network on the clip (`source` HDR, `sdr` the encoded SDR) for up to
 * `seconds` of training, with the per-frame side info encode wrote.
 */
export async function adaptToClip(o: {
  modelId: string;
  source: string;
  sdr: string;
  info: MediaInfo;
  hdrSource: HdrSourceInfo;
  sideInfo: readonly SideInfo[];
  seconds: number;
  maxSteps?: number;
  signal: AbortSignal | undefined;
  onProgress: ProgressListener | undefined;
}): Promise<AdaptReport> {
  checkAdaptable(o.modelId);
  // TF.js and the trainer load here, not with the pipeline: encode without --adapt never needs them.
  const [{ initBackend, loadModel }, { adaptForward }] = await Promise.all([import('../model/index.js'), import('../train/index.js')]);
  await initBackend('auto');
  const model = await loadModel(join(MODELS_DIR, o.modelId), { trainable: true });
  try {
    const views = await collectViews(o);
    const r = await adaptForward({
      // The weights travel as float16: half the bytes, and the held-out check measures them as shipped.
      quantize: (w) => Float32Array.from(w, (v) => halfToFloat(floatToHalf(v))),
      model, frames: views, width: VIEW_W, height: VIEW_H, peakPq: pqEncode(o.hdrSource.masteringPeak), seconds: o.seconds,
      ...(o.maxSteps !== undefined ? { maxSteps: o.maxSteps } : {}), ...(o.signal ? { signal: o.signal } : {}),
      onStep: (step, _loss, elapsed) =>
        o.onProgress?.({ stage: 'adapt', frames: step, totalFrames: null, elapsed, fps: step / Math.max(elapsed, 1e-9), eta: Math.max(0, o.seconds - elapsed), slowest: null, unit: 'steps' }),
    });
    const facts = { steps: r.steps, seconds: Math.round(r.seconds * 10) / 10, heldOutBefore: round2(r.heldOutBefore), heldOutAfter: round2(r.heldOutAfter) };
    if (!r.weights) return { manifest: null, bytes: 0, ...facts };
    const half = Uint16Array.from(r.weights, floatToHalf);
    const bytes = new Uint8Array(half.buffer);
    const weights = Buffer.from(bytes).toString('base64');
    return {
      manifest: { weights, sha256: createHash('sha256').update(bytes).digest('hex'), ...facts },
      bytes: weights.length,
      ...facts,
    };
  } finally {
    for (const v of Object.values(model.params)) v.dispose();
  }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/** The adapted F's weights from a manifest, checked against their hash. */
export function adaptedWeights(a: AdaptedForward, file: string): Float32Array {
  const bytes = Buffer.from(a.weights, 'base64');
  if (createHash('sha256').update(bytes).digest('hex') !== a.sha256) {
    throw new InputError(file, 'the adapted forward network in its manifest is corrupt (sha256 mismatch)');
  }
  if (bytes.length % 2 !== 0) throw new InputError(file, `the adapted forward network is ${bytes.length} bytes, not whole float16 values`);
  // Copy into an aligned buffer: a Buffer's slice of the shared pool may start at any offset.
  return Float32Array.from(new Uint16Array(new Uint8Array(bytes).buffer), halfToFloat);
}
