import { Command, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_MODEL, DEFAULT_SDR_PRESET, encode, encodeImages, givenOverride, isImageJob, pack, restore, restoreImages, unpack, upconvert, upconvertImages,
  type ImageJobResult, type JobResult,
} from '../pipeline/index.js';
import { describeToneModels } from '../runtime/index.js';
import { OptionError } from '../io/index.js';
import { progressReporter } from './progress-bar.js';
import { crfValue, engineOption, runAction } from './run-action.js';

type JobFlags = { output: string; preset?: string; crf?: number; encoderPreset?: string; model?: string; engine?: string; batchSize?: number; concurrency?: number; json?: boolean; verbose?: boolean };

const int = (v: string): number => Number.parseInt(v, 10);

/** Options every frame job takes. */
function withJobOptions(cmd: Command, presetHelp: string): Command {
  return cmd
    .requiredOption('-o, --output <file>', 'output file (written to a temporary name, renamed when complete)')
    .option('--preset <name>', presetHelp)
    .option('--crf <n>', 'constant quality in place of the preset\'s rate control, as ffmpeg\'s -crf (x264/x265 0-51, AV1 0-63; lower is better)', crfValue)
    .option('--encoder-preset <name>', 'the encoder\'s speed preset in place of the preset\'s, as ffmpeg\'s -preset (x264/x265 ultrafast ... placebo; AV1 cpu-used 0-8)')
    .option('--batch-size <n>', 'frames per model call (default: the model\'s choice)', int)
    .option('--concurrency <n>', 'model calls in flight at once (default: the model\'s choice)', int)
    .addOption(engineOption())
    .option('--json', 'print progress and the final summary as JSON lines on stdout')
    .option('-v, --verbose', 'print ffmpeg command lines and their output');
}

function summary(verb: string, r: JobResult | ImageJobResult): string {
  const s = r.stages;
  if ('outputs' in r) {
    const what = r.outputs.length === 1 ? r.outputs[0]! : `${r.outputs.length} images into ${r.output}`;
    return `${verb} ${what} in ${r.seconds.toFixed(1)} s, ${(r.bytes / 1e6).toFixed(2)} MB, model ${r.model.id}`;
  }
  const slowest = Object.entries(s).reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  const where = r.output === '-' ? 'to stdout' : r.output;
  const a = r.adapt;
  const adapt = !a ? '' : a.shipped
    ? `; adapted forward network shipped (${(a.bytes / 1e3).toFixed(0)} kB, ${a.steps} steps in ${a.seconds.toFixed(0)} s, held-out PU21-PSNR ${a.heldOutBefore.toFixed(2)} -> ${a.heldOutAfter.toFixed(2)} dB)`
    : `; adaptation did not beat the base model on held-out frames (${a.heldOutBefore.toFixed(2)} -> ${a.heldOutAfter.toFixed(2)} dB), none shipped`;
  return `${verb} ${where}: ${r.frames} frames in ${r.seconds.toFixed(1)} s (${r.fps.toFixed(1)} fps, slowest stage: ${slowest}), ` +
    `${r.bytes ? `${(r.bytes / 1e6).toFixed(2)} MB` : 'streamed'}${r.bitrate ? `, ${(r.bitrate / 1e6).toFixed(2)} Mb/s` : ''}, model ${r.model.id}${adapt}`;
}

/** Run a job with progress on stderr (TTY) or JSON lines, and a one-line or JSON summary. */
async function runJob(flags: JobFlags, verb: string, job: (common: { signal: AbortSignal; onProgress: (p: import('../pipeline/index.js').Progress) => void }) => Promise<JobResult | ImageJobResult>): Promise<void> {
  await runAction(async ({ signal }) => {
    if (flags.output === '-' && flags.json) throw new OptionError('--json prints on stdout, which `-o -` streams video to — drop one of them');
    const progress = progressReporter(Boolean(flags.json));
    const result = await job({ signal, onProgress: progress.onProgress }).finally(progress.done);
    // Peak memory of this process (model workers included; ffmpeg children are their own).
    const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    if (flags.json) process.stdout.write(`${JSON.stringify({ type: 'summary', ...result, peakRssMiB })}\n`);
    else process.stderr.write(`${summary(verb, result)}\n`);
  }, flags);
}

