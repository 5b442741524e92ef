import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, initParams, reverse, reverseCurve, thumbnail, type DualCameraConfig, type Params } from '../../src/model/index.js';
import { DEFAULT_LOSS_WEIGHTS, dualLoss, type LossWeights, type TrainBatch } from '../../src/train/index.js';

// Tiny: a 16x16 thumbnail, 4 knots, a few channels; 2 samples of 32x16.
const CFG: DualCameraConfig = { knots: 4, thumb: 16, channels: [4, 8, 8], hidden: 8, attention: 4 };
const [W, H, N] = [32, 16, 2];

/** Smooth PQ BT.2020 R'G'B' images (gradients and a bright blob), different per sample. */
function hdrImages(): tf.Tensor4D {
  const data = new Float32Array(N * H * W * 3);
  for (let n = 0; n < N; n++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const blob = Math.exp(-((x - 10 - 8 * n) ** 2 + (y - 8) ** 2) / 20);
        const base = 0.15 + 0.3 * (x / W) + 0.1 * (y / H) + 0.35 * blob;
        for (let c = 0; c < 3; c++) data[((n * H + y) * W + x) * 3 + c] = base * (0.85 + 0.1 * c + 0.05 * n);
      }
    }
  }
  return tf.tensor4d(data, [N, H, W, 3]);
}

/** A teacher of the same architecture with a non-trivial curve and attention: its SDR is reachable. */
function teacherSdr(hdr: tf.Tensor4D, peak: tf.Tensor1D): tf.Tensor4D {
  const teacher = initParams(CFG, 7);
  for (const name of ['reverse/global2/w', 'reverse/att2/w']) teacher[name]!.assign(tf.randomNormal(teacher[name]!.shape, 0, 0.5, 'float32', 11));
  const out = tf.tidy(() => {
    const th = thumbnail(hdr, CFG.thumb);
    return reverse(teacher, hdr, th, reverseCurve(teacher, th, peak), peak);
  });
  tf.dispose(Object.values(teacher));
  return out;
}

function step(params: Params, opt: tf.Optimizer, batch: TrainBatch, weights: LossWeights): number {
  let total = 0;
  tf.tidy(() => {
    opt.minimize(() => {
      const l = dualLoss(params, batch, weights, CFG.thumb);
      total = l.total.dataSync()[0]!;
      return l.total;
    }, false, Object.values(params));
  });
  return total;
}

describe('training on the wasm backend, tiny model', () => {
  it('overfits a fixed batch (loss falls more than 10x) and keeps the tensor count flat across steps', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    const hdr = hdrImages();
    const peakPq = tf.tensor1d(Array.from({ length: N }, () => 0.75));
    const sdr = teacherSdr(hdr, peakPq);
    const batch: TrainBatch = { hdr, sdr, peakPq, ldr: sdr, codecNoise: tf.zerosLike(hdr) as tf.Tensor4D };

    // The full objective, every term on: one step allocates Adam's slots, after that nothing grows.
    const full = initParams(CFG, 3);
    const fullOpt = tf.train.adam(1e-2);
    step(full, fullOpt, batch, DEFAULT_LOSS_WEIGHTS);
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      step(full, fullOpt, batch, DEFAULT_LOSS_WEIGHTS);
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    fullOpt.dispose();
    tf.dispose(Object.values(full));

    // R alone against the teacher's SDR: a reachable target, so the loss must fall far.
    const params = initParams(CFG, 3);
    const opt = tf.train.adam(2e-2);
    const only: LossWeights = { reverse: 1, forwardBlind: 0, roundTrip: 0, cycle: 0, naturalness: 0 };
    const first = step(params, opt, batch, only);
    let last = first;
    for (let i = 0; i < 300 && last > first / 10; i++) last = step(params, opt, batch, only);
    expect(first).toBeGreaterThan(0.01);
    expect(last).toBeLessThan(first / 10);
    opt.dispose();
    tf.dispose([...Object.values(params), hdr, peakPq, sdr, batch.codecNoise]);
  }, 120_000);
});
