import { Command, Option } from 'commander';
import {
  DEFAULT_MODEL, DEFAULT_SDR_PRESET, encode, pack, restore, unpack, upconvert, type JobResult,
} from '../pipeline/index.js';
import { describeToneModels } from '../runtime/index.js';
import { OptionError } from '../io/index.js';
import { progressReporter } from './progress-bar.js';
import { runAction } from './run-action.js';

type JobFlags = { output: string; preset?: string; model?: string; batchSize?: number; concurrency?: number; json?: boolean; verbose?: boolean };

const int = (v: string): number => Number.parseInt(v, 10);

/** Options every frame job takes. */
function withJobOptions(cmd: Command, presetHelp: string): Command {
  return cmd
    .requiredOption('-o, --output <file>', 'output file (written to a temporary name, renamed when complete)')
    .option('--preset <name>', presetHelp)
    .option('--batch-size <n>', 'frames per model call (default: the model\'s choice)', int)
    .option('--concurrency <n>', 'model calls in flight at once (default: the model\'s choice)', int)
    .option('--json', 'print progress and the final summary as JSON lines on stdout')
    .option('-v, --verbose', 'print ffmpeg command lines and their output');
}

function summary(verb: string, r: JobResult): string {
  const s = r.stages;
  const slowest = Object.entries(s).reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  const where = r.output === '-' ? 'to stdout' : r.output;
  return `${verb} ${where}: ${r.frames} frames in ${r.seconds.toFixed(1)} s (${r.fps.toFixed(1)} fps, slowest stage: ${slowest}), ` +
    `${r.bytes ? `${(r.bytes / 1e6).toFixed(2)} MB` : 'streamed'}${r.bitrate ? `, ${(r.bitrate / 1e6).toFixed(2)} Mb/s` : ''}, model ${r.model.id}`;
}

/** Run a job with progress on stderr (TTY) or JSON lines, and a one-line or JSON summary. */
async function runJob(flags: JobFlags, verb: string, job: (common: { signal: AbortSignal; onProgress: (p: import('../pipeline/index.js').Progress) => void }) => Promise<JobResult>): Promise<void> {
  await runAction(async ({ signal }) => {
    if (flags.output === '-' && flags.json) throw new OptionError('--json prints on stdout, which `-o -` streams video to — drop one of them');
    const progress = progressReporter(Boolean(flags.json));
    const result = await job({ signal, onProgress: progress.onProgress }).finally(progress.done);
    if (flags.json) process.stdout.write(`${JSON.stringify({ type: 'summary', ...result })}\n`);
    else process.stderr.write(`${summary(verb, result)}\n`);
  }, flags);
}

const batching = (f: JobFlags): { batchSize?: number; concurrency?: number } => ({
  ...(f.batchSize !== undefined ? { batchSize: f.batchSize } : {}),
  ...(f.concurrency !== undefined ? { concurrency: f.concurrency } : {}),
});

export function encodeCommand(): Command {
  const cmd = new Command('encode')
    .description('HDR10/HLG video -> 8-bit BT.709 SDR that every player shows, carrying what restore needs (manifest embedded)')
    .argument('<input>', 'HDR10 (PQ) or HLG video, any container ffmpeg reads');
  withJobOptions(cmd, `SDR encoder preset: name in presets/ or a JSON file (default ${DEFAULT_SDR_PRESET})`)
    .option('--model <id>', `tone model (default ${DEFAULT_MODEL})`)
    .addHelpText('after', `
The output (.mkv: manifest as an attachment; .mp4: as a metadata tag) is ordinary SDR video;
\`duhdr restore\` turns it back into HDR. Audio, subtitles and chapters are copied.

Models:
${describeToneModels().map((d) => `  ${d}`).join('\n')}

Examples:
  duhdr encode samples/city-pq.mkv -o city-sdr.mkv
  duhdr encode movie-hdr10.mkv -o movie.mp4 --preset x265-2mbps --json`)
    .action(async (input: string, flags: JobFlags) => {
      await runJob(flags, 'encoded', (c) => encode({
        input, output: flags.output, ...c, ...batching(flags),
        ...(flags.preset ? { preset: flags.preset } : {}), ...(flags.model ? { model: flags.model } : {}),
      }));
    });
  return cmd;
}