/** --preset, --crf and --encoder-preset of a video job. */
const encoding = (f: JobFlags): { preset?: string; crf?: number; encoderPreset?: string } => ({
  ...(f.preset ? { preset: f.preset } : {}),
  ...(f.crf !== undefined ? { crf: f.crf } : {}),
  ...(f.encoderPreset !== undefined ? { encoderPreset: f.encoderPreset } : {}),
});

/** Images are written by their own encoders (JPEG, PNG, EXR): a video encoder's settings have no meaning there. */
function noVideoEncoderOptions(f: JobFlags): void {
  const given = givenOverride(f);
  if (given) throw new OptionError(`${given} is a video encoder's setting; images are written as JPEG, PNG, EXR or AVIF at their own settings`);
}

const batching = (f: JobFlags): { batchSize?: number; concurrency?: number } => ({
  ...(f.batchSize !== undefined ? { batchSize: f.batchSize } : {}),
  ...(f.concurrency !== undefined ? { concurrency: f.concurrency } : {}),
});

const stopsOrAuto = (v: string): number | 'auto' => {
  if (v === 'auto') return 'auto';
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`expected stops (e.g. -1.5) or auto, got ${v}`);
  return n;
};

export function encodeCommand(): Command {
  const cmd = new Command('encode')
    .description('HDR10/HLG video or HDR images -> 8-bit SDR that every player and viewer shows, carrying what restore needs (manifest embedded)')
    .argument('<input>', 'HDR10 (PQ) or HLG video; or an HDR image (.exr, .hdr, PQ/HLG .png, PQ .avif) or a folder of them');
  withJobOptions(cmd, `SDR encoder preset: name in presets/ or a JSON file (default ${DEFAULT_SDR_PRESET})`)
    .option('--model <id>', `tone model (default ${DEFAULT_MODEL})`)
    .option('--exposure <stops|auto>', 'images: EXR/.hdr 1.0 = 100 cd/m² x 2^stops (default 0); auto puts each image\'s median at 35 cd/m²', stopsOrAuto)
    .option('--peak <nits>', 'images: mastering peak, light above is clipped (default 1000; PQ/HLG images: their own peak)', Number)
    .addOption(new Option('--format <ext>', 'images, folder in: the SDR type written (default jpg)').choices(['jpg', 'png']))
    .option('--ultrahdr', 'images, JPEG out: add an Ultra HDR gain map so gain-map viewers show the HDR')
    .option('--adapt [seconds]', 'learned models, video: after encoding, tune the forward network on this clip for SECONDS (default 60) and ship it in the file', adaptSeconds)
    .addHelpText('after', `
The output (.mkv: manifest as an attachment; .mp4: as a metadata tag) is ordinary SDR video;
\`duhdr restore\` turns it back into HDR. Audio, subtitles and chapters are copied.

--adapt: the encoder has the true HDR, so it fine-tunes the forward network on views of this
clip (the coded SDR beside the source) and embeds the tuned network (~54 kB, float16) in the manifest;
restore then uses it. Frames held out from the tuning check it: when it does not beat the base
model on them, nothing is shipped and the summary says so.

Still images: an HDR image becomes an SDR JPEG (manifest in XMP) or PNG (manifest in iTXt) by
the output's extension; a folder becomes a folder of the same names (--format jpg|png), written
all or nothing. EXR and .hdr hold relative light: 1.0 is taken as 100 cd/m² (the scale restore's
EXRs use, so an EXR comes back in its own units); --exposure shifts that. --ultrahdr adds an
Ultra HDR gain map (made by the model's restore) that gain-map viewers use to show the HDR.

Models:
${describeToneModels().map((d) => `  ${d}`).join('\n')}

Examples:
  duhdr encode samples/city-pq.mkv -o city-sdr.mkv
  duhdr encode movie-hdr10.mkv -o movie.mp4 --preset x265-2mbps --json
  duhdr encode movie-hdr10.mkv -o movie.mkv --crf 24              x264 at CRF 24 instead of the preset's 20
  duhdr encode samples/city-pq.mkv -o city.mkv --model dual-v1 --adapt 30   per-clip forward network
  duhdr encode samples/city-sun.exr -o city-sun.jpg               HDR photo -> SDR JPEG that restores
  duhdr encode shots/ -o shots-sdr/ --format png --exposure auto  every image of a folder
  duhdr encode samples/city-sun.exr -o city-sun.jpg --ultrahdr    + a gain map: HDR on Android/Chrome`)
    .action(async (input: string, flags: JobFlags & { exposure?: number | 'auto'; peak?: number; format?: string; ultrahdr?: boolean; adapt?: true | number }) => {
      if (await isImageJob(input)) {
        return runJob(flags, 'encoded', async (c) => {
          if (flags.adapt !== undefined) throw new OptionError('--adapt tunes on a video clip\'s frames; it does not apply to images');
          noVideoEncoderOptions(flags);
          return encodeImages({
            input, output: flags.output, ...c, ...batching(flags), ...(flags.model ? { model: flags.model } : {}),
            ...(flags.exposure !== undefined ? { exposure: flags.exposure } : {}), ...(flags.peak !== undefined ? { peak: flags.peak } : {}),
            ...(flags.format ? { format: flags.format } : {}), ...(flags.ultrahdr ? { ultraHdr: true } : {}),
          });
        });
      }
      await runJob(flags, 'encoded', (c) => encode({
        input, output: flags.output, ...c, ...batching(flags), ...encoding(flags), ...(flags.model ? { model: flags.model } : {}),
        ...(flags.adapt !== undefined ? { adapt: flags.adapt === true ? {} : { seconds: flags.adapt } } : {}),
      }));
    });
  return cmd;
}

