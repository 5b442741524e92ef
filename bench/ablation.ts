/**
 * bench/ablation: does each idea of the seed earn its place? Trains the dual camera networks
 * four ways with the same seed, data, steps and crops (small scale), and measures each on the
 * same held-out validation views:
 *
 *   full          dual training + attention + unpaired cycle (the shipped recipe)
 *   forward-only  F alone on the paired blind loss (no R training, no round trip, no cycle)
 *   no-attention  attention heads frozen at their zero output (gains exactly 1)
 *   no-cycle      no unpaired R(F(SDR)) ≈ SDR term (real SDR footage unused)
 *
 * Columns: round-trip PU21-PSNR (R, 8-bit quantisation, guided F), blind-restore PU21-PSNR
 * (F on camera SDR, no side info), and R's SDR look (colourfulness, RMS contrast of luma) next to the
 * camera SDR's. Variants run as child processes, `--jobs` at a time (the wasm backend uses one
 * core each).
 *
 *   npx tsx bench/ablation.ts [--steps 400] [--batch 8] [--seeds 1,2] [--jobs 2] [--report models/dual-v1/ablation.md]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TRAIN_VARIANTS, train, type TrainResult, type TrainVariant } from '../src/train/index.js';

const shared = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '400' },
    batch: { type: 'string', default: '8' },
    seeds: { type: 'string', default: '1,2' },
    // A child's own seed (the parent passes one of --seeds).
    seed: { type: 'string', default: '1' },
    jobs: { type: 'string', default: '2' },
    variants: { type: 'string', default: TRAIN_VARIANTS.join(',') },
    hdr: { type: 'string', multiple: true, default: [join(shared, 'hdr')] },
    ldr: { type: 'string', multiple: true, default: [join(shared, 'ldr'), join(shared, 'video')] },
    report: { type: 'string' },
    one: { type: 'string' },
    dir: { type: 'string' },
  },
});

type Row = Pick<TrainResult, 'seconds' | 'cameraLook'> & { variant: TrainVariant; validation: TrainResult['validation'][number] };

/** Child: one variant, result as JSON in DIR/result.json. */
async function runOne(variant: TrainVariant, dir: string): Promise<void> {
  const steps = Number(values.steps);
  const r = await train({
    hdr: values.hdr, ldr: values.ldr, output: join(dir, 'model'), id: `ablation-${variant}`, variant,
    steps, batch: Number(values.batch), seed: Number(values.seed), validateEvery: Math.max(1, Math.floor(steps / 4)),
    checkpointEvery: steps, backend: 'wasm',
    onEvent: (e) => {
      if (e.kind === 'validation') process.stderr.write(`${variant} @${e.record.step}: round trip ${e.record.roundTripPu21Psnr.toFixed(2)} dB, blind ${e.record.blindPu21Psnr.toFixed(2)} dB\n`);
    },
  });
  const row: Row = { variant, seconds: r.seconds, cameraLook: r.cameraLook, validation: r.validation.at(-1)! };
  writeFileSync(join(dir, 'result.json'), JSON.stringify(row));
}

function child(variant: TrainVariant, seed: number, dir: string): Promise<Row> {
  return new Promise((resolve, reject) => {
    const args = [...process.execArgv, fileURLToPath(import.meta.url), '--one', variant, '--dir', dir, '--steps', values.steps, '--batch', values.batch, '--seed', String(seed)];
    for (const h of values.hdr) args.push('--hdr', h);
    for (const l of values.ldr) args.push('--ldr', l);
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as Row);
      else reject(new Error(`ablation variant ${variant} (seed ${seed}) exited with ${code}`));
    });
  });
}

/** Mean over seeds, each seed's value after it (rows in seed order): "54.18 (54.89, 53.47)". */
function cell(rows: Row[], f: (r: Row) => number, digits: number): string {
  const v = rows.map(f);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return v.length === 1 ? mean.toFixed(digits) : `${mean.toFixed(digits)} (${v.map((x) => x.toFixed(digits)).join(', ')})`;
}

