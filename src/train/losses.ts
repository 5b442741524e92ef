// The dual-learning objective. Every term works on perceptual signals (PQ code values for HDR,
// gamma code values for SDR), so an error of 0.01 means about the same visible step everywhere.

import * as tf from '@tensorflow/tfjs';
import { TO_709, applyMatrix, forward, gammaDecode, pqEotf, reverse, reverseCurve, thumbnail, type Params } from '../model/index.js';

/** Weights of the loss terms (the defaults are what the shipped model was trained with). */
export type LossWeights = {
  /** R(HDR) ≈ camera SDR on pairs. */
  reverse: number;
  /** F(camera SDR) ≈ HDR on pairs, blind (no side info). */
  forwardBlind: number;
  /** F(Q(R(HDR)), side info) ≈ HDR: what distribution needs. */
  roundTrip: number;
  /** R(F(real SDR)) ≈ real SDR on unpaired photos (semi-supervised). */
  cycle: number;
  /** R's look: contrast and saturation statistics of camera SDR, chromaticity of bright pixels kept. */
  naturalness: number;
};

export const DEFAULT_LOSS_WEIGHTS: LossWeights = { reverse: 0.5, forwardBlind: 1, roundTrip: 2, cycle: 0.5, naturalness: 0.5 };

export type LossTerms = { [K in keyof LossWeights]: tf.Scalar } & { total: tf.Scalar };

export type TrainBatch = {
  /** PQ BT.2020 R'G'B' [B,H,W,3]. */
  hdr: tf.Tensor4D;
  /** Camera SDR of the same views, BT.709 gamma R'G'B'. */
  sdr: tf.Tensor4D;
  /** PQ code of each sample's peak [B]. */
  peakPq: tf.Tensor1D;
  /** Real SDR photos [B,H,W,3] (unpaired). */
  ldr: tf.Tensor4D;
  /** Per-pixel codec-like noise added after 8-bit rounding in Q, [B,H,W,3] (seeded by the caller). */
  codecNoise: tf.Tensor4D;
};

/** PQ code of 1000 cd/m²: the peak F restores unpaired SDR to during the cycle. */
export const PQ_1000 = 0.7518271;

/**
 * Q: 8-bit quantisation plus codec-like noise, with a straight-through gradient (rounding has
 * zero gradient almost everywhere; the identity lets R learn through the channel).
 */
export const quantize8 = tf.customGrad(((x: tf.Tensor, noise: tf.Tensor) => {
  const value = tf.clipByValue(tf.add(tf.div(tf.round(tf.mul(x, 255)), 255), noise), 0, 1);
  return { value, gradFunc: (dy: tf.Tensor) => [dy, tf.zerosLike(noise)] };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor4D, noise: tf.Tensor4D) => tf.Tensor4D;

function l1(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.mean(tf.abs(tf.sub(a, b)));
}

/** Per-sample std of gamma luminance and mean saturation (max-min of R'G'B'). */
function look(sdr: tf.Tensor4D): { contrast: tf.Tensor1D; saturation: tf.Tensor1D } {
  const y = tf.sum(tf.mul(sdr, tf.tensor1d([0.2126, 0.7152, 0.0722])), 3);
  const { variance } = tf.moments(y, [1, 2]);
  const sat = tf.mean(tf.sub(tf.max(sdr, 3), tf.min(sdr, 3)), [1, 2]);
  return { contrast: tf.sqrt(tf.add(variance, 1e-8)) as tf.Tensor1D, saturation: sat as tf.Tensor1D };
}

/**
 * Chromaticity (r,g,b over their sum, linear BT.709) of R's bright pixels against the HDR
 * scene's own: clipping one channel of a highlight shifts its hue, which this penalises.
 */
function highlightChromaError(sdrOut: tf.Tensor4D, hdr: tf.Tensor4D): tf.Scalar {
  const chroma = (lin: tf.Tensor): tf.Tensor => tf.div(lin, tf.add(tf.sum(lin, 3, true), 1e-6));
  const outLin = gammaDecode(sdrOut);
  const sceneLin = tf.relu(applyMatrix(pqEotf(hdr), TO_709));
  const weight = tf.square(tf.max(sdrOut, 3, true));
  return tf.div(tf.sum(tf.mul(weight, tf.abs(tf.sub(chroma(outLin), chroma(sceneLin))))), tf.add(tf.sum(weight), 1e-6));
}

/** Every loss term for one batch (call inside a gradient scope). */
export function dualLoss(params: Params, batch: TrainBatch, weights: LossWeights, thumbSize: number): LossTerms {
  const { hdr, sdr, peakPq, ldr, codecNoise } = batch;
  const n = hdr.shape[0];
  const zero = (): tf.Scalar => tf.scalar(0);
  // The ablation variants leave terms out: R's three terms are built only when one of them
  // counts, F's blind and cycle terms only when they count. The order of the rest is the shipped
  // model's: gradients accumulate in tape order, so reordering would change its last bits.
  const withR = weights.reverse > 0 || weights.roundTrip > 0 || weights.naturalness > 0;
  const hdrThumb = withR ? thumbnail(hdr, thumbSize) : null;
  const inc = hdrThumb ? reverseCurve(params, hdrThumb, peakPq) : null;
  const sdrOut = hdrThumb && inc ? reverse(params, hdr, hdrThumb, inc, peakPq) : null;

  const reverseTerm = sdrOut ? l1(sdrOut, sdr) : zero();
  const forwardBlind = weights.forwardBlind > 0 ? l1(forward(params, sdr, thumbnail(sdr, thumbSize), null, peakPq), hdr) : zero();

  let roundTrip = zero();
  if (inc && sdrOut) {
    const coded = quantize8(sdrOut, codecNoise);
    roundTrip = l1(forward(params, coded, thumbnail(coded, thumbSize), inc, peakPq), hdr);
  }

  let cycle = zero();
  if (weights.cycle > 0) {
    const ldrPeak = tf.fill([n], PQ_1000) as tf.Tensor1D;
    const lifted = forward(params, ldr, thumbnail(ldr, thumbSize), null, ldrPeak);
    const liftedThumb = thumbnail(lifted, thumbSize);
    cycle = l1(reverse(params, lifted, liftedThumb, reverseCurve(params, liftedThumb, ldrPeak), ldrPeak), ldr);
  }

  let naturalness = zero();
  if (sdrOut) {
    const a = look(sdrOut);
    const b = look(sdr);
    naturalness = tf.add(
      tf.add(tf.mean(tf.square(tf.sub(a.contrast, b.contrast))), tf.mean(tf.square(tf.sub(a.saturation, b.saturation)))),
      highlightChromaError(sdrOut, hdr),
    ) as tf.Scalar;
  }

  const total = tf.addN([
    tf.mul(reverseTerm, weights.reverse),
    tf.mul(forwardBlind, weights.forwardBlind),
    tf.mul(roundTrip, weights.roundTrip),
    tf.mul(cycle, weights.cycle),
    tf.mul(naturalness, weights.naturalness),
  ]) as tf.Scalar;
  return { reverse: reverseTerm, forwardBlind, roundTrip, cycle, naturalness, total };
}
