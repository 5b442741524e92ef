// The dual camera networks (after "Single-image HDR reconstruction by dual learning the camera
// imaging process"), shaped to be cheap at full resolution (DESIGN.md):
//
//   reverse R: PQ BT.2020 R'G'B' -> BT.709 gamma R'G'B'     forward F: the way back
//
// Each network has a low-resolution branch (a 64x64 thumbnail through three stride-2 convs) with
// two heads:
//   - global head: K increments of a monotone tone curve on perceptual luminance (PQ for HDR,
//     gamma for SDR). R's curve is the per-frame side info; F inverts it exactly when it has it
//     (guided restore) and predicts its own curve from pixels when it does not (blind restore).
//   - attention head: sees the 8x8 local features and the global features and emits two maps,
//     local contrast gain and saturation gain, upsampled bilinearly to full resolution. This is
//     the module that keeps contrast and saturation natural.
// Full resolution only does per-pixel arithmetic: transfer functions, a 3x3 matrix, the curve,
// two upsampled maps, a hue-preserving gamut fit.

import * as tf from '@tensorflow/tfjs';
import { applyCurve, incrementsFromLogits, invertCurve } from './curves.js';
import { TO_2020, TO_709, applyMatrix, gammaDecode, gammaEncode, luminance709, pqEotf, pqOetf } from './color-ops.js';

export type DualCameraConfig = {
  /** Curve increments (side info entries per frame). */
  knots: number;
  /** Thumbnail side of the low-resolution branch (divisible by 8). */
  thumb: number;
  /** Channels of the three convs, the global hidden layer, the attention hidden layer. */
  channels: [number, number, number];
  hidden: number;
  attention: number;
};

export const DEFAULT_CONFIG: DualCameraConfig = { knots: 16, thumb: 64, channels: [16, 32, 32], hidden: 64, attention: 16 };

export type Direction = 'reverse' | 'forward';
export type Params = Record<string, tf.Variable>;

/** Side info extra inputs of F's global head: the K increments and a "have side info" flag. */
function extraWidth(cfg: DualCameraConfig, dir: Direction): number {
  return dir === 'forward' ? cfg.knots + 1 : 0;
}

/** Every parameter's name and shape, in a fixed order (the weights file follows it). */
export function parameterShapes(cfg: DualCameraConfig): [string, number[]][] {
  const [c1, c2, c3] = cfg.channels;
  const out: [string, number[]][] = [];
  for (const dir of ['reverse', 'forward'] as const) {
    const g = c3 + extraWidth(cfg, dir);
    out.push(
      [`${dir}/conv1/w`, [3, 3, 3, c1]], [`${dir}/conv1/b`, [c1]],
      [`${dir}/conv2/w`, [3, 3, c1, c2]], [`${dir}/conv2/b`, [c2]],
      [`${dir}/conv3/w`, [3, 3, c2, c3]], [`${dir}/conv3/b`, [c3]],
      [`${dir}/global1/w`, [g, cfg.hidden]], [`${dir}/global1/b`, [cfg.hidden]],
      [`${dir}/global2/w`, [cfg.hidden, cfg.knots]], [`${dir}/global2/b`, [cfg.knots]],
      [`${dir}/att_local/w`, [1, 1, c3, cfg.attention]], [`${dir}/att_global/w`, [cfg.hidden, cfg.attention]],
      [`${dir}/att1/b`, [cfg.attention]],
      [`${dir}/att2/w`, [1, 1, cfg.attention, 2]], [`${dir}/att2/b`, [2]],
    );
  }
  return out;
}

/**
 * Fresh parameters: He-normal convs and dense layers (seeded), attention output at zero so both
 * gains start at exactly 1 and the curves start as the identity ramp.
 */
export function initParams(cfg: DualCameraConfig, seed: number): Params {
  const params: Params = {};
  let s = seed;
  for (const [name, shape] of parameterShapes(cfg)) {
    const zero = name.endsWith('/b') || name.includes('att2/w') || name.includes('global2/w');
    const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const init = zero ? tf.zeros(shape) : tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', s++);
    // Unnamed: TF.js variable names are process-global, and tests build several models.
    params[name] = tf.variable(init, true);
  }
  return params;
}

function p(params: Params, name: string): tf.Variable {
  const v = params[name];
  if (!v) throw new Error(`dual camera network: missing parameter ${name}`);
  return v;
}

/**
 * Thumbnail of a training crop whose sides are multiples of `size`: an exact area average
 * (avgPool), the same filter the engines apply to whole frames. (resizeBilinear would do, but
 * the cpu backend's ResizeBilinearGrad mixes up height and width for non-square inputs.)
 */
