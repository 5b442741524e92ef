import { Command } from 'commander';
import { OptionError } from '../io/index.js';
import type { ReportJson } from '../report/index.js';
import { DEFAULT_HDR_CRFS, DEFAULT_SDR_CRFS, METHODS } from '../roundtrip/index.js';
import { progressReporter } from './progress-bar.js';
import { engineOption, runAction } from './run-action.js';

type Flags = {
  report?: string;
  methods?: string;
  sdrCodec: string;
  sdrCrf?: string;
  hdrCrf?: string;
  encoderPreset?: string;
  quick?: boolean;
  keepMedia?: boolean;
  engine?: string;
  json?: boolean;
  verbose?: boolean;
};

/** Quick ladders: still 4 rungs (BD-rate fits a cubic), spread wider, encoded with preset ultrafast. */
const QUICK = { sdr: [12, 22, 32, 42], hdr: [14, 24, 34, 44], preset: 'ultrafast' } as const;

function crfList(flag: string, text: string): number[] {
  const list = text.split(',').map((s) => Number(s.trim()));
  if (list.some((c) => !Number.isInteger(c))) throw new OptionError(`${flag} takes comma-separated integer CRFs, e.g. 14,20,26,32; got "${text}"`);
  return list;
}

/** The one-screen summary: per method, its points and BD-rates. Pure, for tests. */
export function formatRoundtrip(r: ReportJson, dir: string): string {
  const lines = [`report: ${dir}/index.html (${r.frames} frames ${r.width}x${r.height}, ${r.seconds.toFixed(0)} s)`];
  for (const m of r.methods) {
    const pts = m.points.map((p) => `${(p.bitrate_bps / 1000).toFixed(0)} kb/s ${p.hdr.pu21_psnr === null ? 'inf' : p.hdr.pu21_psnr.toFixed(2)} dB ΔE ${(p.hdr.delta_e_itp ?? 0).toFixed(2)}`);
    lines.push(`  ${m.id.padEnd(14)} ${pts.join(' | ')}`);
  }
  for (const b of r.bd_rate) {
    const v = (x: { value: number | null }): string => (x.value === null ? 'n/a' : `${x.value > 0 ? '+' : ''}${x.value.toFixed(1)} %`);
    lines.push(`  BD-rate ${b.method} vs ${b.anchor}: PU21-PSNR ${v(b.pu21_psnr)}, ΔE_ITP ${v(b.delta_e_itp)}`);
  }
  return lines.join('\n');
}

export function roundtripCommand(): Command {
  return new Command('roundtrip')
    .description('Encode at a rate ladder, restore, measure every method against the source, and write a report')
    .argument('<input>', 'HDR10 (PQ) clip')
    .option('--report <dir>', 'report directory (required): report.json, index.html, plots/, pictures/')
    .option('--methods <ids>', `comma-separated methods (default: ${METHODS.map((m) => m.id).join(',')}); any tone model id or blind:<model> too`)
    .option('--sdr-codec <codec>', 'SDR ladder encoder, 8-bit: x265 or x264', 'x265')
    .option('--sdr-crf <list>', `SDR ladder CRFs, at least 4 (default ${DEFAULT_SDR_CRFS.join(',')})`)
    .option('--hdr-crf <list>', `hdr10-direct ladder CRFs (x265 10-bit), at least 4 (default ${DEFAULT_HDR_CRFS.join(',')})`)
    .option('--encoder-preset <name>', 'x264/x265 preset of every ladder encode (default medium)')
    .option('--quick', `fast and coarse: preset ${QUICK.preset}, CRFs ${QUICK.sdr.join(',')} (SDR) and ${QUICK.hdr.join(',')} (HDR)`)
    .option('--keep-media', 'keep every stream and restored file in DIR/media (report.json names them)')
    .addOption(engineOption())
    .option('--json', 'print progress and the final report.json as JSON lines on stdout')
    .option('-v, --verbose', 'print ffmpeg command lines and their output')
    .addHelpText('after', `
Methods, each at every rung of its ladder on the same clip:
  hdr10-direct   HDR10 sent as it is (x265 10-bit PQ): the bits SDR compatibility costs are measured against it
  ffmpeg-hable   ffmpeg zscale + tonemap=hable:desat=0 to SDR, restored by the exact inverse of the curve
  ffmpeg-mobius  the same with tonemap=mobius
  classical      duhdr encode/restore with the classical-soft model, the default (side info in the manifest, counted in the rate)
  dual-v1        the same with the learned dual camera networks
  blind          duhdr upconvert of dual-v1's SDR: its forward network without side info
Each restored HDR is stored losslessly and measured against the source as \`duhdr eval\` does
(PU21-PSNR/SSIM, ΔE_ITP, PQ-PSNR, µ-PSNR, flicker); each SDR with TMQI and colourfulness.
Bitrates count the video packets plus side info. BD-rates against hdr10-direct and classical.

The report is built in a temporary directory and renamed onto DIR when complete: Ctrl-C or a
failure leaves no half report. An existing DIR is replaced only if it holds a report (or nothing).

Examples:
  duhdr roundtrip samples/city-pq.mkv --report /tmp/rt-city
  duhdr roundtrip clip.mkv --report rt --quick --methods hdr10-direct,ffmpeg-hable,classical
  duhdr roundtrip clip.mkv --report rt --sdr-codec x264 --sdr-crf 16,20,24,28 --keep-media
  duhdr roundtrip clip.mkv --report rt --json | tail -n 1 | jq '.bd_rate'`)
    .action(async (input: string, flags: Flags) => {
      await runAction(async ({ signal }) => {
        if (!flags.report) throw new OptionError('roundtrip needs --report DIR (where report.json and index.html go)');
        if (flags.sdrCodec !== 'x265' && flags.sdrCodec !== 'x264') throw new OptionError(`--sdr-codec takes x265 or x264, got "${flags.sdrCodec}"`);
        const { roundtripReport } = await import('../report/index.js'); // Vega: loaded only here
        const progress = progressReporter(Boolean(flags.json));
        const report = await roundtripReport({
          input,
          report: flags.report,
          keepMedia: Boolean(flags.keepMedia),
          sdrCodec: flags.sdrCodec === 'x264' ? 'libx264' : 'libx265',
          sdrCrfs: flags.sdrCrf ? crfList('--sdr-crf', flags.sdrCrf) : flags.quick ? QUICK.sdr : DEFAULT_SDR_CRFS,
          hdrCrfs: flags.hdrCrf ? crfList('--hdr-crf', flags.hdrCrf) : flags.quick ? QUICK.hdr : DEFAULT_HDR_CRFS,
          encoderPreset: flags.encoderPreset ?? (flags.quick ? QUICK.preset : 'medium'),
          ...(flags.methods ? { methods: flags.methods.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
          signal,
          onProgress: progress.onProgress,
        }).finally(progress.done);
        if (flags.json) process.stdout.write(`${JSON.stringify({ type: 'summary', report: flags.report, ...report })}\n`);
        else process.stderr.write(`${formatRoundtrip(report, flags.report)}\n`);
      }, flags);
    });
}