function adaptSeconds(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n <= 86_400)) throw new InvalidArgumentError(`expected seconds in (0, 86400], got ${v}`);
  return n;
}

export function restoreCommand(): Command {
  const cmd = new Command('restore')
    .description('SDR made by `duhdr encode` (a file, a pack bundle, an image or a folder of images) -> HDR10/HLG video, EXR frames, or HDR images')
    .argument('<input>', 'SDR file made by encode, a .zip bundle made by pack, or a JPEG/PNG (or folder) made by encode');
  withJobOptions(cmd, 'HDR preset: hdr10-x265 (default for PQ sources), hlg-x265 (default for HLG), hdr10-x265-lossless, or a JSON file')
    .option('--model <id>', 'refuse unless the file was made with this model')
    .addOption(new Option('--exr-primaries <p>', 'primaries of EXR output (default bt2020; images: the source\'s)').choices(['bt2020', 'bt709']))
    .addOption(new Option('--format <ext>', 'images, folder in: the HDR type written (default exr)').choices(['exr', 'png', 'avif']))
    .addHelpText('after', `
The model and per-frame side info come from the manifest inside the file; the source's mastering
display and MaxCLL/MaxFALL are written back. An output like frames/%05d.exr writes half-float
linear EXRs (1.0 = 100 cd/m²) for grading.

Images: by the output's extension, .exr (half-float linear, in the source EXR's own units),
.png (16-bit PQ BT.2020, tagged by a cICP chunk) or .avif (PQ; needs an ffmpeg with AVIF).

Examples:
  duhdr restore city-sdr.mkv -o city-hdr10.mkv
  duhdr restore city.zip -o city-hlg.mkv --preset hlg-x265
  duhdr restore city-sdr.mkv -o city-hdr10.mkv --crf 22      x265 at CRF 22 instead of the preset's 18
  duhdr restore city-sdr.mkv -o city-hdr10.mkv --encoder-preset fast   x265 faster than medium, more bits
  duhdr restore city-sdr.mkv -o grade/%05d.exr
  duhdr restore city-sdr.mkv -o - | mpv -         play it: Matroska HDR10 on stdout, as frames are restored
  duhdr restore city-sun.jpg -o city-sun.exr      an image made by encode, back to HDR
  duhdr restore shots-sdr/ -o shots-hdr/ --format png`)
    .action(async (input: string, flags: JobFlags & { exrPrimaries?: 'bt2020' | 'bt709'; format?: string }) => {
      const primaries = flags.exrPrimaries ? { exrPrimaries: flags.exrPrimaries } : {};
      if (await isImageJob(input)) {
        return runJob(flags, 'restored', (c) => {
          noVideoEncoderOptions(flags);
          return restoreImages({
            input, output: flags.output, ...primaries, ...c, ...batching(flags),
            ...(flags.model ? { model: flags.model } : {}), ...(flags.format ? { format: flags.format } : {}),
          });
        });
      }
      await runJob(flags, 'restored', (c) => restore({
        input, output: flags.output, ...primaries, ...c, ...batching(flags), ...encoding(flags), ...(flags.model ? { model: flags.model } : {}),
      }));
    });
  return cmd;
}