export function restoreCommand(): Command {
  const cmd = new Command('restore')
    .description('SDR made by `duhdr encode` (a file or a pack bundle) -> HDR10 or HLG video, or linear EXR frames')
    .argument('<input>', 'SDR file made by encode, or a .zip bundle made by pack');
  withJobOptions(cmd, 'HDR preset: hdr10-x265 (default for PQ sources), hlg-x265 (default for HLG), hdr10-x265-lossless, or a JSON file')
    .option('--model <id>', 'refuse unless the file was made with this model')
    .addOption(new Option('--exr-primaries <p>', 'primaries of EXR output').choices(['bt2020', 'bt709']).default('bt2020'))
    .addHelpText('after', `
The model and per-frame side info come from the manifest inside the file; the source's mastering
display and MaxCLL/MaxFALL are written back. An output like frames/%05d.exr writes half-float
linear EXRs (1.0 = 100 cd/m²) for grading.

Examples:
  duhdr restore city-sdr.mkv -o city-hdr10.mkv
  duhdr restore city.zip -o city-hlg.mkv --preset hlg-x265
  duhdr restore city-sdr.mkv -o grade/%05d.exr
  duhdr restore city-sdr.mkv -o - | mpv -         play it: Matroska HDR10 on stdout, as frames are restored`)
    .action(async (input: string, flags: JobFlags & { exrPrimaries: 'bt2020' | 'bt709' }) => {
      await runJob(flags, 'restored', (c) => restore({
        input, output: flags.output, exrPrimaries: flags.exrPrimaries, ...c, ...batching(flags),
        ...(flags.preset ? { preset: flags.preset } : {}), ...(flags.model ? { model: flags.model } : {}),
      }));
    });
  return cmd;
}

export function upconvertCommand(): Command {
  const cmd = new Command('upconvert')
    .description('Any SDR video -> HDR10, blind (no manifest): the forward model restores from pixels alone')
    .argument('<input>', 'SDR video');
  withJobOptions(cmd, 'HDR preset (default hdr10-x265)')
    .option('--model <id>', `tone model (default ${DEFAULT_MODEL})`)
    .option('--peak <nits>', 'mastering display peak to restore for, cd/m²', Number, 1000)
    .addHelpText('after', `
Examples:
  duhdr upconvert samples/city-sdr.mkv -o city-hdr10.mkv
  duhdr upconvert old.mp4 -o old-hdr.mkv --peak 600`)
    .action(async (input: string, flags: JobFlags & { peak: number }) => {
      await runJob(flags, 'upconverted', (c) => upconvert({
        input, output: flags.output, masteringPeak: flags.peak, ...c, ...batching(flags),
        ...(flags.preset ? { preset: flags.preset } : {}), ...(flags.model ? { model: flags.model } : {}),
      }));
    });
  return cmd;
}

export function packCommand(): Command {
  return new Command('pack')
    .description('Bundle an SDR file made by encode, its manifest and model files into a zip (stored, with sha256 checksums)')
    .argument('<input>', 'SDR file made by encode')
    .requiredOption('-o, --output <bundle.zip>', 'the bundle to write')
    .option('--json', 'print the summary as JSON')
    .option('-v, --verbose', 'print ffmpeg command lines and their output')
    .addHelpText('after', '\nExample:\n  duhdr pack city-sdr.mkv -o city.zip && duhdr restore city.zip -o city-hdr10.mkv')
    .action(async (input: string, flags: { output: string; json?: boolean; verbose?: boolean }) => {
      await runAction(async ({ signal }) => {
        const r = await pack({ input, output: flags.output, signal });
        if (flags.json) process.stdout.write(`${JSON.stringify({ type: 'summary', ...r })}\n`);
        else process.stderr.write(`packed ${r.output}: ${r.entries.map((e) => e.name).join(', ')} (${(r.bytes / 1e6).toFixed(2)} MB)\n`);
      }, flags);
    });
}

export function unpackCommand(): Command {
  return new Command('unpack')
    .description('Extract a bundle made by pack into a folder, verifying every checksum')
    .argument('<bundle>', 'the .zip bundle')
    .requiredOption('-o, --output <dir>', 'folder to extract into (created if missing)')
    .option('-v, --verbose', 'print details')
    .action(async (input: string, flags: { output: string; verbose?: boolean }) => {
      await runAction(async ({ signal }) => {
        const files = await unpack({ input, output: flags.output, signal });
        process.stderr.write(`unpacked ${files.length} files into ${flags.output}\n`);
      }, flags);
    });
}
