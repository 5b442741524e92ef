// The dual camera networks of src/model/dual-camera.ts as ONNX graphs, op for op. Frames cross
// the boundary as the TF.js engine builds them (NHWC, interleaved R'G'B'); the full-resolution
// per-pixel work stays NHWC (ONNX elementwise ops and MatMul broadcast the same way) and only the
// thumbnail branch runs NCHW, where ONNX Conv/AveragePool want it. Any change to dual-camera.ts,
// curves.ts or color-ops.ts must be mirrored here: the parity test fails otherwise.

import { BT2020_TO_BT709, BT709_TO_BT2020, type Mat3 } from '../../color/index.js';
import { BT709_LUMA, MIN_INCREMENT, PQ_CONSTANTS, type Direction, type DualCameraConfig, type Params } from '../../model/index.js';
import { GraphBuilder } from './onnx-graph.js';

// Constants of src/model/color-ops.ts (SMPTE ST 2084) and dual-camera.ts.
const { M1, M2, C1, C2, C3, TINY } = PQ_CONSTANTS;
const GAMMA = 2.4;
const CELLS = 8;

/**
 * The graphs an exported model has. The first four are the whole networks, frames in and frames
 * out (the reference for other hosts, and what the parity tests check). The `-grid` graphs are
 * the low-resolution branches alone: thumbnail in, the 8x8 local-mean grid and attention gains
 * (and, blind, the curve) out; the ORT engine runs those and does the per-pixel rest in one fused
 * JS pass (src/runtime/learned/full-res.ts), because ORT's CPU kernels run a graph's ~60
 * elementwise full-resolution ops as ~60 separate passes over memory (≈ 0.5 s a 1080p frame).
 */
export type GraphKind = 'reverse-curve' | 'reverse' | 'forward-guided' | 'forward-blind' | 'reverse-grid' | 'forward-guided-grid' | 'forward-blind-grid';
export const GRAPH_KINDS: readonly GraphKind[] = ['reverse-curve', 'reverse', 'forward-guided', 'forward-blind', 'reverse-grid', 'forward-guided-grid', 'forward-blind-grid'];
/** Cells of the local-mean grid the contrast gain pivots on (dual-camera.ts CELLS). */
export const BASE_CELLS = 8;

/** Inputs and outputs of each graph: name and dims (N, H, W dynamic). */
export function graphSignature(kind: GraphKind, cfg: DualCameraConfig): { inputs: [string, (number | string)[]][]; outputs: [string, (number | string)[]][] } {
  const thumb: [string, (number | string)[]] = ['thumb', ['N', cfg.thumb, cfg.thumb, 3]];
  const inc: [string, (number | string)[]] = ['inc', ['N', cfg.knots]];
  const peak: [string, (number | string)[]] = ['peakPq', ['N']];
  const frame = (name: string): [string, (number | string)[]] => [name, ['N', 'H', 'W', 3]];
  const g = cfg.thumb / 8;
  const base: [string, (number | string)[]] = ['base', ['N', 1, BASE_CELLS, BASE_CELLS]];
  const gains: [string, (number | string)[]] = ['gains', ['N', 2, g, g]];
  switch (kind) {
    case 'reverse-grid': return { inputs: [thumb, inc, peak], outputs: [base, gains] };
    case 'forward-guided-grid': return { inputs: [thumb, inc], outputs: [base, gains] };
    case 'forward-blind-grid': return { inputs: [thumb], outputs: [base, gains, inc] };
    case 'reverse-curve': return { inputs: [thumb, peak], outputs: [inc] };
    case 'reverse': return { inputs: [frame('hdr'), thumb, inc, peak], outputs: [frame('sdr')] };
    case 'forward-guided': return { inputs: [frame('sdr'), thumb, inc, peak], outputs: [frame('hdr')] };
    case 'forward-blind': return { inputs: [frame('sdr'), thumb, peak], outputs: [frame('hdr')] };
  }
}

/** Parameter values by name (from tf.Variables or a weights file). */
export type ParamValues = (name: string) => { data: Float32Array; shape: number[] };

export function paramValuesOf(params: Params): ParamValues {
  return (name) => {
    const v = params[name];
    if (!v) throw new Error(`ONNX export: missing parameter ${name}`);
    return { data: v.dataSync() as Float32Array, shape: v.shape };
  };
}

