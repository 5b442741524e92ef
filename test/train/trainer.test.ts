import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, initParams, loadModel } from '../../src/model/index.js';
import { train, writeTrainingReport, type TrainOptions } from '../../src/train/index.js';
import { SHARED, hasShared } from './data/helpers.js';

const out = mkdtempSync(join(tmpdir(), 'duhdr-train-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const HDR = ['qtcreator_preview_landscape.exr', 'qtcreator_preview_studio.exr', 'polyhaven_city.exr', 'polyhaven_hall.exr', 'polyhaven_lab.exr'];
const LDR = ['plasma_BytheWater.jpg', 'plasma_ColdRipple.jpg', 'gcompris_clickgame_sea1.jpg'];

function options(dir: string, steps: number, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    hdr: HDR.map((f) => join(SHARED, 'hdr', f)), ldr: LDR.map((f) => join(SHARED, 'ldr', f)), output: join(out, dir),
    steps, batch: 2, seed: 3, validateEvery: 2, checkpointEvery: 2, valFraction: 0.5, valSamples: 2, backend: 'wasm', ...extra,
  };
}

describe.runIf(hasShared)('duhdr train (wasm backend, tiny data)', () => {
  it('trains, validates, checkpoints and writes a loadable model; resume gives the same weights as an uninterrupted run', async () => {
    const events: string[] = [];
    const straight = await train({ ...options('straight', 4), onEvent: (e) => events.push(e.kind) });
    expect(straight.steps).toBe(4);
    expect(straight.backend).toBe('wasm');
    expect(straight.losses).toHaveLength(4);
    for (const l of straight.losses) for (const v of Object.values(l)) expect(Number.isFinite(v)).toBe(true);
    expect(straight.losses[0]!.cycle).toBeGreaterThanOrEqual(0);
    expect(straight.validation.map((v) => v.step)).toEqual([2, 4]);
    expect(straight.validation[1]!.roundTripPu21Psnr).toBeGreaterThan(20);
    expect(events).toContain('checkpoint');
    const model = await loadModel(join(out, 'straight'));
    expect(model.contentHash).toBe(straight.contentHash);
    expect(model.json.training?.['steps']).toBe(4);

    // Interrupted after 2 steps, then resumed to 4: batch s depends only on (seed, s) and Adam's
    // state comes back from the checkpoint, so the run continues where it stopped. (TF.js
    // recomputes Adam's beta powers with pow() on restore, one float rounding away from the
    // product an unbroken run keeps: weights agree to ~1e-6, not bit for bit.)
    await train(options('resumed', 2));
    const resumed = await train(options('resumed', 4, { resume: true }));
    expect(resumed.losses).toHaveLength(4);
    expect(resumed.losses[2]!.total).toBe(straight.losses[2]!.total);
    expect(resumed.losses[3]!.total).toBeCloseTo(straight.losses[3]!.total, 5);
    const a = await loadModel(join(out, 'straight'));
    const b = await loadModel(join(out, 'resumed'));
    let maxDiff = 0;
    for (const [name, v] of Object.entries(a.params)) {
      const x = v.dataSync();
      const y = b.params[name]!.dataSync();
      for (let i = 0; i < x.length; i++) maxDiff = Math.max(maxDiff, Math.abs(x[i]! - y[i]!));
    }
    expect(maxDiff).toBeLessThan(1e-5);
    // An uninterrupted rerun with the same seed is bit-identical.
    expect((await train(options('again', 4))).contentHash).toBe(straight.contentHash);

    await writeTrainingReport(join(out, 'straight'), {
      id: 'dual-v1', command: 'duhdr train ...', contentHash: straight.contentHash, steps: 4, seconds: straight.seconds,
      backend: straight.backend, losses: straight.losses, validation: straight.validation,
    });
    const svg = readFileSync(join(out, 'straight', 'loss.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('roundTrip');
    expect(readFileSync(join(out, 'straight', 'README.md'), 'utf8')).toContain(straight.contentHash);
    expect(existsSync(join(out, 'straight', 'validation.svg'))).toBe(true);
  }, 240_000);

  it('a different seed gives different weights', async () => {
    const other = await train(options('seed4', 1, { seed: 4, validateEvery: 10 }));
    const base = await train(options('seed3', 1, { validateEvery: 10 }));
    expect(other.contentHash).not.toBe(base.contentHash);
  }, 120_000);

  it('ablation variants train only what they say: forward-only leaves R, no-attention the attention heads, no-cycle the cycle term', async () => {
    const init = initParams(DEFAULT_CONFIG, 3);
    const changed = async (dir: string): Promise<Set<string>> => {
      const m = await loadModel(join(out, dir));
      const names = new Set<string>();
      for (const [name, v] of Object.entries(m.params)) {
        const a = v.dataSync();
        const b = init[name]!.dataSync();
        if (a.some((x, i) => x !== b[i])) names.add(name);
      }
      return names;
    };
    const full = await train(options('v-full', 2, { validateEvery: 10 }));
    const fwd = await train(options('v-forward-only', 2, { validateEvery: 10, variant: 'forward-only' }));
    const noAtt = await train(options('v-no-attention', 2, { validateEvery: 10, variant: 'no-attention' }));
    const noCycle = await train(options('v-no-cycle', 2, { validateEvery: 10, variant: 'no-cycle' }));
    const all = await changed('v-full');
    expect([...all].some((n) => n.startsWith('reverse/'))).toBe(true);
    expect([...all].some((n) => n.includes('/att'))).toBe(true);
    const f = await changed('v-forward-only');
    expect([...f].filter((n) => n.startsWith('reverse/'))).toEqual([]);
    expect([...f].some((n) => n.startsWith('forward/'))).toBe(true);
    expect(fwd.losses.every((l) => l.reverse === 0 && l.roundTrip === 0 && l.cycle === 0 && l.forwardBlind > 0)).toBe(true);
    expect([...(await changed('v-no-attention'))].filter((n) => n.includes('/att'))).toEqual([]);
    expect(noAtt.losses.every((l) => l.cycle > 0)).toBe(true);
    expect(noCycle.losses.every((l) => l.cycle === 0 && l.roundTrip > 0)).toBe(true);
    // Every run reports R's SDR look beside the camera's on the same views.
    for (const r of [full, fwd, noAtt, noCycle]) {
      expect(r.validation.at(-1)!.sdrColourfulness).toBeGreaterThan(0);
      expect(r.validation.at(-1)!.sdrContrast).toBeGreaterThan(0);
    }
    expect(full.cameraLook).toEqual(fwd.cameraLook);
    expect(full.cameraLook.colourfulness).toBeGreaterThan(0);
    for (const v of Object.values(init)) v.dispose();
  }, 240_000);

  it('refuses a crop that is not a multiple of the thumbnail and a resume with another seed', async () => {
    await expect(train(options('bad', 1, { crop: [100, 64] }))).rejects.toThrow(/--crop 100x64: both sides must be multiples of 64/);
    await expect(train(options('straight', 5, { resume: true, seed: 9 }))).rejects.toThrow(/--seed 3, not 9/);
  }, 60_000);
});
