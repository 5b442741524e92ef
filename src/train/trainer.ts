// `duhdr train`: dual learning of R and F on HDR images (paired with simulated camera SDR) and
// real SDR photos (unpaired). Reproducible: step s draws its batch from an Rng seeded by
// (seed, s), so a resumed run sees exactly the batches an uninterrupted one would have.

import { mkdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { pqDecode } from '../color/index.js';
import { colourfulness, pu21Psnr, rmsContrast } from '../eval/index.js';
import { CanceledError, DuhdrError, OptionError } from '../io/index.js';
import {
  BT709_LUMA, DEFAULT_CONFIG, forward, initBackend, initParams, loadModel, reverse, reverseCurve, saveModel, thumbnail,
  type BackendChoice, type BackendName, type DualCameraConfig, type Params,
} from '../model/index.js';
import { HdrImageSet, LdrImageSet, createRng, type PairedSample, type RgbImage } from './data/index.js';
import { DEFAULT_LOSS_WEIGHTS, dualLoss, quantize8, type LossWeights } from './losses.js';
import { TRAIN_VARIANTS, type TrainVariant } from './variants.js';

export type TrainOptions = {
  /** HDR images/videos (files, folders, .zip). */
  hdr: string[];
  /** Real SDR photos/videos for the unpaired cycle. */
  ldr: string[];
  /** Where the trained model goes (model.json, weights.bin, report). */
  output: string;
  id?: string;
  steps?: number;
  batch?: number;
  /** Training crop, width x height (multiples of the thumbnail side). */
  crop?: [number, number];
  learningRate?: number;
  seed?: number;
  /** Validate every N steps (and at the end). */
  validateEvery?: number;
  /** Fraction of images held out for validation (by name). */
  valFraction?: number;
  /** Fixed held-out views validation measures (256x128 each). */
  valSamples?: number;
  /** Checkpoint every N steps into OUTPUT/checkpoint. */
  checkpointEvery?: number;
  /** Continue from OUTPUT/checkpoint. */
  resume?: boolean;
  /** Stop after this many seconds of training (the run is then shorter than `steps`). */
  timeBudget?: number;
  backend?: BackendChoice;
  weights?: Partial<LossWeights>;
  /** Ablation variant (default `full`). */
  variant?: TrainVariant;
  config?: DualCameraConfig;
  signal?: AbortSignal;
  onEvent?: (e: TrainEvent) => void;
};

export type LossRecord = { step: number; total: number; reverse: number; forwardBlind: number; roundTrip: number; cycle: number; naturalness: number };
export type ValidationRecord = {
  step: number; roundTripPu21Psnr: number; blindPu21Psnr: number; reverseL1: number;
  /** R's SDR look on the validation views: mean Hasler–Süsstrunk colourfulness and RMS contrast of BT.709 luma. */
  sdrColourfulness: number; sdrContrast: number;
};

export type TrainEvent =
  | { kind: 'backend'; backend: BackendName }
  | { kind: 'data'; hdrTrain: number; hdrVal: number; ldrTrain: number; ldrVal: number; seconds: number }
  | { kind: 'step'; step: number; steps: number; losses: LossRecord; samplesPerSecond: number; etaSeconds: number }
  | { kind: 'validation'; record: ValidationRecord }
  | { kind: 'checkpoint'; step: number; dir: string }
  | { kind: 'done'; steps: number; seconds: number; contentHash: string; validation: ValidationRecord | null };

export type TrainResult = {
  steps: number;
  seconds: number;
  contentHash: string;
  losses: LossRecord[];
  validation: ValidationRecord[];
  backend: BackendName;
  /** The camera SDR's look on the validation views (what R's look is compared with). */
  cameraLook: { colourfulness: number; contrast: number };
};

const CHECKPOINT = 'checkpoint';
const VAL_SAMPLES = 24;
const VAL_CROP: [number, number] = [256, 128];
const VAL_SEED = 0x5eed;
/** Std of the codec-like noise Q adds after rounding, in 8-bit code values. */
const CODEC_NOISE_CODES = 0.6;

type Resolved = Required<Omit<TrainOptions, 'signal' | 'onEvent' | 'weights' | 'id'>> & { id: string; weights: LossWeights };

function resolve(o: TrainOptions): Resolved {
  const r: Resolved = {
    hdr: o.hdr, ldr: o.ldr, output: o.output, id: o.id ?? 'dual-v1',
    steps: o.steps ?? 2000, batch: o.batch ?? 8, crop: o.crop ?? [128, 64], learningRate: o.learningRate ?? 2e-3,
    seed: o.seed ?? 1, validateEvery: o.validateEvery ?? 200, valFraction: o.valFraction ?? 0.15, valSamples: o.valSamples ?? VAL_SAMPLES,
    checkpointEvery: o.checkpointEvery ?? 100, resume: o.resume ?? false, timeBudget: o.timeBudget ?? Infinity,
    backend: o.backend ?? 'auto', variant: o.variant ?? 'full', weights: variantWeights(o.variant ?? 'full', { ...DEFAULT_LOSS_WEIGHTS, ...o.weights }),
    config: o.config ?? DEFAULT_CONFIG,
  };
  if (!TRAIN_VARIANTS.includes(r.variant)) throw new OptionError(`--variant ${r.variant}: expected one of ${TRAIN_VARIANTS.join(', ')}`);
  const t = r.config.thumb;
  if (r.crop[0] % t !== 0 || r.crop[1] % t !== 0) throw new OptionError(`--crop ${r.crop.join('x')}: both sides must be multiples of ${t}`);
  if (!(r.steps >= 1) || !(r.batch >= 1)) throw new OptionError('--steps and --batch must be at least 1');
  if (r.hdr.length === 0) throw new OptionError('no HDR training data given (--hdr)');
  if (r.ldr.length === 0) throw new OptionError('no SDR training data given (--ldr)');
  return r;
}

function variantWeights(variant: TrainVariant, w: LossWeights): LossWeights {
  if (variant === 'forward-only') return { reverse: 0, forwardBlind: w.forwardBlind, roundTrip: 0, cycle: 0, naturalness: 0 };
  if (variant === 'no-cycle') return { ...w, cycle: 0 };
  return w;
}

/** The parameters a variant trains (the others keep their initial values). */
function trainedParams(variant: TrainVariant, params: Params): tf.Variable[] {
  const frozen = (name: string): boolean =>
    (variant === 'forward-only' && name.startsWith('reverse/')) || (variant === 'no-attention' && name.includes('/att'));
  return Object.entries(params).filter(([name]) => !frozen(name)).map(([, v]) => v);
}

/**
 * Colourfulness (0–255 scale, as `duhdr eval` reports it) and RMS contrast of BT.709 luma (the
 * gamma-encoded signal, not display light) of interleaved BT.709 R'G'B' in [0, 1].
 */
function sdrLook(rgb: Float32Array): { colourfulness: number; contrast: number } {
  const n = rgb.length / 3;
  const [r, g, b, y] = [new Float32Array(n), new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const [kr, kg, kb] = BT709_LUMA;
  for (let i = 0; i < n; i++) {
    r[i] = rgb[3 * i]!;
    g[i] = rgb[3 * i + 1]!;
    b[i] = rgb[3 * i + 2]!;
    y[i] = kr * r[i]! + kg * g[i]! + kb * b[i]!;
  }
  // Colourfulness is homogeneous of degree 1: on the 0–255 scale it is 255 times that on [0, 1].
  return { colourfulness: 255 * colourfulness(r, g, b), contrast: rmsContrast(y) };
}

/** The camera SDR's look on the same views: the reference R's look is compared with. */
function cameraLook(samples: PairedSample[]): { colourfulness: number; contrast: number } {
  let c = 0;
  let k = 0;
  for (const s of samples) {
    const l = sdrLook(s.sdr.data);
    c += l.colourfulness;
    k += l.contrast;
  }
  return { colourfulness: c / samples.length, contrast: k / samples.length };
}

function stack(images: RgbImage[]): tf.Tensor4D {
  const first = images[0]!;
  const data = new Float32Array(images.length * first.data.length);
  images.forEach((im, i) => data.set(im.data, i * first.data.length));
  return tf.tensor4d(data, [images.length, first.height, first.width, 3]);
}

function pqCode(nits: number): number {
  // PQ inverse EOTF of a peak in cd/m² (src/color has it per plane; one value here).
  const y = Math.max(nits, 0) / 10000;
  const m1 = 2610 / 16384;
  const m2 = (2523 / 4096) * 128;
  const ym = y ** m1;
  return ((3424 / 4096 + (2413 / 4096) * 32 * ym) / (1 + (2392 / 4096) * 32 * ym)) ** m2;
}

type Batch = { hdr: tf.Tensor4D; sdr: tf.Tensor4D; peakPq: tf.Tensor1D; ldr: tf.Tensor4D; codecNoise: tf.Tensor4D };

function makeBatch(seed: number, step: number, n: number, crop: [number, number], hdr: HdrImageSet, ldr: LdrImageSet): Batch {
  const rng = createRng((seed * 1_000_003 + step) >>> 0);
  const pairs: PairedSample[] = [];
  const photos: RgbImage[] = [];
  for (let i = 0; i < n; i++) pairs.push(hdr.sample(rng, crop[0], crop[1]));
  for (let i = 0; i < n; i++) photos.push(ldr.sample(rng, crop[0], crop[1]));
  return tf.tidy(() => ({
    hdr: stack(pairs.map((p) => p.hdr)),
    sdr: stack(pairs.map((p) => p.sdr)),
    peakPq: tf.tensor1d(pairs.map((p) => pqCode(p.peakNits))),
    ldr: stack(photos),
    codecNoise: tf.randomNormal([n, crop[1], crop[0], 3], 0, CODEC_NOISE_CODES / 255, 'float32', (seed * 7919 + step) >>> 0) as tf.Tensor4D,
  }));
}

/** Luminance in cd/m² of PQ BT.2020 R'G'B' interleaved data. */
export function nitsLuminance(pq: Float32Array): Float32Array {
  const out = new Float32Array(pq.length / 3);
  for (let i = 0; i < out.length; i++) {
    out[i] = 0.2627 * pqDecode(pq[3 * i]!) + 0.678 * pqDecode(pq[3 * i + 1]!) + 0.0593 * pqDecode(pq[3 * i + 2]!);
  }
  return out;
}

/** Validation on fixed held-out views: round trip (R, 8-bit, guided F) and blind F, PU21-PSNR in dB. */
export function validate(params: Params, config: DualCameraConfig, samples: PairedSample[], step: number): ValidationRecord {
  let rt = 0;
  let blind = 0;
  let rl1 = 0;
  let colour = 0;
  let contrast = 0;
  for (const s of samples) {
    const [rtOut, blindOut, r, sdrOut] = tf.tidy(() => {
      const hdr = stack([s.hdr]);
      const sdr = stack([s.sdr]);
      const peak = tf.tensor1d([pqCode(s.peakNits)]);
      const th = thumbnail(hdr, config.thumb);
      const inc = reverseCurve(params, th, peak);
      const out = reverse(params, hdr, th, inc, peak);
      const coded = quantize8(out, tf.zerosLike(out) as tf.Tensor4D);
      const back = forward(params, coded, thumbnail(coded, config.thumb), inc, peak);
      const bl = forward(params, sdr, thumbnail(sdr, config.thumb), null, peak);
      return [back.dataSync() as Float32Array, bl.dataSync() as Float32Array, tf.mean(tf.abs(tf.sub(out, sdr))).dataSync()[0]!, out.dataSync() as Float32Array];
    });
    const l = sdrLook(sdrOut);
    colour += l.colourfulness;
    contrast += l.contrast;
    const ref = nitsLuminance(s.hdr.data);
    rt += Math.min(pu21Psnr(ref, nitsLuminance(rtOut)), 100);
    blind += Math.min(pu21Psnr(ref, nitsLuminance(blindOut)), 100);
    rl1 += r;
  }
  const n = samples.length;
  return { step, roundTripPu21Psnr: rt / n, blindPu21Psnr: blind / n, reverseL1: rl1 / n, sdrColourfulness: colour / n, sdrContrast: contrast / n };
}

type CheckpointState = { step: number; seed: number; losses: LossRecord[]; validation: ValidationRecord[]; seconds: number };

async function saveCheckpoint(dir: string, r: Resolved, params: Params, opt: tf.Optimizer, state: CheckpointState): Promise<void> {
  const tmp = `${dir}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await saveModel(tmp, r.id, r.config, params);
  const named = await opt.getWeights();
  const index = named.map((w) => ({ name: w.name, shape: w.tensor.shape }));
  const floats = named.map((w) => w.tensor.dataSync() as Float32Array);
  const all = new Float32Array(floats.reduce((a, f) => a + f.length, 0));
  let o = 0;
  for (const f of floats) {
    all.set(f, o);
    o += f.length;
  }
  await writeFile(join(tmp, 'optimizer.json'), JSON.stringify(index));
  await writeFile(join(tmp, 'optimizer.bin'), new Uint8Array(all.buffer));
  await writeFile(join(tmp, 'state.json'), JSON.stringify(state));
  // Swap in one rename so a crash mid-save keeps the previous checkpoint.
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
}

async function loadCheckpoint(dir: string, opt: tf.Optimizer): Promise<{ params: Params; state: CheckpointState }> {
  const model = await loadModel(dir, { trainable: true });
  const index = JSON.parse(await readFile(join(dir, 'optimizer.json'), 'utf8')) as { name: string; shape: number[] }[];
  const bin = await readFile(join(dir, 'optimizer.bin'));
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length));
  let o = 0;
  const named = index.map(({ name, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const tensor = tf.tensor(all.slice(o, o + size), shape);
    o += size;
    // Adam matches its slots to variables by position (the parameter table's order), not name.
    return { name, tensor };
  });
  await opt.setWeights(named);
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as CheckpointState;
  return { params: model.params, state };
}

/** Train the dual camera networks; writes the model to `output` and returns what happened. */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const r = resolve(options);
  const emit = options.onEvent ?? (() => {});
  const signal = options.signal;
  const backend = await initBackend(r.backend);
  emit({ kind: 'backend', backend });

  const t0 = performance.now();
  const [hdrAll, ldrAll] = await Promise.all([
    HdrImageSet.load(r.hdr, signal ? { signal } : {}),
    LdrImageSet.load(r.ldr, { maxSide: 512, ...(signal ? { signal } : {}) }),
  ]);
  const hdr = hdrAll.split(r.valFraction);
  const ldr = ldrAll.split(r.valFraction);
  if (hdr.val.names.length === 0) throw new OptionError(`--val-fraction ${r.valFraction} holds out no HDR image of ${hdrAll.names.length}`);
  emit({ kind: 'data', hdrTrain: hdr.train.names.length, hdrVal: hdr.val.names.length, ldrTrain: ldr.train.names.length, ldrVal: ldr.val.names.length, seconds: (performance.now() - t0) / 1000 });
  const valRng = createRng(VAL_SEED);
  const valSamples = Array.from({ length: r.valSamples }, () => hdr.val.sample(valRng, VAL_CROP[0], VAL_CROP[1]));

  const opt = tf.train.adam(r.learningRate);
  const ckptDir = join(r.output, CHECKPOINT);
  let params: Params;
  let state: CheckpointState = { step: 0, seed: r.seed, losses: [], validation: [], seconds: 0 };
  if (r.resume) {
    const loaded = await loadCheckpoint(ckptDir, opt).catch((err: Error) => {
      throw new OptionError(`--resume: cannot load ${ckptDir}: ${err.message}`);
    });
    params = loaded.params;
    state = loaded.state;
    if (state.seed !== r.seed) throw new OptionError(`--resume: the checkpoint was trained with --seed ${state.seed}, not ${r.seed}`);
  } else {
    params = initParams(r.config, r.seed);
  }
  await mkdir(r.output, { recursive: true });

  const varList = trainedParams(r.variant, params);
  const runStart = performance.now();
  const budgetEnd = runStart + r.timeBudget * 1000;
  let recent = { samples: 0, ms: 0 };
  while (state.step < r.steps && performance.now() < budgetEnd) {
    if (signal?.aborted) throw new CanceledError('training canceled');
    const stepStart = performance.now();
    const batch = makeBatch(r.seed, state.step, r.batch, r.crop, hdr.train, ldr.train);
    let record: LossRecord | null = null;
    tf.tidy(() => {
      opt.minimize(() => {
        const l = dualLoss(params, batch, r.weights, r.config.thumb);
        // Read the terms here: the gradient scope disposes them before minimize returns.
        const v = (t: tf.Scalar): number => t.dataSync()[0]!;
        record = { step: state.step + 1, total: v(l.total), reverse: v(l.reverse), forwardBlind: v(l.forwardBlind), roundTrip: v(l.roundTrip), cycle: v(l.cycle), naturalness: v(l.naturalness) };
        return l.total;
      }, false, varList);
    });
    tf.dispose(Object.values(batch));
    state.step++;
    const rec = record as unknown as LossRecord;
    if (!Number.isFinite(rec.total)) throw new DuhdrError(`training diverged at step ${state.step} (loss ${rec.total}); try a lower --lr`);
    state.losses.push(rec);
    const ms = performance.now() - stepStart;
    recent = { samples: recent.samples * 0.9 + r.batch, ms: recent.ms * 0.9 + ms };
    const sps = (recent.samples / recent.ms) * 1000;
    const remaining = Math.min((r.steps - state.step) * (r.batch / sps), Math.max(0, (budgetEnd - performance.now()) / 1000));
    emit({ kind: 'step', step: state.step, steps: r.steps, losses: rec, samplesPerSecond: sps, etaSeconds: remaining });
    if (state.step % r.validateEvery === 0) {
      const v = validate(params, r.config, valSamples, state.step);
      state.validation.push(v);
      emit({ kind: 'validation', record: v });
    }
    if (state.step % r.checkpointEvery === 0) {
      state.seconds += (performance.now() - runStart) / 1000;
      await saveCheckpoint(ckptDir, r, params, opt, state);
      state.seconds -= (performance.now() - runStart) / 1000;
      emit({ kind: 'checkpoint', step: state.step, dir: ckptDir });
    }
  }
  if (state.validation.at(-1)?.step !== state.step) {
    const v = validate(params, r.config, valSamples, state.step);
    state.validation.push(v);
    emit({ kind: 'validation', record: v });
  }
  state.seconds += (performance.now() - runStart) / 1000;
  await saveCheckpoint(ckptDir, r, params, opt, state);
  const contentHash = await saveModel(r.output, r.id, r.config, params, {
    steps: state.step, seconds: Math.round(state.seconds), seed: r.seed, batch: r.batch, crop: r.crop,
    learningRate: r.learningRate, lossWeights: r.weights, variant: r.variant, backend,
    hdrImages: { train: hdr.train.names.length, val: hdr.val.names.length }, ldrImages: { train: ldr.train.names.length, val: ldr.val.names.length },
    validation: state.validation.at(-1) ?? null,
  });
  const result: TrainResult = {
    steps: state.step, seconds: state.seconds, contentHash, losses: state.losses, validation: state.validation, backend, cameraLook: cameraLook(valSamples),
  };
  emit({ kind: 'done', steps: state.step, seconds: state.seconds, contentHash, validation: state.validation.at(-1) ?? null });
  tf.dispose(Object.values(params));
  return result;
}