function table(rows: Row[], variants: TrainVariant[]): string {
  const cams = rows.filter((r) => r.variant === variants[0]);
  const lines = [
    '| variant | round trip PU21-PSNR (dB) | blind restore PU21-PSNR (dB) | SDR colourfulness | SDR RMS contrast | R vs camera SDR (mean abs) | training s |',
    '|---|---|---|---|---|---|---|',
    ...variants.map((variant) => {
      const rs = rows.filter((r) => r.variant === variant);
      return `| ${variant} | ${cell(rs, (r) => r.validation.roundTripPu21Psnr, 2)} | ${cell(rs, (r) => r.validation.blindPu21Psnr, 2)} | ` +
        `${cell(rs, (r) => r.validation.sdrColourfulness, 1)} | ${cell(rs, (r) => r.validation.sdrContrast, 3)} | ${cell(rs, (r) => r.validation.reverseL1, 4)} | ` +
        `${Math.round(rs.reduce((a, r) => a + r.seconds, 0) / rs.length)} |`;
    }),
    // The validation views are fixed (not seeded by --seed): one camera look for every run.
    `| camera SDR (reference look) | | | ${cams[0]!.cameraLook.colourfulness.toFixed(1)} | ${cams[0]!.cameraLook.contrast.toFixed(3)} | | |`,
  ];
  return lines.join('\n');
}

if (values.one) {
  await runOne(values.one as TrainVariant, values.dir!);
} else {
  const variants = values.variants.split(',') as TrainVariant[];
  for (const v of variants) if (!TRAIN_VARIANTS.includes(v)) throw new Error(`--variants: unknown ${v} (expected ${TRAIN_VARIANTS.join(', ')})`);
  const seeds = values.seeds.split(',').map(Number);
  const runs = seeds.flatMap((seed) => variants.map((variant) => ({ seed, variant })));
  const work = mkdtempSync(join(tmpdir(), 'duhdr-ablation-'));
  try {
    const started = Date.now();
    const rows: Row[] = new Array(runs.length);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < runs.length) {
        const i = next++;
        const { seed, variant } = runs[i]!;
        rows[i] = await child(variant, seed, join(work, `${variant}-${seed}`));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Number(values.jobs)) }, lane));
    const md = `${table(rows, variants)}\n`;
    const command = `npx tsx bench/ablation.ts --steps ${values.steps} --batch ${values.batch} --seeds ${values.seeds}` +
      (values.variants === TRAIN_VARIANTS.join(',') ? '' : ` --variants ${values.variants}`);
    console.log(`bench/ablation: ${values.steps} steps, batch ${values.batch}, seeds ${values.seeds}, ${Math.round((Date.now() - started) / 1000)} s wall\n`);
    console.log(md);
    if (values.report) {
      writeFileSync(
        values.report,
        `# Ablation: does each idea earn its place?

Four training runs per seed, identical but for one idea each: same seed, data, ${values.steps} steps of
batch ${values.batch} at 128x64 crops on the wasm backend (a small scale: the shipped model has
1000 steps). Measured on the same held-out validation views as the training report (fixed
256x128 views of held-out HDR scenes).

- **round trip**: R, 8-bit quantisation, F guided by R's side info, against the HDR view.
- **blind restore**: F on the simulated camera SDR without side info.
- **SDR look**: R's output, Hasler–Süsstrunk colourfulness (0–255 scale) and RMS contrast of
  BT.709 luma (the gamma-encoded signal), beside the camera SDR's (the look R is trained
  toward). forward-only's R is the untrained initial network (identity curve): the look a model
  without dual learning ships.

Each cell is the mean over seeds ${values.seeds}, then each seed's value. Reproduce:
\`${command} --report models/dual-v1/ablation.md\` (${Math.round((Date.now() - started) / 60000)} minutes here, ${values.jobs} runs at a time).

${md}`,
      );
      console.log(`wrote ${values.report}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
