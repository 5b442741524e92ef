import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { conv2dFilterGradIm2col, registerWasmGradients } from '../../src/model/index.js';

type Case = { x: [number, number, number, number]; f: [number, number, number, number]; stride: number; pad: 'same' | 'valid' | number };
const CASES: Case[] = [
  { x: [2, 9, 7, 3], f: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { x: [1, 16, 16, 5], f: [3, 3, 5, 6], stride: 2, pad: 'same' },
  { x: [2, 15, 11, 2], f: [3, 3, 2, 3], stride: 2, pad: 'same' },
  { x: [1, 10, 12, 4], f: [1, 1, 4, 2], stride: 1, pad: 'valid' },
  { x: [1, 9, 9, 2], f: [3, 3, 2, 2], stride: 2, pad: 'valid' },
  { x: [1, 8, 6, 2], f: [3, 3, 2, 3], stride: 1, pad: 1 },
];

function values(shape: number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 0.8);
}

/** Gradients of sum(conv2d(x, f) * w) with respect to x and f, on one backend. */
async function grads(backend: string, c: Case): Promise<{ dx: Float32Array; df: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(values(c.x, 1), c.x);
    const f = tf.tensor4d(values(c.f, 2), c.f);
    const outShape = tf.conv2d(x, f, c.stride, c.pad).shape;
    const w = tf.tensor(values(outShape, 3), outShape);
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), w)))([x, f]);
    return { dx: dx!.dataSync() as Float32Array, df: df!.dataSync() as Float32Array };
  });
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('wasm Conv2D gradient (im2col + matMul) against the cpu backend', () => {
  it('wasm has no Conv2DBackpropFilter kernel of its own (why this gradient exists)', async () => {
    await tf.setBackend('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
  });

  it.each(CASES)('filter and input gradients match cpu for x $x, filter $f, stride $stride, pad $pad', async (c) => {
    registerWasmGradients();
    const cpu = await grads('cpu', c);
    const wasm = await grads('wasm', c);
    expect(maxAbsDiff(cpu.df, wasm.df)).toBeLessThan(1e-4);
    expect(maxAbsDiff(cpu.dx, wasm.dx)).toBeLessThan(1e-4);
    // Not trivially zero: the gradients carry signal.
    expect(Math.max(...cpu.df.map(Math.abs))).toBeGreaterThan(0.1);
  });

  it('conv2dFilterGradIm2col equals a central finite difference of the loss', async () => {
    await tf.setBackend('wasm');
    const c = CASES[1]!;
    const x = tf.tensor4d(values(c.x, 1), c.x);
    const f0 = values(c.f, 2);
    const outShape = tf.conv2d(x, tf.tensor4d(f0, c.f), c.stride, c.pad).shape;
    const w = tf.tensor(values(outShape, 3), outShape);
    const loss = (fv: Float32Array): number => tf.tidy(() => tf.sum(tf.mul(tf.conv2d(x, tf.tensor4d(fv, c.f), c.stride, c.pad), w)).dataSync()[0]!);
    const g = conv2dFilterGradIm2col(x, w as tf.Tensor4D, c.f, [c.stride, c.stride], c.pad).dataSync();
    for (const idx of [0, 17, 63, 150, f0.length - 1]) {
      const up = f0.slice();
      const dn = f0.slice();
      up[idx]! += 1e-2;
      dn[idx]! -= 1e-2;
      const fd = (loss(up) - loss(dn)) / 2e-2;
      expect(Math.abs(g[idx]! - fd)).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
    }
  });
});