export function thumbnail(x: tf.Tensor4D, size: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  if (h % size !== 0 || w % size !== 0) throw new Error(`thumbnail: ${w}x${h} is not a multiple of ${size}`);
  return tf.avgPool(x, [h / size, w / size], [h / size, w / size], 'valid');
}

type Features = { global: tf.Tensor2D; local: tf.Tensor4D };

/** Low-resolution branch: thumbnail [N,T,T,3] (+ extra [N,E]) -> global [N,hidden], local [N,T/8,T/8,C3]. */
function features(params: Params, dir: Direction, thumb: tf.Tensor4D, extra: tf.Tensor2D | null): Features {
  const conv = (x: tf.Tensor4D, i: number): tf.Tensor4D =>
    tf.relu(tf.add(tf.conv2d(x, p(params, `${dir}/conv${i}/w`) as tf.Tensor4D, 2, 'same'), p(params, `${dir}/conv${i}/b`))) as tf.Tensor4D;
  const local = conv(conv(conv(thumb, 1), 2), 3);
  let pooled = tf.mean(local, [1, 2]) as tf.Tensor2D;
  if (extra) pooled = tf.concat([pooled, extra], 1);
  const global = tf.relu(tf.add(tf.matMul(pooled, p(params, `${dir}/global1/w`) as tf.Tensor2D), p(params, `${dir}/global1/b`))) as tf.Tensor2D;
  return { global, local };
}

function curveLogits(params: Params, dir: Direction, f: Features): tf.Tensor2D {
  return tf.add(tf.matMul(f.global, p(params, `${dir}/global2/w`) as tf.Tensor2D), p(params, `${dir}/global2/b`));
}

/** Attention head: [N,T/8,T/8,2] maps of (contrast gain, saturation gain), each in (0,2), 1 at init. */
function attentionMaps(params: Params, dir: Direction, f: Features): tf.Tensor4D {
  const [n] = f.local.shape;
  const a = tf.conv2d(f.local, p(params, `${dir}/att_local/w`) as tf.Tensor4D, 1, 'valid');
  const g = tf.reshape(tf.matMul(f.global, p(params, `${dir}/att_global/w`) as tf.Tensor2D), [n, 1, 1, -1]);
  const h = tf.relu(tf.add(tf.add(a, g), p(params, `${dir}/att1/b`))) as tf.Tensor4D;
  const z = tf.add(tf.conv2d(h, p(params, `${dir}/att2/w`) as tf.Tensor4D, 1, 'valid'), p(params, `${dir}/att2/b`));
  return tf.mul(tf.sigmoid(z), 2) as tf.Tensor4D;
}

/** Local contrast and saturation from upsampled attention; `base` is the local mean the contrast pivots on. */
function modulate(s: tf.Tensor4D, base: tf.Tensor4D, maps: tf.Tensor4D, h: number, w: number): { s: tf.Tensor4D; sat: tf.Tensor4D } {
  const up = tf.image.resizeBilinear(maps, [h, w]);
  const [contrast, sat] = tf.split(up, 2, 3) as [tf.Tensor4D, tf.Tensor4D];
  const sOut = tf.clipByValue(tf.add(base, tf.mul(contrast, tf.sub(s, base))), 0, 1) as tf.Tensor4D;
  return { s: sOut, sat };
}

/** Local mean of a thumbnail-resolution signal, upsampled to full size. */
function localBase(sThumb: tf.Tensor4D, cells: number, h: number, w: number): tf.Tensor4D {
  const pooled = tf.avgPool(sThumb, sThumb.shape[1] / cells, sThumb.shape[1] / cells, 'valid');
  return tf.image.resizeBilinear(pooled, [h, w]);
}

/** Chroma as ratios to luminance, scaled about grey by `sat`. */
function saturate(lin: tf.Tensor4D, y: tf.Tensor4D, sat: tf.Tensor4D): tf.Tensor4D {
  const ratio = tf.div(lin, tf.add(y, 1e-6));
  return tf.add(1, tf.mul(sat, tf.sub(ratio, 1))) as tf.Tensor4D;
}

/**
 * Scale chroma toward grey just enough that y·ratio fits in [0,1] on every channel: luminance
 * and hue stay, so bright saturated highlights desaturate instead of clipping to another hue.
 */
