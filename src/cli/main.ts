import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { probe } from '../io/index.js';
import { formatProbe } from './format-probe.js';
import { EXIT, runAction, watchOutputStreams } from './run-action.js';
import { samplesCommand } from './samples-command.js';
import { transcodeCommand } from './transcode-command.js';
import { evalCommand } from './eval-command.js';
import { trainCommand } from './train-command.js';
import { roundtripCommand } from './roundtrip-command.js';
import { playCommand } from './play-command.js';
import { exportCommand } from './export-command.js';
import { benchCommand } from './bench-command.js';
import { encodeCommand, packCommand, restoreCommand, unpackCommand, upconvertCommand } from './job-commands.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('duhdr')
    .description('Carry HDR video through an 8-bit SDR world and back.')
    .version(pkg.version)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  duhdr encode samples/city-pq.mkv -o city-sdr.mkv      HDR10 -> SDR that carries its way back
  duhdr restore city-sdr.mkv -o city-hdr10.mkv          ... and back to HDR10
  duhdr play city-sdr.mkv                  restore and watch it in mpv or ffplay
  duhdr encode samples/city-sun.exr -o sun.jpg           an HDR photo -> SDR JPEG that restores
  duhdr probe samples/city-pq.mkv          describe a file: colour, HDR10 metadata, streams
  duhdr probe clip.mp4 --json | jq .video  the same as JSON, for scripts
  duhdr transcode in.mkv -o master.mkv --lossless
                                           re-encode through duhdr's frame pipes, HDR10 metadata kept
  duhdr samples --out samples              render the HDR10/HLG/SDR sample clips again

Outputs appear only when complete (written to a temporary name, then renamed).
Exit status: 0 done, 1 failed, 2 bad usage, 130/143/129 stopped by Ctrl-C/SIGTERM/SIGHUP,
141 stdout closed by its reader (e.g. | head).

ffmpeg: $FFMPEG_PATH/$FFPROBE_PATH, else PATH, else the copy npm installed.`,
    );

  program
    .command('probe')
    .description('Describe a media file: container, streams, colour tags, HDR10 metadata, and pq|hlg|sdr|unknown')
    .argument('<file>', 'video or image file')
    .option('--json', 'print the full description as JSON')
    .option('--no-count', 'do not demux the whole file to count frames when the container does not say')
    .option('-v, --verbose', 'print ffmpeg/ffprobe command lines and their output')
    .action(async (file: string, opts: { json?: boolean; count: boolean; verbose?: boolean }) => {
      await runAction(async ({ signal }) => {
        const info = await probe(file, { countFrames: opts.count, signal });
        process.stdout.write(opts.json ? `${JSON.stringify(info, null, 2)}\n` : `${formatProbe(info)}\n`);
      }, opts);
    });

  program.addCommand(encodeCommand());
  program.addCommand(restoreCommand());
  program.addCommand(upconvertCommand());
  program.addCommand(playCommand());
  program.addCommand(packCommand());
  program.addCommand(unpackCommand());
  program.addCommand(evalCommand());
  program.addCommand(roundtripCommand());
  program.addCommand(transcodeCommand());
  program.addCommand(samplesCommand());
  program.addCommand(trainCommand());
  program.addCommand(exportCommand());
  program.addCommand(benchCommand());

  return program;
}

/** Commander's own errors (unknown option, missing argument, bad choice) throw instead of exiting 1. */
function throwOnParseErrors(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) throwOnParseErrors(sub);
}

export async function main(argv: string[] = process.argv): Promise<void> {
  watchOutputStreams();
  const program = buildProgram();
  throwOnParseErrors(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    // Commander has printed the message; --help and --version end with 0, a bad command line is a usage error.
    process.exitCode = err.exitCode === 0 ? 0 : EXIT.usage;
  }
}
