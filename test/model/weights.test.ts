import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelMismatchError, InputError } from '../../src/io/index.js';
import { DEFAULT_CONFIG, MODEL_JSON, WEIGHTS_BIN, forward, initBackend, initParams, loadModel, reverse, reverseCurve, saveModel, thumbnail } from '../../src/model/index.js';

const dir = mkdtempSync(join(tmpdir(), 'duhdr-weights-'));
let hash = '';

beforeAll(async () => {
  await initBackend('wasm');
  const params = initParams(DEFAULT_CONFIG, 7);
  // Move the parameters away from their init so the test sees real numbers round-trip.
  for (const v of Object.values(params)) v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.05, 'float32', 3)));
  hash = await saveModel(dir, 'test-model', DEFAULT_CONFIG, params, { note: 'test' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function copyModel(): string {
  const d = mkdtempSync(join(tmpdir(), 'duhdr-weights-copy-'));
  for (const f of [MODEL_JSON, WEIGHTS_BIN]) writeFileSync(join(d, f), readFileSync(join(dir, f)));
  return d;
}

describe('model files', () => {
  it('save then load gives the same hash and the same outputs; no temp files left', async () => {
    expect(readdirSync(dir).sort()).toEqual([MODEL_JSON, WEIGHTS_BIN].sort());
    const a = await loadModel(dir);
    const b = await loadModel(dir, { expectHash: hash });
    expect(a.contentHash).toBe(hash);
    expect(a.id).toBe('test-model');
    const hdr = tf.mul(tf.randomUniform([1, 64, 128, 3], 0, 1, 'float32', 1), 0.7) as tf.Tensor4D;
    const th = thumbnail(hdr, 64);
    const peak = tf.tensor1d([0.75]);
    const run = (p: typeof a.params): Float32Array => tf.tidy(() => {
      const inc = reverseCurve(p, th, peak);
      const sdr = reverse(p, hdr, th, inc, peak);
      return forward(p, sdr, thumbnail(sdr, 64), inc, peak).dataSync() as Float32Array;
    });
    expect(Array.from(run(a.params))).toEqual(Array.from(run(b.params)));
  });

  it('a flipped weight byte changes the hash and fails an expected-hash load', async () => {
    const d = copyModel();
    const w = readFileSync(join(d, WEIGHTS_BIN));
    w[1001] = w[1001]! ^ 0x01;
    writeFileSync(join(d, WEIGHTS_BIN), w);
    await expect(loadModel(d, { expectHash: hash })).rejects.toThrow(ModelMismatchError);
    expect((await loadModel(d)).contentHash).not.toBe(hash);
    rmSync(d, { recursive: true });
  });

  it('refuses truncated weights, unknown fields, a foreign format and NaN, naming the file', async () => {
    const d = copyModel();
    const w = readFileSync(join(d, WEIGHTS_BIN));
    writeFileSync(join(d, WEIGHTS_BIN), w.subarray(0, w.length - 4));
    await expect(loadModel(d)).rejects.toThrow(/weights\.bin: weights are \d+ bytes; the config needs/);
    writeFileSync(join(d, WEIGHTS_BIN), w);
    const json = JSON.parse(readFileSync(join(d, MODEL_JSON), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(d, MODEL_JSON), JSON.stringify({ ...json, extra: 1 }));
    await expect(loadModel(d)).rejects.toThrow(InputError);
    writeFileSync(join(d, MODEL_JSON), JSON.stringify({ ...json, format: 'keras' }));
    await expect(loadModel(d)).rejects.toThrow(/model\.json: not a duhdr model: format/);
    writeFileSync(join(d, MODEL_JSON), JSON.stringify(json));
    const nan = new Float32Array(w.buffer.slice(w.byteOffset, w.byteOffset + w.length));
    nan[5] = Number.NaN;
    writeFileSync(join(d, WEIGHTS_BIN), new Uint8Array(nan.buffer));
    await expect(loadModel(d)).rejects.toThrow(/NaN/);
    rmSync(d, { recursive: true });
  });

  it('a missing folder is one clear error', async () => {
    await expect(loadModel(join(dir, 'nope'))).rejects.toThrow(/no such model file/);
  });
});
