import { Command, Option } from 'commander';
import { OptionError } from '../io/index.js';
import type { TrainEvent } from '../train/index.js';
import { TRAIN_VARIANTS, type TrainVariant } from '../train/variants.js';
import { runAction } from './run-action.js';

type TrainCliOptions = {
  hdr: string[]; ldr: string[]; output: string; id: string; steps: string; batch: string; crop: string; lr: string; seed: string;
  validateEvery: string; checkpointEvery: string; resume?: boolean; timeBudget?: string; backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  variant: TrainVariant; json?: boolean; verbose?: boolean;
};

function int(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new OptionError(`--${name} ${v}: expected an integer ≥ ${min}`);
  return n;
}

function num(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new OptionError(`--${name} ${v}: expected a positive number`);
  return n;
}

function fmtTime(s: number): string {
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}

/** One line per event for people (a live line on a TTY), or JSON lines with --json. */
function printer(json: boolean): (e: TrainEvent) => void {
  const tty = process.stderr.isTTY && !json;
  return (e) => {
    if (json) {
      if (e.kind !== 'step' || e.step % 10 === 0 || e.step === e.steps) process.stdout.write(`${JSON.stringify(e)}\n`);
      return;
    }
    if (e.kind === 'backend') process.stderr.write(`backend: ${e.backend}${e.backend === 'cpu' ? ' (slow: install @tensorflow/tfjs-node for speed)' : ''}\n`);
    else if (e.kind === 'data') process.stderr.write(`data: ${e.hdrTrain}+${e.hdrVal} HDR, ${e.ldrTrain}+${e.ldrVal} SDR (train+val) loaded in ${e.seconds.toFixed(1)} s\n`);
    else if (e.kind === 'step') {
      const l = e.losses;
      const line = `step ${e.step}/${e.steps}  loss ${l.total.toFixed(4)} (rt ${l.roundTrip.toFixed(4)} fwd ${l.forwardBlind.toFixed(4)} rev ${l.reverse.toFixed(4)} cyc ${l.cycle.toFixed(4)} nat ${l.naturalness.toFixed(4)})  ${e.samplesPerSecond.toFixed(1)} samples/s  ETA ${fmtTime(e.etaSeconds)}`;
      if (tty) process.stderr.write(`\r\x1b[K${line}`);
      else if (e.step % 10 === 0 || e.step === e.steps) process.stderr.write(`${line}\n`);
    } else if (e.kind === 'validation') {
      const v = e.record;
      process.stderr.write(`${tty ? '\r\x1b[K' : ''}validation @${v.step}: round trip ${v.roundTripPu21Psnr.toFixed(2)} dB, blind ${v.blindPu21Psnr.toFixed(2)} dB PU21-PSNR, R vs camera ${v.reverseL1.toFixed(4)}\n`);
    } else if (e.kind === 'done') {
      process.stderr.write(`${tty ? '\r\x1b[K' : ''}done: ${e.steps} steps in ${fmtTime(e.seconds)}, model hash ${e.contentHash.slice(0, 12)}…\n`);
    }
  };
}

