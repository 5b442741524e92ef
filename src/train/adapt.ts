// Per-clip adaptation (`encode --adapt`): the encoder has the true HDR, so it can fine-tune the
// forward network on this clip's own frames — the SDR exactly as the codec delivered it, the
// side info restore will use — and ship the tuned F in the file. Only F's weights change; R and
// the side info stay what the base model wrote, so the SDR itself is untouched.

import * as tf from '@tensorflow/tfjs';
import { pu21Psnr } from '../eval/index.js';
import { CanceledError } from '../io/index.js';
import { assignForward, forward, forwardParameterShapes, packForward, thumbnail, type LoadedModel } from '../model/index.js';
import { createRng } from './data/index.js';
import { nitsLuminance } from './trainer.js';

/** One training view of a clip frame, interleaved R'G'B' at the adaptation size. */
export type AdaptFrame = {
  /** The coded SDR (BT.709 gamma R'G'B'). */
  sdr: Float32Array;
  /** The source HDR (PQ BT.2020 R'G'B'). */
  hdr: Float32Array;
  /** The frame's side info (R's curve increments, as in the manifest). */
  inc: readonly number[];
};

export type AdaptOptions = {
  /** The base model, loaded trainable. Its F is tuned in place. */
  model: LoadedModel;
  frames: AdaptFrame[];
  /** Size of each view (multiples of the model's thumbnail side). */
  width: number;
  height: number;
  /** PQ code of the mastering peak (what restore scales F's output by). */
  peakPq: number;
  /** Training time budget in seconds (at least one step runs). */
  seconds: number;
  /** Stop after this many steps even within the budget (tests: a fixed amount of work). */
  maxSteps?: number;
  batch?: number;
  learningRate?: number;
  seed?: number;
  /** How the weights will be stored (e.g. rounded to float16): applied before the held-out check. */
  quantize?: (weights: Float32Array) => Float32Array;
  signal?: AbortSignal;
  onStep?: (step: number, loss: number, elapsed: number) => void;
};

export type AdaptResult = {
  /** F's tuned weights (table order), or null when they did not beat the base model on held-out frames. */
  weights: Float32Array | null;
  steps: number;
  seconds: number;
  /** Guided-restore PU21-PSNR on held-out frames before and after (dB). */
  heldOutBefore: number;
  heldOutAfter: number;
  trainFrames: number;
  heldOutFrames: number;
};

/** Every 4th view is held out (all views count when there are fewer than 4). */
function split<T>(frames: T[]): { train: T[]; held: T[] } {
  if (frames.length < 4) return { train: frames, held: frames };
  return { train: frames.filter((_, i) => i % 4 !== 3), held: frames.filter((_, i) => i % 4 === 3) };
}

function guidedPu21(o: AdaptOptions, frames: AdaptFrame[]): number {
  const { model, width, height } = o;
  let sum = 0;
  for (const f of frames) {
    const out = tf.tidy(() => {
      const sdr = tf.tensor4d(f.sdr, [1, height, width, 3]);
      const inc = tf.tensor2d([[...f.inc]]);
      return forward(model.params, sdr, thumbnail(sdr, model.config.thumb), inc, tf.tensor1d([o.peakPq])).dataSync() as Float32Array;
    });
    sum += Math.min(pu21Psnr(nitsLuminance(f.hdr), nitsLuminance(out)), 100);
  }
  return sum / frames.length;
}

/**
 * Fine-tune the model's F on a clip's views for guided restore within a time budget. Yields to
 * the event loop between steps, so Ctrl-C (the signal) stops it at the next step.
 */
export async function adaptForward(o: AdaptOptions): Promise<AdaptResult> {
  const { model, width, height } = o;
  const { train, held } = split(o.frames);
  if (train.length === 0) throw new RangeError('adaptForward: no frames to adapt on');
  const batch = Math.min(o.batch ?? 4, train.length);
  const rng = createRng(o.seed ?? 1);
  const vars = forwardParameterShapes(model.config).map(([name]) => model.params[name]!);
  const before = packForward(model.config, model.params);
  const heldOutBefore = guidedPu21(o, held);
  const opt = tf.train.adam(o.learningRate ?? 1e-3);
  const pixels = width * height * 3;
  const sdrBuf = new Float32Array(batch * pixels);
  const hdrBuf = new Float32Array(batch * pixels);
  const started = performance.now();
  let steps = 0;
  try {
    do {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (o.signal?.aborted) throw new CanceledError('adaptation canceled');
      const incs: number[][] = [];
      for (let b = 0; b < batch; b++) {
        const f = train[Math.floor(rng() * train.length)]!;
        sdrBuf.set(f.sdr, b * pixels);
        hdrBuf.set(f.hdr, b * pixels);
        incs.push([...f.inc]);
      }
      let loss = 0;
      tf.tidy(() => {
        const sdr = tf.tensor4d(sdrBuf, [batch, height, width, 3]);
        const hdr = tf.tensor4d(hdrBuf, [batch, height, width, 3]);
        const inc = tf.tensor2d(incs);
        const peak = tf.fill([batch], o.peakPq) as tf.Tensor1D;
        opt.minimize(() => {
          const l = tf.mean(tf.abs(tf.sub(forward(model.params, sdr, thumbnail(sdr, model.config.thumb), inc, peak), hdr))) as tf.Scalar;
          loss = l.dataSync()[0]!;
          return l;
        }, false, vars);
      });
      steps++;
      o.onStep?.(steps, loss, (performance.now() - started) / 1000);
    } while ((performance.now() - started) / 1000 < o.seconds && steps < (o.maxSteps ?? Infinity));
  } finally {
    opt.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  if (o.quantize) assignForward(model.config, model.params, o.quantize(packForward(model.config, model.params)));
  const heldOutAfter = guidedPu21(o, held);
  const weights = heldOutAfter > heldOutBefore ? packForward(model.config, model.params) : null;
  // Untuned F did better on the held-out frames: leave the caller's model as it was.
  if (!weights) assignForward(model.config, model.params, before);
  return { weights, steps, seconds, heldOutBefore, heldOutAfter, trainFrames: train.length, heldOutFrames: held.length };
}
