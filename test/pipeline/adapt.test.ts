import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/eval/index.js';
import { CanceledError, OptionError, TEMP_MARK, binaries, liveChildCount } from '../../src/io/index.js';
import { forwardParameterShapes, initBackend, loadModel, packForward } from '../../src/model/index.js';
import { embedManifest, encode, parseManifest, readEmbeddedManifest, restore, serializeManifest, type JobResult } from '../../src/pipeline/index.js';
import { MODELS_DIR } from '../../src/runtime/index.js';
import { adaptForward, type AdaptFrame } from '../../src/train/index.js';
import { ffmpeg, sample, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const clip = join(dir, 'city-16.mkv');
const adapted = join(dir, 'adapted.mkv');
const base = join(dir, 'base.mkv');
let result: JobResult;

const pu21 = async (restored: string): Promise<number> => {
  const e = await evaluate(clip, restored);
  if (e.mode !== 'hdr') throw new Error('expected an HDR evaluation');
  return e.pu21_psnr;
};

beforeAll(async () => {
  // 16 frames at 320x180 keep the tuning and the restores short.
  await ffmpeg(['-i', sample('city-pq.mkv'), '-map', '0:v', '-frames:v', '16', '-vf', 'scale=320:180', '-c:v', 'libx265', '-preset', 'ultrafast',
    '-x265-params', 'log-level=none:lossless=1:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50):max-cll=1000,400',
    '-pix_fmt', 'yuv420p10le', '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', clip]);
  result = await encode({ input: clip, output: adapted, model: 'dual-v1', adapt: { seconds: 120, maxSteps: 12 } });
  await encode({ input: clip, output: base, model: 'dual-v1' });
}, 240_000);

describe('encode --adapt (per-clip forward network)', () => {
  it('tunes F on the clip and ships it, as float16, in the manifest', async () => {
    expect(result.adapt).toMatchObject({ shipped: true, steps: 12 });
    expect(result.adapt!.heldOutAfter).toBeGreaterThan(result.adapt!.heldOutBefore);
    const m = parseManifest((await readEmbeddedManifest(adapted))!, adapted);
    const a = m.model.adaptedForward!;
    await initBackend('auto');
    const model = await loadModel(join(MODELS_DIR, 'dual-v1'));
    const count = forwardParameterShapes(model.config).reduce((n, [, s]) => n + s.reduce((x, y) => x * y, 1), 0);
    for (const v of Object.values(model.params)) v.dispose();
    expect(Buffer.from(a.weights, 'base64').length).toBe(2 * count);
    expect(result.adapt!.bytes).toBe(a.weights.length);
    expect(m.model.hash).toBe(parseManifest((await readEmbeddedManifest(base))!, base).model.hash);
  });

  it('leaves the SDR exactly as without adaptation (only the manifest differs)', async () => {
    const md5 = (f: string): string => execFileSync(binaries().ffmpeg.path, ['-v', 'error', '-i', f, '-map', '0:v', '-f', 'md5', '-'], { encoding: 'utf8' });
    expect(md5(adapted)).toMatch(/^MD5=[0-9a-f]{32}/);
    expect(md5(adapted)).toBe(md5(base));
  });

  it('restore uses the adapted F: closer to the source than the base model, the same on both engines', async () => {
    const out = join(dir, 'adapted-hdr.mkv');
    const outTf = join(dir, 'adapted-hdr-tfjs.mkv');
    const outBase = join(dir, 'base-hdr.mkv');
    await restore({ input: adapted, output: out, preset: 'hdr10-x265-lossless' });
    await restore({ input: base, output: outBase, preset: 'hdr10-x265-lossless' });
    process.env['DUHDR_ENGINE'] = 'tfjs';
    try {
      await restore({ input: adapted, output: outTf, preset: 'hdr10-x265-lossless' });
    } finally {
      delete process.env['DUHDR_ENGINE'];
    }
    const [a, b, t] = [await pu21(out), await pu21(outBase), await pu21(outTf)];
    expect(a).toBeGreaterThan(b);
    expect(Math.abs(a - t)).toBeLessThan(0.05);
  }, 240_000);

  it('refuses adapted weights whose hash does not match, or on a model they do not fit, naming the file', async () => {
    const m = parseManifest((await readEmbeddedManifest(adapted))!, adapted);
    const plain = join(dir, 'plain.mkv');
    await ffmpeg(['-i', adapted, '-map', '0', '-map', '-0:t', '-c', 'copy', plain]);
    const tampered = join(dir, 'tampered.mkv');
    const a = m.model.adaptedForward!;
    const flipped = `${a.weights[0] === 'A' ? 'B' : 'A'}${a.weights.slice(1)}`;
    await embedManifest(plain, tampered, serializeManifest({ ...m, model: { ...m.model, adaptedForward: { ...a, weights: flipped } } }));
    await expect(restore({ input: tampered, output: join(dir, 'x.mkv') })).rejects.toThrow(
      `${tampered}: the adapted forward network in its manifest is corrupt (sha256 mismatch)`,
    );
    // Intact weights on a model without a forward network: refused as not fitting, naming the model.
    const classical = join(dir, 'classical-sdr.mkv');
    await encode({ input: clip, output: classical });
    const c = parseManifest((await readEmbeddedManifest(classical))!, classical);
    const plainClassical = join(dir, 'plain-classical.mkv');
    await ffmpeg(['-i', classical, '-map', '0', '-map', '-0:t', '-c', 'copy', plainClassical]);
    const grafted = join(dir, 'grafted.mkv');
    await embedManifest(plainClassical, grafted, serializeManifest({ ...c, model: { ...c.model, adaptedForward: a } }));
    await expect(restore({ input: grafted, output: join(dir, 'x.mkv') })).rejects.toThrow(
      `${grafted}: its adapted forward network does not fit model classical-soft: classical-soft has no forward network to adapt`,
    );
    expect(existsSync(join(dir, 'x.mkv'))).toBe(false);
  }, 60_000);

  it('Ctrl-C during the tuning leaves no output, no temporary file and no ffmpeg process', async () => {
    const out = join(dir, 'canceled.mkv');
    const ac = new AbortController();
    const job = encode({
      input: clip, output: out, model: 'dual-v1', adapt: { seconds: 120 }, signal: ac.signal,
      onProgress: (p) => {
        // Aborted from outside the training loop, as a SIGINT handler would.
        if (p.stage === 'adapt' && p.frames === 2) setImmediate(() => ac.abort());
      },
    });
    await expect(job).rejects.toBeInstanceOf(CanceledError);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes(TEMP_MARK))).toEqual([]);
    expect(liveChildCount()).toBe(0);
  }, 120_000);

  it('refuses --adapt with a model that has no forward network, before encoding anything', async () => {
    const out = join(dir, 'classical.mkv');
    await expect(encode({ input: clip, output: out, model: 'classical-bt2390', adapt: {} })).rejects.toThrow(OptionError);
    await expect(encode({ input: clip, output: out, adapt: { seconds: -1 } })).rejects.toThrow(/--adapt -1: expected seconds/);
    await expect(encode({ input: clip, output: out, model: 'no-such-model', adapt: {} })).rejects.toThrow(/unknown model "no-such-model"; available: /);
    expect(existsSync(out)).toBe(false);
  });
});

