import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/eval/index.js';
import { probe } from '../../src/io/index.js';
import { encode, parseManifest, readEmbeddedManifest, restore, upconvert } from '../../src/pipeline/index.js';
import { MIN_INCREMENT } from '../../src/model/index.js';
import { OffThreadToneModel, loadToneModel, type Engine } from '../../src/runtime/index.js';
import { LearnedToneModel } from '../../src/runtime/learned/index.js';
import { OrtToneModel } from '../../src/runtime/onnx/index.js';
import { ffmpeg, sample, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const clip = join(dir, 'city-16.mkv');
const sdrOf = (engine: Engine) => join(dir, `sdr-${engine}.mkv`);
const hdrOf = (engine: Engine) => join(dir, `hdr-${engine}.mkv`);

beforeAll(async () => {
  // 16 frames at 320x180: the TF.js engine is the reference, not the fast path.
  await ffmpeg(['-i', sample('city-pq.mkv'), '-map', '0:v', '-frames:v', '16', '-vf', 'scale=320:180', '-c:v', 'libx265', '-preset', 'ultrafast',
    '-x265-params', 'log-level=none:lossless=1:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50):max-cll=1000,400',
    '-pix_fmt', 'yuv420p10le', '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', clip]);
}, 60_000);

describe.each(['ort', 'tfjs'] as const)('the learned model dual-v1 in the pipeline (engine %s)', (engine) => {
  const sdr = sdrOf(engine);
  const hdr = hdrOf(engine);
  beforeEach(() => void (process.env['DUHDR_ENGINE'] = engine));
  afterEach(() => void delete process.env['DUHDR_ENGINE']);

  it('encodes HDR10 to SDR with a 16-value curve per frame as side info, and restores HDR10 from it', async () => {
    const enc = await encode({ input: clip, output: sdr, model: 'dual-v1' });
    expect(enc.model.id).toBe('dual-v1');
    const m = parseManifest((await readEmbeddedManifest(sdr))!, sdr);
    expect(m.model.id).toBe('dual-v1');
    expect(m.sideInfo.fields).toHaveLength(16);
    expect(m.sideInfo.frames).toHaveLength(16);
    for (const f of m.sideInfo.frames) {
      expect(f.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      expect(Math.min(...f)).toBeGreaterThanOrEqual(MIN_INCREMENT);
    }
    // Temporal smoothing: the curve moves little from frame to frame of one shot.
    for (let i = 1; i < 16; i++) {
      const d = m.sideInfo.frames[i]!.reduce((a, v, k) => Math.max(a, Math.abs(v - m.sideInfo.frames[i - 1]![k]!)), 0);
      expect(d).toBeLessThan(0.01);
    }
    const rest = await restore({ input: sdr, output: hdr, preset: 'hdr10-x265-lossless' });
    expect(rest.model.id).toBe('dual-v1');
    const info = await probe(hdr);
    expect(info.video).toMatchObject({ dynamicRange: 'pq', bitDepth: 10, width: 320, height: 180, frameCount: 16 });
    const e = await evaluate(clip, hdr);
    if (e.mode !== 'hdr') throw new Error('expected an HDR evaluation');
    expect(e.pu21_psnr).toBeGreaterThan(FLOOR_PU21);
    expect(e.flicker).toBeLessThan(1);
  }, 120_000);

  it('restores blind (upconvert, no side info) with the forward network alone', async () => {
    const out = join(dir, 'blind.mkv');
    await upconvert({ input: sdr, output: out, model: 'dual-v1', preset: 'hdr10-x265-lossless' });
    const e = await evaluate(clip, out);
    if (e.mode !== 'hdr') throw new Error('expected an HDR evaluation');
    // Measured 18.7 dB: blind is far below guided (37.7 dB) — the side info is what the curve needs.
    expect(e.pu21_psnr).toBeGreaterThan(15);
    expect(e.pu21_psnr).toBeLessThan(FLOOR_PU21);
  }, 120_000);

  it('loads by id through the model table on this engine, with a content hash of its weights', async () => {
    const model = await loadToneModel('dual-v1', { thread: 'main' });
    expect(model).toBeInstanceOf(engine === 'ort' ? OrtToneModel : LearnedToneModel);
    expect(model.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(model.sideInfoFields).toHaveLength(16);
    model.dispose();
  });
});

describe('engines', () => {
  it('write the same manifest (model, hash, side info), so either restores the other\'s files, to the same quality', async () => {
    const a = parseManifest((await readEmbeddedManifest(sdrOf('ort')))!, sdrOf('ort'));
    const b = parseManifest((await readEmbeddedManifest(sdrOf('tfjs')))!, sdrOf('tfjs'));
    expect(a.model).toEqual(b.model);
    expect(a.sideInfo.frames).toEqual(b.sideInfo.frames);
    const ort = await evaluate(clip, hdrOf('ort'));
    const tfjs = await evaluate(clip, hdrOf('tfjs'));
    if (ort.mode !== 'hdr' || tfjs.mode !== 'hdr') throw new Error('expected HDR evaluations');
    // Same networks: the round trips agree to a small fraction of a dB.
    expect(Math.abs(ort.pu21_psnr - tfjs.pu21_psnr)).toBeLessThan(0.2);
  });

  it('the ORT build runs on a worker thread under the model\'s own id; an engine build is not a model id', async () => {
    const model = await loadToneModel('dual-v1', { engine: 'ort' });
    try {
      expect(model).toBeInstanceOf(OffThreadToneModel);
      expect(model.id).toBe('dual-v1');
    } finally {
      model.dispose();
    }
    await expect(loadToneModel('dual-v1-ort')).rejects.toThrow(/unknown model "dual-v1-ort"; available: classical-bt2390, classical-soft, dual-v1/);
  });
});

/**
 * Round-trip floor for this 320x180 cut through x264 CRF 20: the shipped dual-v1 measures 37.7 dB
 * (flicker 0.17); the margin absorbs other x264 builds' rounding.
 */
const FLOOR_PU21 = 34;
