import { Command } from 'commander';
import { evaluate, evaluationToJson, type Evaluation } from '../eval/index.js';
import { runAction } from './run-action.js';

const dB = (v: number): string => (v === Infinity ? 'inf (identical)' : `${v.toFixed(2)} dB`);

/** The headline numbers of an evaluation, one per line. Pure, for tests. */
export function formatEvaluation(e: Evaluation): string {
  const head = `${e.test} vs ${e.reference}: ${e.frames} frames ${e.width}x${e.height}`;
  if (e.mode === 'hdr') {
    return [
      head,
      `  PU21-PSNR   ${dB(e.pu21_psnr)}`,
      `  PU21-SSIM   ${e.pu21_ssim.toFixed(4)}`,
      `  ΔE_ITP      ${e.delta_e_itp.toFixed(3)} (mean, BT.2124)`,
      `  PQ-PSNR     ${dB(e.pq_psnr)}`,
      `  µ-PSNR      ${dB(e.mu_psnr)}`,
      `  flicker     ${e.flicker.toFixed(3)} PU21 units`,
    ].join('\n');
  }
  return [
    head,
    `  TMQI          ${e.tmqi.toFixed(4)} (structure ${e.tmqi_s.toFixed(4)}, naturalness ${e.tmqi_n.toFixed(4)})`,
    `  colourfulness ${e.colourfulness.toFixed(2)}`,
    `  contrast      ${e.contrast.toFixed(4)} (RMS, relative luminance)`,
  ].join('\n');
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('Measure a test video against an HDR reference: HDR vs HDR fidelity, or the look of an SDR made from it')
    .argument('<reference>', 'the HDR original (PQ or HLG)')
    .argument('<test>', 'an HDR video to compare (restored, re-encoded) or an SDR video made from the reference')
    .option('--json', 'print one JSON object (keys pq_psnr, pu21_psnr, pu21_ssim, delta_e_itp, mu_psnr, flicker, frames; tmqi for SDR)')
    .option('--frames <n>', 'measure only the first n frames', (v) => Number.parseInt(v, 10))
    .option('-v, --verbose', 'print ffmpeg command lines and their output')
    .addHelpText('after', `
HDR vs HDR: PU21-PSNR/SSIM (Mantiuk & Azimi 2021, banding_glare, peak 256), ΔE_ITP (BT.2124),
PQ-PSNR, NTIRE µ-PSNR, and flicker. PSNRs pool the squared error over the whole clip; identical
inputs give inf (null in JSON, with the key listed in "infinite").
SDR vs HDR: TMQI (Yeganeh & Wang 2013), colourfulness (Hasler & Süsstrunk), RMS contrast.

Examples:
  duhdr eval samples/city-pq.mkv out/city-restored-hdr10.mkv
  duhdr eval samples/city-pq.mkv out/city-sdr.mkv --json | jq .tmqi`)
    .action(async (reference: string, test: string, flags: { json?: boolean; frames?: number; verbose?: boolean }) => {
      await runAction(async ({ signal }) => {
        const e = await evaluate(reference, test, { signal, ...(flags.frames !== undefined ? { maxFrames: flags.frames } : {}) });
        process.stdout.write(flags.json ? `${JSON.stringify(evaluationToJson(e))}\n` : `${formatEvaluation(e)}\n`);
      }, flags);
    });
}