function gamutFit(ratio: tf.Tensor4D, y: tf.Tensor4D): tf.Tensor4D {
  const maxR = tf.max(ratio, 3, true);
  const minR = tf.min(ratio, 3, true);
  const hiK = tf.div(tf.relu(tf.sub(1, y)), tf.add(tf.mul(y, tf.relu(tf.sub(maxR, 1))), 1e-6));
  const loK = tf.div(1, tf.add(tf.relu(tf.sub(1, minR)), 1e-6));
  const k = tf.minimum(tf.minimum(hiK, loK), 1);
  return tf.mul(y, tf.add(1, tf.mul(k, tf.sub(ratio, 1)))) as tf.Tensor4D;
}

const CELLS = 8;

/** R's global head alone: per-frame curve increments [N,K] from HDR thumbnails (PQ / peak). */
export function reverseCurve(params: Params, hdrThumb: tf.Tensor4D, peakPq: tf.Tensor1D): tf.Tensor2D {
  const norm = tf.div(hdrThumb, tf.reshape(peakPq, [-1, 1, 1, 1])) as tf.Tensor4D;
  return incrementsFromLogits(curveLogits(params, 'reverse', features(params, 'reverse', norm, null)));
}

/** Luminance of PQ BT.2020 R'G'B' in BT.709 linear, and its PQ position relative to the peak. */
function hdrLuminance(hdr: tf.Tensor4D, peakPq: tf.Tensor1D): { lin709: tf.Tensor4D; y: tf.Tensor4D; u: tf.Tensor4D } {
  const lin709 = tf.relu(applyMatrix(pqEotf(hdr), TO_709)) as tf.Tensor4D;
  const y = luminance709(lin709);
  const u = tf.clipByValue(tf.div(pqOetf(y), tf.reshape(peakPq, [-1, 1, 1, 1])), 0, 1) as tf.Tensor4D;
  return { lin709, y, u };
}

/**
 * R: HDR (PQ BT.2020 R'G'B', [N,H,W,3]) -> SDR (BT.709 gamma 2.4 R'G'B'), with the frame's curve
 * increments `inc` (from reverseCurve, possibly smoothed over time) and its thumbnail.
 */
export function reverse(params: Params, hdr: tf.Tensor4D, hdrThumb: tf.Tensor4D, inc: tf.Tensor2D, peakPq: tf.Tensor1D): tf.Tensor4D {
  const [, h, w] = hdr.shape;
  const norm = tf.div(hdrThumb, tf.reshape(peakPq, [-1, 1, 1, 1])) as tf.Tensor4D;
  const maps = attentionMaps(params, 'reverse', features(params, 'reverse', norm, null));
  const { lin709, y, u } = hdrLuminance(hdr, peakPq);
  const thumbU = hdrLuminance(hdrThumb, peakPq).u;
  const base = localBase(applyCurve(thumbU, inc), CELLS, h, w);
  const { s, sat } = modulate(applyCurve(u, inc), base, maps, h, w);
  const ys = gammaDecode(s) as tf.Tensor4D;
  const lin = gamutFit(saturate(lin709, y, sat), ys);
  return gammaEncode(lin) as tf.Tensor4D;
}

/**
 * F: SDR (BT.709 gamma R'G'B') -> HDR (PQ BT.2020 R'G'B'). With `sideInc` (R's increments) the
 * tone curve is R's inverted exactly (guided); with null F predicts its own (blind).
 */
export function forward(params: Params, sdr: tf.Tensor4D, sdrThumb: tf.Tensor4D, sideInc: tf.Tensor2D | null, peakPq: tf.Tensor1D): tf.Tensor4D {
  const [n, h, w] = sdr.shape;
  const k = (p(params, 'forward/global2/b').shape[0] as number);
  const extra = sideInc ? tf.concat([sideInc, tf.ones([n, 1])], 1) : tf.zeros([n, k + 1]);
  const f = features(params, 'forward', sdrThumb, extra as tf.Tensor2D);
  const maps = attentionMaps(params, 'forward', f);
  const lin709 = gammaDecode(sdr) as tf.Tensor4D;
  const y = luminance709(lin709);
  const s0 = gammaEncode(y) as tf.Tensor4D;
  const base = localBase(gammaEncode(luminance709(gammaDecode(sdrThumb) as tf.Tensor4D)) as tf.Tensor4D, CELLS, h, w);
  const { s, sat } = modulate(s0, base, maps, h, w);
  const u = sideInc ? invertCurve(s, sideInc) : applyCurve(s, incrementsFromLogits(curveLogits(params, 'forward', f)));
  const yh = pqEotf(tf.mul(u, tf.reshape(peakPq, [-1, 1, 1, 1]))) as tf.Tensor4D;
  const linH = tf.mul(yh, tf.relu(saturate(lin709, y, sat)));
  return pqOetf(tf.relu(applyMatrix(linH, TO_2020))) as tf.Tensor4D;
}
