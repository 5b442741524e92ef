/**
 * bench/train: training throughput of `duhdr train` (samples/s at the default batch and crop)
 * on each TF.js backend that loads here, measured in one run with the same data and steps, and
 * the networks' GFLOP per 1080p frame. The first steps (kernel compilation, warm-up) are left
 * out of the rate.
 *
 *   npx tsx bench/train.ts [--steps 12] [--backends wasm,cpu]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, initBackend, initParams, networkFlops, type BackendChoice } from '../src/model/index.js';
import { train } from '../src/train/index.js';

const shared = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '12' },
    warmup: { type: 'string', default: '2' },
    backends: { type: 'string', default: 'tensorflow,wasm,cpu' },
  },
});
const steps = Number(values.steps);
const warmup = Number(values.warmup);
const out = mkdtempSync(join(tmpdir(), 'duhdr-bench-train-'));
// A few real images: the rate depends on the crop and batch, not on which images they are.
const hdr = ['qtcreator_preview_landscape.exr', 'qtcreator_preview_studio.exr', 'polyhaven_city.exr', 'polyhaven_hall.exr', 'polyhaven_lab.exr'].map((f) => join(shared, 'hdr', f));
const ldr = ['plasma_BytheWater.jpg', 'plasma_ColdRipple.jpg', 'gcompris_clickgame_sea1.jpg'].map((f) => join(shared, 'ldr', f));

try {
  console.log(`bench/train: default batch 8, crop 128x64, ${steps} steps per backend (first ${warmup} not timed)`);
  for (const backend of values.backends.split(',') as BackendChoice[]) {
    const name = await initBackend(backend).catch((err: Error) => {
      console.log(`  ${backend.padEnd(10)} not available here (${err.message.split('\n')[0]})`);
      return null;
    });
    if (name === null) continue;
    const times: number[] = [];
    let last = performance.now();
    await train({
      hdr, ldr, output: join(out, backend), steps, seed: 1, backend, valFraction: 0.5, valSamples: 1,
      validateEvery: steps * 10, checkpointEvery: steps * 10,
      onEvent: (e) => {
        if (e.kind !== 'step') return;
        const now = performance.now();
        if (e.step > warmup) times.push(now - last);
        last = now;
      },
    });
    const ms = times.reduce((a, b) => a + b, 0) / times.length;
    console.log(`  ${name.padEnd(10)} ${((8 * 1000) / ms).toFixed(2)} samples/s  (${(ms / 1000).toFixed(2)} s a step of 8 pairs + 8 SDR photos)`);
  }
  const params = initParams(DEFAULT_CONFIG, 0);
  const flops = await networkFlops(params, DEFAULT_CONFIG.thumb, 1920, 1080);
  for (const v of Object.values(params)) v.dispose();
  console.log(`GFLOP per 1080p frame: reverse ${(flops.reverse / 1e9).toFixed(3)}, forward ${(flops.forward / 1e9).toFixed(3)}`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