/** [kh,kw,cin,cout] (TF) -> [cout,cin,kh,kw] (ONNX). */
function convWeights(w: { data: Float32Array; shape: number[] }): { data: Float32Array; dims: number[] } {
  const [kh, kw, ci, co] = w.shape as [number, number, number, number];
  const out = new Float32Array(w.data.length);
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) {
    out[((o * ci + i) * kh + y) * kw + x] = w.data[((y * kw + x) * ci + i) * co + o]!;
  }
  return { data: out, dims: [co, ci, kh, kw] };
}

/** TF 'same' padding for one spatial axis: the odd pixel goes at the end (bottom/right). */
function samePads(size: number, k: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

class Net {
  readonly g = new GraphBuilder();
  constructor(readonly cfg: DualCameraConfig, readonly pv: ParamValues) {}

  param(name: string): string {
    const v = this.pv(name);
    return this.g.constant(v.data, v.shape, name.replaceAll('/', '_'));
  }
  s(v: number): string { return this.g.scalar(v); }
  add(a: string, b: string): string { return this.g.op('Add', [a, b]); }
  sub(a: string, b: string): string { return this.g.op('Sub', [a, b]); }
  mul(a: string, b: string): string { return this.g.op('Mul', [a, b]); }
  div(a: string, b: string): string { return this.g.op('Div', [a, b]); }
  relu(a: string): string { return this.g.op('Relu', [a]); }
  pow(a: string, e: number): string { return this.g.op('Pow', [a, this.s(e)]); }
  clip(a: string, lo: number, hi: number): string { return this.g.op('Clip', [a, this.s(lo), this.s(hi)]); }
  matmul(a: string, b: string): string { return this.g.op('MatMul', [a, b]); }
  reshape(a: string, shape: number[]): string { return this.g.op('Reshape', [a, this.g.ints(shape)]); }
  /** [N] -> [N,1,1,1]: TF's reshape(peakPq, [-1,1,1,1]). */
  perFrame(v: string): string { return this.reshape(v, [-1, 1, 1, 1]); }

  // color-ops.ts
  pqEotf(e: string): string {
    const ep = this.pow(this.clip(e, TINY, 1), 1 / M2);
    const num = this.relu(this.sub(ep, this.s(C1)));
    const den = this.sub(this.s(C2), this.mul(ep, this.s(C3)));
    return this.pow(this.g.op('Max', [this.div(num, den), this.s(TINY)]), 1 / M1);
  }
  pqOetf(y: string): string {
    const ym = this.pow(this.clip(y, TINY, 1), M1);
    return this.pow(this.div(this.add(this.mul(ym, this.s(C2)), this.s(C1)), this.add(this.mul(ym, this.s(C3)), this.s(1))), M2);
  }
  gammaDecode(v: string): string { return this.pow(this.clip(v, TINY, 1), GAMMA); }
  gammaEncode(l: string): string { return this.pow(this.clip(l, TINY, 1), 1 / GAMMA); }
  applyMatrix(rgb: string, m: Mat3): string {
    return this.matmul(rgb, this.g.constant([m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]], [3, 3], 'matrix'));
  }
  /** Σ lin·w over channels: a [3,1] MatMul keeps it one kernel. */
  luminance709(lin: string): string { return this.matmul(lin, this.g.constant(BT709_LUMA, [3, 1], 'luma')); }

  // curves.ts
  incrementsFromLogits(logits: string): string {
    const k = this.cfg.knots;
    return this.add(this.mul(this.g.op('Softmax', [logits], { axis: -1 }), this.s(1 - k * MIN_INCREMENT)), this.s(MIN_INCREMENT));
  }
  /**
   * curves.ts sums inc_i·clip(xK - i, 0, 1) over all K segments; only the segment x falls in is
   * partial, so the same value is Σ_{j<i} inc_j + inc_i·clip(xK - i, 0, 1) with i = clip(⌊xK⌋,
   * 0, K-1): two gathers per pixel instead of K-wide tensors.
   */
  applyCurve(x: string, inc: string): string {
    const k = this.cfg.knots;
    const g = this.g;
    const xk = this.reshape(this.mul(x, this.s(k)), [0, -1]); // [N, H·W]
    const seg = this.clip(g.op('Floor', [xk]), 0, k - 1);
    const idx = g.op('Cast', [seg], { to: 7 /* INT64 */ });
    const below = g.op('CumSum', [inc, g.ints([1])], { exclusive: 1 });
    const t = this.clip(this.sub(xk, seg), 0, 1);
    const y = this.add(g.op('GatherElements', [below, idx], { axis: 1 }), this.mul(g.op('GatherElements', [inc, idx], { axis: 1 }), t));
    return g.op('Reshape', [y, g.op('Shape', [x])]);
  }
  /**
   * curves.ts sums clip((y - start_i)/inc_i, 0, 1) over all K segments: 1 below y's segment, 0
   * above it. So x = (i + clip((y - start_i)/inc_i, 0, 1))/K with i = #{ends ≤ y} clipped to
   * K-1, and i comes from a binary search over the increasing ends (log2 K gathers per pixel
   * instead of K-wide tensors).
   */
  invertCurve(y: string, inc: string): string {
    const k = this.cfg.knots;
    const g = this.g;
    const yf = this.reshape(y, [0, -1]); // [N, H·W]
    let ends = g.op('CumSum', [inc, g.ints([1])]);
    let span = 1;
    while (span < k) span *= 2;
    // Pad to a power of two with ends no y reaches, so every probe index exists.
    if (span > k) ends = g.op('Pad', [ends, g.ints([0, 0, 0, span - k]), this.s(1e30)]);
    let idx = g.op('Cast', [this.mul(yf, this.s(0))], { to: 7 /* INT64 */ });
    for (let step = span / 2; step >= 1; step /= 2) {
      const probe = g.op('Add', [idx, g.ints([step - 1])]);
      const below = g.op('Cast', [g.op('LessOrEqual', [g.op('GatherElements', [ends, probe], { axis: 1 }), yf])], { to: 7 });
      idx = g.op('Add', [idx, g.op('Mul', [below, g.ints([step])])]);
    }
    idx = g.op('Min', [idx, g.ints([k - 1])]);
    const starts = this.sub(g.op('CumSum', [inc, g.ints([1])]), inc);
    const t = this.clip(this.div(this.sub(yf, g.op('GatherElements', [starts, idx], { axis: 1 })), g.op('GatherElements', [inc, idx], { axis: 1 })), 0, 1);
    const x = this.div(this.add(g.op('Cast', [idx], { to: 1 /* FLOAT */ }), t), this.s(k));
    return g.op('Reshape', [x, g.op('Shape', [y])]);
  }

  // dual-camera.ts
  /** F's global head input with side info: [inc, 1] (the "have side info" flag). */
  withFlag(inc: string): string {
    const ones = this.add(this.mul(this.g.op('Slice', [inc, this.g.ints([0]), this.g.ints([1]), this.g.ints([1])]), this.s(0)), this.s(1));
    return this.g.op('Concat', [inc, ones], { axis: 1 });
  }
  features(dir: Direction, thumbNhwc: string, extra: string | null): { global: string; local: string } {
    let x = this.g.op('Transpose', [thumbNhwc], { perm: [0, 3, 1, 2] });
    let size = this.cfg.thumb;
    for (let i = 1; i <= 3; i++) {
      const w = convWeights(this.pv(`${dir}/conv${i}/w`));
      const [a, b] = samePads(size, 3, 2);
      const conv = this.g.op('Conv', [x, this.g.constant(w.data, w.dims, `${dir}_conv${i}_w`)], { kernel_shape: [3, 3], strides: [2, 2], pads: [a, a, b, b] });
      x = this.relu(this.add(conv, this.reshape(this.param(`${dir}/conv${i}/b`), [-1, 1, 1])));
      size = Math.ceil(size / 2);
    }
    let pooled = this.g.op('ReduceMean', [x], { axes: [2, 3], keepdims: 0 });
    if (extra) pooled = this.g.op('Concat', [pooled, extra], { axis: 1 });
    const global = this.relu(this.add(this.matmul(pooled, this.param(`${dir}/global1/w`)), this.param(`${dir}/global1/b`)));
    return { global, local: x };
  }
  curveLogits(dir: Direction, global: string): string {
    return this.add(this.matmul(global, this.param(`${dir}/global2/w`)), this.param(`${dir}/global2/b`));
  }
  /** [N,2,T/8,T/8] NCHW: contrast gain, saturation gain. */
  attentionMaps(dir: Direction, f: { global: string; local: string }): string {
    const a = this.g.op('Conv', [f.local, this.g.constant(convWeights(this.pv(`${dir}/att_local/w`)).data, [this.cfg.attention, this.cfg.channels[2], 1, 1], `${dir}_att_local_w`)], { kernel_shape: [1, 1] });
    const gl = this.reshape(this.matmul(f.global, this.param(`${dir}/att_global/w`)), [0, -1, 1, 1]);
    const h = this.relu(this.add(this.add(a, gl), this.reshape(this.param(`${dir}/att1/b`), [-1, 1, 1])));
    const z = this.add(
      this.g.op('Conv', [h, this.g.constant(convWeights(this.pv(`${dir}/att2/w`)).data, [2, this.cfg.attention, 1, 1], `${dir}_att2_w`)], { kernel_shape: [1, 1] }),
      this.reshape(this.param(`${dir}/att2/b`), [-1, 1, 1]),
    );
    return this.mul(this.g.op('Sigmoid', [z]), this.s(2));
  }
  /**
   * localBase and the attention maps upsampled together: both are bilinear resizes of T/8-cell
   * grids to the frame, so one Resize of the three channels does both. TF.js resizeBilinear
   * (alignCorners = halfPixelCenters = false) samples at dst·in/out: ONNX 'asymmetric'.
   */
  /** [N,1,CELLS,CELLS]: the local means of a thumbnail-resolution signal [N,T,T,1]. */
  baseGrid(sThumbNhwc: string): string {
    const t = this.cfg.thumb;
    const pool = t / CELLS;
    return this.g.op('AveragePool', [this.reshape(sThumbNhwc, [-1, 1, t, t])], { kernel_shape: [pool, pool], strides: [pool, pool] });
  }
  upsampled(sThumbNhwc: string, maps: string, frame: string): { base: string; contrast: string; sat: string } {
    const t = this.cfg.thumb;
    const base = this.baseGrid(sThumbNhwc);
    // Output sizes [N, H, W, c]: ORT's linear Resize needs the batch and channel scales at 1.
    const nhw = this.g.op('Slice', [this.g.op('Shape', [frame]), this.g.ints([0]), this.g.ints([3])]);
    const resize = (nchw: string, c: number): string => this.g.op('Resize', [
      this.g.op('Transpose', [nchw], { perm: [0, 2, 3, 1] }), '', '', this.g.op('Concat', [nhw, this.g.ints([c])], { axis: 0 }),
    ], { mode: 'linear', coordinate_transformation_mode: 'asymmetric' });
    const split = (nhwc: string, n: number): string[] => this.g.opN('Split', [nhwc], n, { axis: 3 });
    // The attention grid is T/8 cells and the base grid CELLS: one Resize when they match.
    if (t / 8 === CELLS) {
      const [b, contrast, sat] = split(resize(this.g.op('Concat', [base, maps], { axis: 1 }), 3), 3) as [string, string, string];
      return { base: b, contrast, sat };
    }
    const [contrast, sat] = split(resize(maps, 2), 2) as [string, string];
    // Resize output of a one-channel grid is [N,H,W,1] already.
    return { base: resize(base, 1), contrast, sat };
  }
  modulate(s: string, base: string, contrast: string): string {
    return this.clip(this.add(base, this.mul(contrast, this.sub(s, base))), 0, 1);
  }
  saturate(lin: string, y: string, sat: string): string {
    const ratio = this.div(lin, this.add(y, this.s(1e-6)));
    return this.add(this.s(1), this.mul(sat, this.sub(ratio, this.s(1))));
  }
  gamutFit(ratio: string, y: string): string {
    const maxR = this.g.op('ReduceMax', [ratio], { axes: [3], keepdims: 1 });
    const minR = this.g.op('ReduceMin', [ratio], { axes: [3], keepdims: 1 });
    const hiK = this.div(this.relu(this.sub(this.s(1), y)), this.add(this.mul(y, this.relu(this.sub(maxR, this.s(1)))), this.s(1e-6)));
    const loK = this.div(this.s(1), this.add(this.relu(this.sub(this.s(1), minR)), this.s(1e-6)));
    const k = this.g.op('Min', [this.g.op('Min', [hiK, loK]), this.s(1)]);
    return this.mul(y, this.add(this.s(1), this.mul(k, this.sub(ratio, this.s(1)))));
  }
  hdrLuminance(hdr: string, peak4: string): { lin709: string; y: string; u: string } {
    const lin709 = this.relu(this.applyMatrix(this.pqEotf(hdr), BT2020_TO_BT709));
    const y = this.luminance709(lin709);
    const u = this.clip(this.div(this.pqOetf(y), peak4), 0, 1);
    return { lin709, y, u };
  }
}