export function upconvertCommand(): Command {
  const cmd = new Command('upconvert')
    .description('Any SDR video or image -> HDR, blind (no manifest): the forward model restores from pixels alone')
    .argument('<input>', 'SDR video, or an SDR image (.jpg, .png, .webp) or a folder of them');
  withJobOptions(cmd, 'HDR preset (default hdr10-x265)')
    .option('--model <id>', `tone model (default ${DEFAULT_MODEL})`)
    .option('--peak <nits>', 'mastering display peak to restore for, cd/m²', Number, 1000)
    .addOption(new Option('--exr-primaries <p>', 'primaries of EXR output (default bt2020)').choices(['bt2020', 'bt709']))
    .addOption(new Option('--format <ext>', 'images, folder in: the HDR type written (default exr)').choices(['exr', 'png', 'avif']))
    .addHelpText('after', `
Images: .exr (half-float linear, 1.0 = 100 cd/m²), .png (16-bit PQ BT.2020 with a cICP chunk)
or .avif (PQ; needs an ffmpeg with AVIF), by the output's extension.

Examples:
  duhdr upconvert samples/city-sdr.mkv -o city-hdr10.mkv
  duhdr upconvert old.mp4 -o old-hdr.mkv --peak 600
  duhdr upconvert photo.jpg -o photo-pq.png                 a 16-bit PQ PNG an HDR screen shows
  duhdr upconvert album/ -o album-hdr/ --format exr --exr-primaries bt709`)
    .action(async (input: string, flags: JobFlags & { peak: number; exrPrimaries?: 'bt2020' | 'bt709'; format?: string }) => {
      const primaries = flags.exrPrimaries ? { exrPrimaries: flags.exrPrimaries } : {};
      if (await isImageJob(input)) {
        return runJob(flags, 'upconverted', (c) => {
          noVideoEncoderOptions(flags);
          return upconvertImages({
            input, output: flags.output, masteringPeak: flags.peak, ...primaries, ...c, ...batching(flags),
            ...(flags.model ? { model: flags.model } : {}), ...(flags.format ? { format: flags.format } : {}),
          });
        });
      }
      await runJob(flags, 'upconverted', (c) => upconvert({
        input, output: flags.output, masteringPeak: flags.peak, ...primaries, ...c, ...batching(flags), ...encoding(flags),
        ...(flags.model ? { model: flags.model } : {}),
      }));
    });
  return cmd;
}

export function packCommand(): Command {
  return new Command('pack')
    .description('Bundle an SDR file made by encode, its manifest and model files into a zip (stored, with sha256 checksums)')
    .argument('<input>', 'SDR file made by encode')
    .requiredOption('-o, --output <bundle.zip>', 'the bundle to write')
    .option('--json', 'print progress (bytes written) and the summary as JSON lines on stdout')
    .option('-v, --verbose', 'print ffmpeg command lines and their output')
    .addHelpText('after', '\nExample:\n  duhdr pack city-sdr.mkv -o city.zip && duhdr restore city.zip -o city-hdr10.mkv')
    .action(async (input: string, flags: { output: string; json?: boolean; verbose?: boolean }) => {
      await runAction(async ({ signal }) => {
        const progress = progressReporter(Boolean(flags.json));
        const r = await pack({ input, output: flags.output, signal, onProgress: progress.onProgress }).finally(progress.done);
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
    .option('--json', 'print progress (bytes written) and the summary as JSON lines on stdout')
    .option('-v, --verbose', 'print details')
    .action(async (input: string, flags: { output: string; json?: boolean; verbose?: boolean }) => {
      await runAction(async ({ signal }) => {
        const progress = progressReporter(Boolean(flags.json));
        const files = await unpack({ input, output: flags.output, signal, onProgress: progress.onProgress }).finally(progress.done);
        if (flags.json) process.stdout.write(`${JSON.stringify({ type: 'summary', output: flags.output, files })}\n`);
        else process.stderr.write(`unpacked ${files.length} files into ${flags.output}\n`);
      }, flags);
    });
}
