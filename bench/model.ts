/**
 * bench/model: `duhdr bench model` (network frames/s per engine, GFLOP/s against ORT's MatMul
 * peak measured in the same run), then the whole ToneModel per engine at one size: planar YUV
 * in, planar YUV out, as the pipeline calls it (YUV <-> R'G'B', thumbnail, network), then the
 * ORT engine as the pipeline runs it: on 1 and on N worker threads (one per core), batches of 4,
 * workers + 1 batches in flight, analyze on this thread (encode's order).
 *
 *   npx tsx bench/model.ts [--sizes 720p,1080p,2160p] [--seconds 3] [--model-size 1920x1080] [--skip-network] [--json]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parseSize } from '../src/cli/bench-command.js';
import { planeViews } from '../src/io/index.js';
import { MODELS_DIR, OffThreadToneModel, createModel, defaultModelWorkers, type HdrSourceInfo, type ModelFrame, type ToneModel } from '../src/runtime/index.js';
import { TFJS_MAX_PIXELS, benchModel } from '../src/runtime/onnx/index.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '720p,1080p,2160p' },
    seconds: { type: 'string', default: '3' },
    'model-size': { type: 'string', default: '1920x1080' },
    json: { type: 'boolean', default: false },
    'skip-network': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const print = (o: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(o)}\n`);

if (!values['skip-network']) await benchModel({
  modelDir: `${MODELS_DIR}dual-v1`,
  sizes: values.sizes.split(',').map(parseSize),
  engines: ['ort', 'tfjs'],
  seconds,
  onRow: (r) => print({ stage: 'network', ...r }),
});

// Whole ToneModel, same frames through both engines, alternating so noise hits both.
const [width, height] = parseSize(values['model-size']);
const source: HdrSourceInfo = { width, height, transfer: 'pq', masteringPeak: 1000, maxCll: null };
const px = width * height;
function frame(bytes: number, bits: 8 | 10): ModelFrame {
  const data = new Uint8Array(bytes);
  const v = (o: number, len: number) => (bits === 10 ? new Uint16Array(data.buffer, 2 * o, len) : data.subarray(o, o + len));
  const planes = [v(0, px), v(px, px / 4), v((5 * px) / 4, px / 4)];
  // A smooth ramp with chroma: video-like code values in the legal range.
  planes.forEach((p, c) => {
    const lo = bits === 10 ? 64 : 16;
    const span = bits === 10 ? 876 : 219;
    for (let i = 0; i < p.length; i++) p[i] = lo + Math.round((span * ((i * (c + 1)) % 997)) / 997);
  });
  return { data, planes };
}
const models: [string, ToneModel][] = [['ort', await createModel('dual-v1-ort')]];
// TF.js wasm aborts the process (heap overflow) above this size, so it is only run below it.
if (px <= TFJS_MAX_PIXELS) models.push(['tfjs', await createModel('dual-v1')]);
else print({ stage: 'tone-model', engine: 'tfjs', width, height, fps: null, error: `not run: TF.js wasm overflows its heap above ${TFJS_MAX_PIXELS} pixels` });
const hdr = frame(px * 3, 10);
const sdrIn = frame((px * 3) / 2, 8);
for (const stage of ['reverse', 'forward'] as const) {
  for (const [engine, m] of models) {
    const side = m.analyze([hdr], source);
    const call = async (): Promise<void> => {
      const out = stage === 'reverse' ? await m.reverse([hdr], side, source) : await m.forward([sdrIn], side, source);
      m.recycle?.(out);
    };
    await call();
    let n = 0;
    const t0 = performance.now();
    while (n < 2 || performance.now() - t0 < seconds * 1000) {
      await call();
      n++;
    }
    const fps = n / ((performance.now() - t0) / 1000);
    print({ stage: 'tone-model', network: stage, engine, width, height, fps });
  }
}
for (const [, m] of models) m.dispose();

// The worker pool: frames/s with 1 worker and with one per core, side by side.
const batch = 4;
for (const workers of [...new Set([1, defaultModelWorkers()])]) {
  for (const stage of ['reverse', 'forward'] as const) {
    const pool = new OffThreadToneModel(await createModel('dual-v1-ort'), 'dual-v1-ort', {}, workers);
    const format = stage === 'reverse' ? pool.hdrFormat : pool.sdrFormat;
    const input = stage === 'reverse' ? hdr : sdrIn;
    const side = pool.analyze([hdr], source);
    // Each batch in flight has its own frames (transferred to a worker and handed back).
    const slots = Array.from({ length: workers + 1 }, () => Array.from({ length: batch }, () => {
      const data = input.data.slice();
      return { data, planes: planeViews(format, width, height, data) };
    }));
    const call = async (frames: ModelFrame[]): Promise<void> => {
      const sides = stage === 'reverse' ? pool.analyze([hdr, hdr, hdr, hdr], source) : frames.map(() => side[0]!);
      const out = stage === 'reverse' ? await pool.reverse(frames, sides, source) : await pool.forward(frames, sides, source);
      pool.recycle?.(out);
    };
    await Promise.all(slots.map(call)); // warm-up: every worker started and compiled
    let done = 0;
    const t0 = performance.now();
    await Promise.all(slots.map(async (frames) => {
      while (performance.now() - t0 < seconds * 1000) {
        await call(frames);
        done += frames.length;
      }
    }));
    const fps = done / ((performance.now() - t0) / 1000);
    print({ stage: 'worker-pool', network: stage, engine: 'ort', workers, batch, inFlight: workers + 1, width, height, fps });
    pool.dispose();
  }
}
