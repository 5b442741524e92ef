// The wasm backend has no Conv2DBackpropFilter kernel, so the stock Conv2D gradient throws there.
// We register our own Conv2D gradient: the input gradient stays conv2DBackpropInput (wasm has
// it); the filter gradient is im2col + one matMul, which wasm runs with its SIMD GEMM.

import * as tf from '@tensorflow/tfjs';

type Pad = 'same' | 'valid' | number;

/** Top/left padding and output size along one axis, as TF computes them. */
function padding(size: number, k: number, stride: number, pad: Pad): { before: number; after: number; out: number } {
  if (pad === 'valid') return { before: 0, after: 0, out: Math.floor((size - k) / stride) + 1 };
  if (pad === 'same') {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + k - size, 0);
    return { before: Math.floor(total / 2), after: total - Math.floor(total / 2), out };
  }
  return { before: pad, after: pad, out: Math.floor((size + 2 * pad - k) / stride) + 1 };
}

/**
 * dL/dFilter of an NHWC conv2d (dilation 1) as im2col + matMul: the columns hold every kernel
 * tap's strided view of the padded input, so one [taps*Cin, N*Ho*Wo] x [N*Ho*Wo, Cout] product
 * gives the whole filter gradient.
 */
export function conv2dFilterGradIm2col(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: [number, number],
  pad: Pad,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const [kh, kw, , cout] = filterShape;
    const py = padding(h, kh, strides[0], pad);
    const px = padding(w, kw, strides[1], pad);
    const xp = tf.pad(x, [[0, 0], [py.before, py.after], [px.before, px.after], [0, 0]]);
    const taps: tf.Tensor4D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        taps.push(
          tf.stridedSlice(
            xp,
            [0, i, j, 0],
            [n, i + (py.out - 1) * strides[0] + 1, j + (px.out - 1) * strides[1] + 1, c],
            [1, strides[0], strides[1], 1],
          ) as tf.Tensor4D,
        );
      }
    }
    const rows = n * py.out * px.out;
    const cols = tf.reshape(tf.concat(taps, 3), [rows, kh * kw * c]);
    const g = tf.matMul(cols, tf.reshape(dy, [rows, cout]), true, false);
    return tf.reshape(g, filterShape);
  });
}

let registered = false;

/** Replace the Conv2D gradient by one that works on every backend (idempotent). */
export function registerWasmGradients(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as { strides: number | [number, number]; pad: Pad; dilations: number | [number, number] };
      const strides: [number, number] = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
      const dil = typeof a.dilations === 'number' ? [a.dilations, a.dilations] : a.dilations;
      if (dil[0] !== 1 || dil[1] !== 1) throw new Error('conv2d gradient: dilations other than 1 are not supported');
      const dy4 = dy as tf.Tensor4D;
      const native = tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) !== undefined;
      return {
        x: () => tf.conv2dTranspose(dy4, filter, x.shape, strides, a.pad),
        filter: () =>
          native
            ? (tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dy4 }, {
                strides, pad: a.pad, dataFormat: 'NHWC', filterShape: filter.shape,
              } as unknown as tf.NamedAttrMap) as tf.Tensor4D)
            : conv2dFilterGradIm2col(x, dy4, filter.shape as [number, number, number, number], strides, a.pad),
      };
    },
  });
}