export function trainCommand(): Command {
  return new Command('train')
    .description('Train the reverse (HDR->SDR) and forward (SDR->HDR) camera networks together (dual learning, semi-supervised)')
    .requiredOption('--hdr <paths...>', 'HDR images/videos: EXR, PFM, Radiance .hdr, PQ/HLG videos; files, folders or .zip archives')
    .requiredOption('--ldr <paths...>', 'real SDR photos/videos without HDR (for the unpaired cycle); files, folders or .zip')
    .requiredOption('-o, --output <dir>', 'model folder to write (model.json, weights.bin, training report, checkpoint/)')
    .option('--id <id>', 'model id recorded in model.json and in manifests', 'dual-v1')
    .option('--steps <n>', 'optimizer steps', '1000')
    .option('--batch <n>', 'paired samples (and as many SDR photos) per step', '8')
    .option('--crop <WxH>', 'training view size (multiples of the 64-pixel thumbnail)', '128x64')
    .option('--lr <rate>', 'Adam learning rate', '0.002')
    .option('--seed <n>', 'seed of initial weights and of every batch: same seed, same data, same steps -> same model', '1')
    .option('--validate-every <n>', 'validate on held-out images every N steps', '100')
    .option('--checkpoint-every <n>', 'save OUTPUT/checkpoint every N steps', '50')
    .option('--resume', 'continue from OUTPUT/checkpoint (same --seed)')
    .option('--time-budget <seconds>', 'stop early after this much training time (the model is still written)')
    .addOption(new Option('--backend <name>', 'TF.js backend').choices(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'))
    .addOption(new Option('--variant <name>', 'ablation: train without one idea (bench/ablation.ts compares them)').choices([...TRAIN_VARIANTS]).default('full'))
    .option('--json', 'JSON lines of progress on stdout')
    .option('-v, --verbose', 'more detail')
    .addHelpText(
      'after',
      `
Backends: 'auto' tries tfjs-node-gpu, tfjs-node (optional packages), then wasm (with duhdr's own
Conv2D filter gradient), then the plain JS cpu backend. The chosen one is printed.

Variants (--variant): full (dual training, attention, unpaired cycle); forward-only (F alone on
paired data); no-attention (gains fixed at 1); no-cycle (no unpaired SDR term).

Examples:
  duhdr train --hdr ../shared/data/hdr --ldr ../shared/data/ldr ../shared/data/video -o models/dual-v1
  duhdr train --hdr hdr.zip --ldr photos.zip -o my-model --steps 200 --batch 4
  duhdr train ... -o my-model --resume        continue an interrupted run where its checkpoint left it`,
    )
    .action(async (opts: TrainCliOptions) => {
      await runAction(async ({ signal }) => {
        const [cw, ch] = opts.crop.split('x').map((v) => int('crop', v, 1));
        if (cw === undefined || ch === undefined) throw new OptionError(`--crop ${opts.crop}: expected WxH, e.g. 128x64`);
        // TF.js and the trainer load here, not with every duhdr command.
        const [{ DEFAULT_CONFIG, initParams, networkFlops }, { train, writeTrainingReport }] = await Promise.all([import('../model/index.js'), import('../train/index.js')]);
        const result = await train({
          hdr: opts.hdr, ldr: opts.ldr, output: opts.output, id: opts.id,
          steps: int('steps', opts.steps, 1), batch: int('batch', opts.batch, 1), crop: [cw, ch], learningRate: num('lr', opts.lr),
          seed: int('seed', opts.seed, 0), validateEvery: int('validate-every', opts.validateEvery, 1), checkpointEvery: int('checkpoint-every', opts.checkpointEvery, 1),
          resume: opts.resume ?? false, ...(opts.timeBudget ? { timeBudget: num('time-budget', opts.timeBudget) } : {}), backend: opts.backend, variant: opts.variant,
          signal, onEvent: printer(opts.json ?? false),
        });
        const probeParams = initParams(DEFAULT_CONFIG, 0);
        const flops = await networkFlops(probeParams, DEFAULT_CONFIG.thumb, 1920, 1080);
        for (const v of Object.values(probeParams)) v.dispose();
        await writeTrainingReport(opts.output, {
          id: opts.id, command: `duhdr ${process.argv.slice(2).join(' ')}`, contentHash: result.contentHash, steps: result.steps,
          seconds: result.seconds, backend: result.backend, losses: result.losses, validation: result.validation,
          facts: { 'reverse GFLOP per 1080p frame': (flops.reverse / 1e9).toFixed(3), 'forward GFLOP per 1080p frame': (flops.forward / 1e9).toFixed(3) },
        });
        if (!opts.json) process.stderr.write(`wrote ${opts.output}/model.json, weights.bin, README.md (training report)\n`);
      }, opts);
    });
}
