// FLOPs of a TF.js computation, counted from the kernels it actually runs (tf.profile), so the
// figure follows the code. Convention: a multiply-add is 2 FLOPs (conv, matMul); every other
// arithmetic or transcendental op is 1 FLOP per output element (pow, exp, div count as one);
// a reduction costs one per input element; bilinear resize 7 per output element (4 taps, 3 adds);
// pure data movement (reshape, slice, concat, cast, fill) is free.

import * as tf from '@tensorflow/tfjs';

const FREE = new Set([
  'Reshape', 'Cast', 'Identity', 'Slice', 'StridedSlice', 'Concat', 'Pack', 'Unpack', 'Fill', 'Range', 'ZerosLike',
  'OnesLike', 'Transpose', 'SplitV', 'Tile', 'ExpandDims', 'Squeeze', 'Reverse', 'GatherV2', 'PadV2', 'MirrorPad',
]);
const REDUCTIONS = new Set(['Sum', 'Max', 'Min', 'Mean', 'Prod', 'All', 'Any', 'ArgMax', 'ArgMin', 'Cumsum', 'AvgPool', 'MaxPool']);

function size(shape: readonly number[] | undefined): number {
  return shape ? shape.reduce((a, b) => a * b, 1) : 0;
}

export type KernelCount = { name: string; flops: number };

/** FLOPs of one kernel call from its shapes. */
export function kernelFlops(name: string, inputShapes: (readonly number[] | undefined)[], outputShapes: (readonly number[] | undefined)[]): number {
  if (FREE.has(name)) return 0;
  const out = size(outputShapes[0]);
  if (name === 'Conv2D' || name === 'FusedConv2D') {
    const f = inputShapes[1]!;
    return 2 * out * f[0]! * f[1]! * f[2]! + (name === 'FusedConv2D' ? 2 * out : 0);
  }
  if (name === 'BatchMatMul' || name === '_FusedMatMul') {
    // [b,m,k]x[b,k,n] -> [b,m,n] whatever the transposes: |a|·|b| = b²·m·n·k², |out| = b·m·n.
    const a = inputShapes[0]!;
    const batch = a.length > 2 ? size(a.slice(0, -2)) : 1;
    const k = Math.round(Math.sqrt((size(a) * size(inputShapes[1])) / (batch * batch * out)));
    return 2 * out * k;
  }
  if (REDUCTIONS.has(name)) return size(inputShapes[0]);
  if (name === 'ResizeBilinear') return 7 * out;
  if (name === 'ClipByValue') return 2 * out;
  if (name === 'Softmax') return 4 * out;
  return out;
}

/** Run `fn` under the profiler and count its FLOPs (kernels grouped by name). */
export async function countFlops(fn: () => tf.Tensor | tf.Tensor[]): Promise<{ total: number; kernels: KernelCount[] }> {
  const info = await tf.profile(fn);
  const byName = new Map<string, number>();
  for (const k of info.kernels) {
    const f = kernelFlops(k.name, k.inputShapes as (number[] | undefined)[], k.outputShapes as (number[] | undefined)[]);
    byName.set(k.name, (byName.get(k.name) ?? 0) + f);
  }
  tf.dispose(info.result as tf.Tensor);
  const kernels = [...byName].map(([name, flops]) => ({ name, flops })).sort((a, b) => b.flops - a.flops);
  return { total: kernels.reduce((a, k) => a + k.flops, 0), kernels };
}

/**
 * FLOPs per frame of R and F at width x height, inference path (R: curve head + render; F: guided
 * render, the blind head costs the same within 0.1%). The thumbnail the engine makes by area
 * averaging is added analytically (one add per input value); YUV<->R'G'B' conversion is the
 * engine's, not the network's, and is not included.
 */
export async function networkFlops(
  params: import('./dual-camera.js').Params,
  thumbSize: number,
  width: number,
  height: number,
): Promise<{ reverse: number; forward: number }> {
  const { forward, reverse, reverseCurve } = await import('./dual-camera.js');
  const frame = tf.fill([1, height, width, 3], 0.5) as tf.Tensor4D;
  const thumb = tf.fill([1, thumbSize, thumbSize, 3], 0.5) as tf.Tensor4D;
  const peak = tf.tensor1d([0.75]);
  const area = 3 * width * height;
  const r = await countFlops(() => reverse(params, frame, thumb, reverseCurve(params, thumb, peak), peak));
  const inc = tf.tidy(() => reverseCurve(params, thumb, peak));
  const f = await countFlops(() => forward(params, frame, thumb, inc, peak));
  tf.dispose([frame, thumb, peak, inc]);
  return { reverse: r.total + area, forward: f.total + area };
}
