import { Command, Option } from 'commander';
import { OptionError, crfProblem, speedPresetProblem, type VideoCodec } from '../io/index.js';
import { transcode } from '../pipeline/index.js';
import { progressReporter } from './progress-bar.js';
import { crfValue, runAction } from './run-action.js';

const CODECS: Record<string, VideoCodec> = { x265: 'libx265', x264: 'libx264', ffv1: 'ffv1', av1: 'libaom-av1' };

export function transcodeCommand(): Command {
  return new Command('transcode')
    .description("Re-encode a video through duhdr's frame pipes, keeping bit depth, colour tags, HDR10 metadata, audio, subtitles and chapters")
    .argument('<input>', 'video file')
    .requiredOption('-o, --output <file>', 'output file (written to a temporary name, renamed when complete)')
    .addOption(new Option('--codec <name>', 'video encoder').choices(Object.keys(CODECS)).default('x265'))
    .option('--crf <n>', 'constant quality (lower is better; x264/x265 0-51, AV1 0-63)', crfValue)
    .option('--preset <name>', 'encoder speed preset (x264/x265: ultrafast ... placebo, default medium; AV1: cpu-used 0-8)')
    .option('--lossless', 'mathematically lossless (bit-exact frames)')
    .option('--json', 'print progress and the final summary as JSON lines on stdout')
    .option('-v, --verbose', 'print ffmpeg command lines and their output')
    .addHelpText('after', `
Examples:
  duhdr transcode samples/city-pq.mkv -o master.mkv --lossless   bit-exact HDR10 copy, metadata kept
  duhdr transcode in.mp4 -o small.mkv --codec x265 --crf 24`)
    .action(async (input: string, opts: { output: string; codec: string; crf?: number; preset?: string; lossless?: boolean; json?: boolean; verbose?: boolean }) => {
      await runAction(async ({ signal }) => {
        const codec = CODECS[opts.codec]!;
        const problem = opts.preset === undefined ? null : speedPresetProblem(codec, opts.preset);
        if (problem) throw new OptionError(`--preset ${opts.preset}: ${problem}`);
        const crfWrong = opts.crf === undefined ? null : crfProblem(codec, opts.crf);
        if (crfWrong) throw new OptionError(`--crf ${opts.crf}: ${crfWrong}`);
        // x264/x265 default to medium; AV1 and FFV1 keep ffmpeg's own defaults.
        const speed = opts.preset ?? (codec === 'libx264' || codec === 'libx265' ? 'medium' : undefined);
        const progress = progressReporter(Boolean(opts.json));
        const result = await transcode({
          input,
          output: opts.output,
          encoder: {
            codec,
            ...(speed !== undefined ? { preset: speed } : {}),
            ...(opts.lossless ? { lossless: true } : { crf: opts.crf ?? 20 }),
          },
          signal,
          onProgress: progress.onProgress,
        }).finally(progress.done);
        if (opts.json) process.stdout.write(`${JSON.stringify({ type: 'summary', ...result })}\n`);
        else process.stderr.write(`wrote ${result.output}: ${result.frames} frames in ${result.seconds.toFixed(1)} s (${result.fps.toFixed(1)} fps), ${(result.bytes / 1e6).toFixed(2)} MB\n`);
      }, opts);
    });
}
