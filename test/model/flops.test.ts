import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, countFlops, initBackend, initParams, networkFlops } from '../../src/model/index.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('FLOP counting from the kernels that run', () => {
  it('counts a conv, a matMul and elementwise ops by hand', async () => {
    const x = tf.ones([1, 8, 8, 3]) as tf.Tensor4D;
    const f = tf.ones([3, 3, 3, 4]) as tf.Tensor4D;
    const a = tf.ones([5, 7]) as tf.Tensor2D;
    const b = tf.ones([7, 2]) as tf.Tensor2D;
    const { total } = await countFlops(() => [tf.add(tf.conv2d(x, f, 1, 'same'), 1), tf.matMul(a, b)]);
    // conv: 8*8*4 outputs x 27 MACs x 2; add: 256; matMul: 5*2 outputs x 7 MACs x 2.
    expect(total).toBe(8 * 8 * 4 * 27 * 2 + 256 + 5 * 2 * 7 * 2);
  });

  it('both networks stay under the 2 GFLOP per 1080p frame budget, and the full-resolution work scales with pixels', async () => {
    const params = initParams(DEFAULT_CONFIG, 1);
    const hd = await networkFlops(params, 64, 1920, 1080);
    const quarter = await networkFlops(params, 64, 960, 540);
    for (const v of [hd.reverse, hd.forward]) {
      expect(v).toBeLessThan(2e9);
      expect(v).toBeGreaterThan(1e8);
    }
    // Per-pixel work dominates: a quarter of the pixels costs about a quarter of the FLOPs.
    expect(quarter.reverse / hd.reverse).toBeGreaterThan(0.24);
    expect(quarter.reverse / hd.reverse).toBeLessThan(0.27);
    for (const v of Object.values(params)) v.dispose();
  });
});
