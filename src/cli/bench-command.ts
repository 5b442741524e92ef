import { join } from 'node:path';
import { Command, Option } from 'commander';
import { OptionError } from '../io/index.js';
import { MODELS_DIR } from '../runtime/index.js';
import { BENCH_ENGINES, ORT_DEVICES, type BenchEngine, type OrtDevice } from '../runtime/onnx/choices.js';
import type { BenchRow } from '../runtime/onnx/index.js';
import { runAction } from './run-action.js';

const NAMED_SIZES: Record<string, [number, number]> = { '720p': [1280, 720], '1080p': [1920, 1080], '2160p': [3840, 2160] };

/** '1080p' or 'WxH' -> [w, h]. */
export function parseSize(s: string): [number, number] {
  const named = NAMED_SIZES[s];
  if (named) return named;
  const m = /^(\d+)x(\d+)$/.exec(s);
  if (!m || Number(m[1]) < 8 || Number(m[2]) < 8) throw new OptionError(`--sizes: "${s}" is not 720p, 1080p, 2160p or WIDTHxHEIGHT`);
  return [Number(m[1]), Number(m[2])];
}

function formatRow(r: BenchRow): string {
  if (r.error) return `${r.network.padEnd(8)} ${r.engine.padEnd(9)} ${r.device.padEnd(5)} ${`${r.width}x${r.height}`.padStart(9)}  failed: ${r.error}`;
  return `${r.network.padEnd(8)} ${r.engine.padEnd(9)} ${r.device.padEnd(5)} ${`${r.width}x${r.height}`.padStart(9)}  ${r.fps.toFixed(2).padStart(7)} fps  ${r.ms_per_frame.toFixed(1).padStart(8)} ms/frame  ${r.gflop_per_frame.toFixed(3)} GFLOP/frame  ${r.gflop_per_s.toFixed(2).padStart(7)} GFLOP/s (${(100 * r.fraction_of_peak).toFixed(2)}% of MatMul peak)`;
}

/** `duhdr bench model`: throughput of the networks per engine, device and size. */
export function benchCommand(): Command {
  const bench = new Command('bench').description('Throughput benchmarks');
  bench
    .command('model')
    .description('Frames/s of R and F per engine (ort, tfjs), device and size; GFLOP per frame and achieved GFLOP/s against ORT\'s MatMul peak measured in the same run')
    .option('--model <id>', 'model id under models/', 'dual-v1')
    .option('--model-dir <dir>', 'model folder instead of models/<id>')
    .option('--engine <list>', 'comma-separated engines: ort (grid graph in ORT + full-resolution pass on WebAssembly SIMD: what the pipeline runs), ort-js (the same with the JS pass), ort-graph (the whole network as one ORT graph), tfjs', 'ort,ort-js,ort-graph,tfjs')
    .addOption(new Option('--device <device>', 'ONNX Runtime device (falls back to cpu when absent)').choices([...ORT_DEVICES]).default('cpu'))
    .option('--sizes <list>', 'comma-separated: 720p, 1080p, 2160p or WxH', '720p,1080p,2160p')
    .option('--batch <n>', 'frames per call', '1')
    .option('--seconds <s>', 'measuring time per row (after one warm-up call)', '3')
    .option('--json', 'one JSON object per line per network, engine, device and size')
    .action(async (opts: { model: string; modelDir?: string; engine: string; device: OrtDevice; sizes: string; batch: string; seconds: string; json?: boolean }) => {
      await runAction(async () => {
        const engines = opts.engine.split(',').map((e) => e.trim());
        for (const e of engines) if (!(BENCH_ENGINES as readonly string[]).includes(e)) throw new OptionError(`--engine: "${e}" is not one of ${BENCH_ENGINES.join(', ')}`);
        const batch = Number(opts.batch);
        if (!Number.isInteger(batch) || batch < 1) throw new OptionError(`--batch ${opts.batch}: expected an integer ≥ 1`);
        const seconds = Number(opts.seconds);
        if (!Number.isFinite(seconds) || seconds <= 0) throw new OptionError(`--seconds ${opts.seconds}: expected a positive number`);
        const { benchModel } = await import('../runtime/onnx/index.js'); // ONNX Runtime and TF.js: loaded only here
        const { matmulPeak } = await benchModel({
          modelDir: opts.modelDir ?? join(MODELS_DIR, opts.model),
          sizes: opts.sizes.split(',').map((s) => parseSize(s.trim())),
          engines: engines as BenchEngine[],
          device: opts.device,
          batch,
          seconds,
          onRow: (r) => process.stdout.write(`${opts.json ? JSON.stringify(r) : formatRow(r)}\n`),
        });
        if (!opts.json) process.stdout.write(`ORT MatMul peak (1024x1024x1024, ${opts.device}): ${matmulPeak.toFixed(1)} GFLOP/s\n`);
      }, {});
    });
  return bench;
}
