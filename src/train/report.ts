// The training report beside a trained model: loss curves and validation curves as SVG (Vega-Lite,
// rendered in Node), the numbers as JSON, and a README that says how to reproduce the run.

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { linePlot, renderSvg } from '../report/index.js';
import type { LossRecord, ValidationRecord } from './trainer.js';

export type TrainingReportInput = {
  id: string;
  command: string;
  contentHash: string;
  steps: number;
  seconds: number;
  backend: string;
  losses: LossRecord[];
  validation: ValidationRecord[];
  /** Extra facts to print (data counts, FLOPs, baselines). */
  facts?: Record<string, string | number>;
};

const TERMS = ['total', 'reverse', 'forwardBlind', 'roundTrip', 'cycle', 'naturalness'] as const;

/** Mean of each loss term over windows of `every` steps (raw per-step losses are noisy). */
function smoothed(losses: LossRecord[], every: number): { step: number; term: string; loss: number }[] {
  const rows: { step: number; term: string; loss: number }[] = [];
  for (let i = 0; i < losses.length; i += every) {
    const win = losses.slice(i, i + every);
    const step = win.at(-1)!.step;
    for (const t of TERMS) rows.push({ step, term: t, loss: Math.max(win.reduce((a, l) => a + l[t], 0) / win.length, 1e-6) });
  }
  return rows;
}

/** Write loss.svg, validation.svg, training.json and README.md into `dir`. */
export async function writeTrainingReport(dir: string, r: TrainingReportInput): Promise<void> {
  const every = Math.max(1, Math.round(r.losses.length / 100));
  const lossSvg = await renderSvg(
    linePlot({ title: `${r.id}: training loss (mean of ${every} steps)`, rows: smoothed(r.losses, every), x: 'step', xTitle: 'step', y: 'loss', yTitle: 'L1 loss (perceptual code values)', series: 'term', seriesTitle: 'term', points: false }),
  );
  const valRows = r.validation.flatMap((v) => [
    { step: v.step, metric: 'round trip (guided)', db: v.roundTripPu21Psnr },
    { step: v.step, metric: 'blind restore', db: v.blindPu21Psnr },
  ]);
  const valSvg = await renderSvg(linePlot({ title: `${r.id}: validation PU21-PSNR`, rows: valRows, x: 'step', xTitle: 'step', y: 'db', yTitle: 'PU21-PSNR (dB)', series: 'metric', seriesTitle: 'restore' }));
  await writeFile(join(dir, 'loss.svg'), lossSvg);
  await writeFile(join(dir, 'validation.svg'), valSvg);
  const last = r.validation.at(-1);
  await writeFile(
    join(dir, 'training.json'),
    `${JSON.stringify({ id: r.id, command: r.command, contentHash: r.contentHash, steps: r.steps, seconds: Math.round(r.seconds), backend: r.backend, facts: r.facts ?? {}, validation: r.validation, losses: smoothed(r.losses, every) }, null, 1)}\n`,
  );
  const facts = Object.entries(r.facts ?? {}).map(([k, v]) => `| ${k} | ${v} |`).join('\n');
  // bench/ablation.ts writes ablation.md beside the model; a retrained report keeps pointing at it.
  const ablation = existsSync(join(dir, 'ablation.md')) ? '\nAblation (each idea of the method removed in turn): [ablation.md](ablation.md)\n' : '';
  await writeFile(
    join(dir, 'README.md'),
    `# ${r.id}: training report

Dual camera networks (reverse R: HDR -> SDR, forward F: SDR -> HDR) trained together by
\`duhdr train\`. Reproduce (same seed, same data, same steps -> the same weights on the wasm backend):

\`\`\`
${r.command}
\`\`\`

| fact | value |
|---|---|
| content hash | \`${r.contentHash}\` |
| steps | ${r.steps} |
| training time | ${Math.round(r.seconds)} s on the ${r.backend} backend |
| validation round trip (R, 8-bit, guided F), PU21-PSNR | ${last ? last.roundTripPu21Psnr.toFixed(2) : 'n/a'} dB |
| validation blind restore (F on camera SDR), PU21-PSNR | ${last ? last.blindPu21Psnr.toFixed(2) : 'n/a'} dB |
| validation R vs camera SDR, mean abs | ${last ? last.reverseL1.toFixed(4) : 'n/a'} |
${facts}

Validation: fixed 256x128 views of held-out HDR images (split by scene name), PU21-PSNR of
luminance in cd/m² against the HDR view.

![loss](loss.svg)

![validation](validation.svg)
${ablation}`,
  );
}

/** Read a finished run's checkpoint state (losses, validation) back for the report. */
export async function readCheckpointState(dir: string): Promise<{ step: number; losses: LossRecord[]; validation: ValidationRecord[]; seconds: number }> {
  return JSON.parse(await readFile(join(dir, 'checkpoint', 'state.json'), 'utf8')) as { step: number; losses: LossRecord[]; validation: ValidationRecord[]; seconds: number };
}