function declare(net: Net, kind: GraphKind): Record<string, string> {
  const names: Record<string, string> = {};
  for (const [name, dims] of graphSignature(kind, net.cfg).inputs) names[name] = net.g.input(name, dims);
  return names;
}

function finish(net: Net, kind: GraphKind, values: string | string[], doc: string): Uint8Array {
  const list = typeof values === 'string' ? [values] : values;
  graphSignature(kind, net.cfg).outputs.forEach(([name, dims], i) => net.g.output(list[i]!, name, dims));
  return net.g.encode(`duhdr-${kind}`, doc);
}

/** Build one graph's ONNX bytes from the parameters. */
export function buildGraph(kind: GraphKind, cfg: DualCameraConfig, pv: ParamValues, doc = ''): Uint8Array {
  // F's global head sees [inc, 1] with side info and [0…0] without; a zero block adds exactly
  // nothing to the MatMul, so blind uses only the pooled rows of global1/w.
  const blindPv: ParamValues = (name) => {
    const v = pv(name);
    if (name !== 'forward/global1/w') return v;
    const rows = cfg.channels[2];
    return { data: v.data.subarray(0, rows * cfg.hidden), shape: [rows, cfg.hidden] };
  };
  const net = new Net(cfg, kind === 'forward-blind' || kind === 'forward-blind-grid' ? blindPv : pv);
  const io = declare(net, kind) as Record<string, string> & { thumb: string; peakPq: string };
  if (kind === 'forward-guided-grid' || kind === 'forward-blind-grid') {
    const side = io['inc'];
    const f = net.features('forward', io.thumb, side ? net.withFlag(side) : null);
    const base = net.baseGrid(net.gammaEncode(net.luminance709(net.gammaDecode(io.thumb))));
    const gains = net.attentionMaps('forward', f);
    return finish(net, kind, side ? [base, gains] : [base, gains, net.incrementsFromLogits(net.curveLogits('forward', f.global))], doc);
  }
  const peak4 = net.perFrame(io.peakPq);
  if (kind === 'reverse-grid') {
    const f = net.features('reverse', net.div(io.thumb, peak4), null);
    const base = net.baseGrid(net.applyCurve(net.hdrLuminance(io.thumb, peak4).u, io['inc']!));
    return finish(net, kind, [base, net.attentionMaps('reverse', f)], doc);
  }
  if (kind === 'reverse-curve' || kind === 'reverse') {
    const norm = net.div(io.thumb, peak4);
    const f = net.features('reverse', norm, null);
    if (kind === 'reverse-curve') return finish(net, kind, net.incrementsFromLogits(net.curveLogits('reverse', f.global)), doc);
    const hdr = io['hdr']!;
    const inc = io['inc']!;
    const maps = net.attentionMaps('reverse', f);
    const { lin709, y, u } = net.hdrLuminance(hdr, peak4);
    const thumbU = net.hdrLuminance(io.thumb, peak4).u;
    const up = net.upsampled(net.applyCurve(thumbU, inc), maps, hdr);
    const s = net.modulate(net.applyCurve(u, inc), up.base, up.contrast);
    const ys = net.gammaDecode(s);
    const lin = net.gamutFit(net.saturate(lin709, y, up.sat), ys);
    return finish(net, kind, net.gammaEncode(lin), doc);
  }
  const sdr = io['sdr']!;
  const side = io['inc'] ?? null;
  const f = net.features('forward', io.thumb, side ? net.withFlag(side) : null);
  const maps = net.attentionMaps('forward', f);
  const lin709 = net.gammaDecode(sdr);
  const y = net.luminance709(lin709);
  const s0 = net.gammaEncode(y);
  const up = net.upsampled(net.gammaEncode(net.luminance709(net.gammaDecode(io.thumb))), maps, sdr);
  const s = net.modulate(s0, up.base, up.contrast);
  const u = side ? net.invertCurve(s, side) : net.applyCurve(s, net.incrementsFromLogits(net.curveLogits('forward', f.global)));
  const yh = net.pqEotf(net.mul(u, peak4));
  const linH = net.mul(yh, net.relu(net.saturate(lin709, y, up.sat)));
  return finish(net, kind, net.pqOetf(net.relu(net.applyMatrix(linH, BT709_TO_BT2020))), doc);
}