describe('adaptForward', () => {
  it('keeps the base weights when the tuning does worse on held-out frames', async () => {
    await initBackend('auto');
    const model = await loadModel(join(MODELS_DIR, 'dual-v1'), { trainable: true });
    const before = packForward(model.config, model.params);
    // 8 views of a flat grey SDR against an HDR ramp, and a learning rate that wrecks F.
    const w = 128;
    const h = 64;
    const frames: AdaptFrame[] = Array.from({ length: 8 }, (_, k) => ({
      sdr: new Float32Array(w * h * 3).fill(0.5),
      hdr: Float32Array.from({ length: w * h * 3 }, (_, i) => 0.3 + (0.4 * (Math.floor(i / 3) % w)) / w + 0.01 * k),
      inc: Array.from({ length: model.config.knots }, () => 1 / model.config.knots),
    }));
    const r = await adaptForward({ model, frames, width: w, height: h, peakPq: 0.75, seconds: 60, maxSteps: 3, learningRate: 50 });
    expect(r.steps).toBe(3);
    expect(r.heldOutFrames).toBe(2);
    expect(r.heldOutAfter).toBeLessThanOrEqual(r.heldOutBefore);
    expect(r.weights).toBeNull();
    expect(packForward(model.config, model.params)).toEqual(before);
    for (const v of Object.values(model.params)) v.dispose();
  }, 60_000);
});
