import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Command, Option } from 'commander';
import { CanceledError, ManagedChild, MissingCapabilityError, isVerbose, lastMeaningfulLine, log } from '../io/index.js';
import { engineOption, runAction } from './run-action.js';

/** Players `duhdr play` can feed, in order of preference, with the arguments that make them read stdin. */
const PLAYERS = {
  // mpv keeps HDR10 as HDR on HDR displays and tone-maps it otherwise.
  mpv: ['--really-quiet', '--force-window=yes', '--title=duhdr play', '-'],
  // -autoexit: close the window when the stream ends instead of waiting on the last frame.
  ffplay: ['-hide_banner', '-loglevel', 'error', '-autoexit', '-window_title', 'duhdr play', '-i', 'pipe:0'],
} as const;
type PlayerName = keyof typeof PLAYERS;

function onPath(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** The player to use: the one asked for, else mpv, else ffplay; a one-line error naming what is missing. */
export function findPlayer(wanted?: PlayerName): { name: PlayerName; path: string } {
  const names: PlayerName[] = wanted ? [wanted] : ['mpv', 'ffplay'];
  for (const name of names) {
    const path = onPath(name);
    if (path) return { name, path };
  }
  throw new MissingCapabilityError(
    wanted
      ? `${wanted} is not on PATH — install it, or leave out --player to use whichever of mpv and ffplay is there`
      : 'no player found: neither mpv nor ffplay is on PATH — install one (e.g. apt install mpv), or pipe `duhdr restore IN -o -` into your own player',
  );
}

/**
 * `duhdr play IN`: a second duhdr process restores IN to a Matroska HDR10 stream on its stdout,
 * piped into the player's stdin (compressed HEVC: a few MB/s through this process). The player closing ends playback
 * normally (restore stops on the broken pipe); Ctrl-C stops both; nothing is left running.
 */
export function playCommand(): Command {
  return new Command('play')
    .description('Restore SDR made by `duhdr encode` and play the HDR as it is restored, in mpv or ffplay')
    .argument('<input>', 'SDR file made by encode, or a .zip bundle made by pack')
    .addOption(new Option('--player <name>', 'player to use (default: mpv if on PATH, else ffplay)').choices(Object.keys(PLAYERS)))
    .option('--model <id>', 'refuse unless the file was made with this model')
    .addOption(engineOption())
    .option('-v, --verbose', 'print the command lines and the restore\'s ffmpeg output')
    .addHelpText('after', `
The restore streams HDR10 Matroska (PQ BT.2020, mastering display and MaxCLL) frame by frame
into the player; closing the player or Ctrl-C stops the restore. Same as:
  duhdr restore IN -o - | mpv -

Examples:
  duhdr play city-sdr.mkv
  duhdr play city.zip --player ffplay`)
    .action(async (input: string, flags: { player?: PlayerName; model?: string; engine?: string; verbose?: boolean }) => {
      await runAction(async ({ signal }) => {
        const player = findPlayer(flags.player);
        // The same duhdr, the same way it was started (node, its flags such as a TypeScript loader, the script).
        const restoreArgs = [
          ...process.execArgv, process.argv[1]!, 'restore', input, '-o', '-',
          ...(flags.model ? ['--model', flags.model] : []), ...(flags.engine ? ['--engine', flags.engine] : []), ...(isVerbose() ? ['--verbose'] : []),
        ];
        const restore = new ManagedChild(process.execPath, restoreArgs, { label: `restoring ${input}`, signal, stdio: ['ignore', 'pipe', 'pipe'] });
        log.command(restore.command);
        if (restore.exited) await restore.done; // aborted before the start
        // The player starts with the first restored bytes: a bad input fails with the restore's
        // own one-line error, without a player window opening on an empty stream.
        const stream = restore.process.stdout!;
        const first = await new Promise<Buffer | null>((resolve) => {
          stream.once('data', (chunk: Buffer) => {
            stream.pause();
            resolve(chunk);
          });
          stream.once('end', () => resolve(null));
          stream.once('error', () => resolve(null));
        });
        let play: ManagedChild | null = null;
        if (first && !signal.aborted) {
          play = new ManagedChild(player.path, PLAYERS[player.name], { label: `playing with ${player.name}`, signal, stdio: ['pipe', 'inherit', 'inherit'] });
          log.command(play.command);
          const sink = play.process.stdin!;
          // The player closing breaks this pipe; dropping our read end passes that on to the
          // restore, which stops with EPIPE (reported below as the player having been closed).
          sink.on('error', () => stream.destroy());
          play.done.finally(() => stream.destroy()).catch(() => {});
          sink.write(first);
          stream.pipe(sink);
        } else {
          stream.destroy();
        }
        const [r, p] = await Promise.allSettled([restore.done, play?.done ?? Promise.resolve(null)]);
        if (signal.aborted) throw signal.reason instanceof CanceledError ? signal.reason : new CanceledError('interrupted');
        const restoreTail = restore.stderrTail().trim();
        if (isVerbose() && restoreTail) process.stderr.write(`${restoreTail}\n`);
        const brokenPipe = /broken pipe/.test(restoreTail);
        if (r.status === 'rejected' && !brokenPipe) {
          // The restore's own one-line error (bad input, model mismatch) is the root cause.
          process.stderr.write(`${lastMeaningfulLine(restoreTail) || `duhdr: restoring ${input} failed`}\n`);
          process.exitCode = restore.process.exitCode ?? 1;
          return;
        }
        if (p.status === 'rejected') {
          const code = play?.process.exitCode ?? null;
          process.stderr.write(`duhdr: ${player.name} (${player.path}) ${code === null ? 'was killed' : `exited with code ${code}`} — playback failed\n`);
          process.exitCode = 1;
          return;
        }
        if (r.status === 'rejected') {
          process.stderr.write(`duhdr: playback stopped: ${player.name} was closed before the end of ${input}\n`);
          return;
        }
        process.stderr.write(`${lastMeaningfulLine(restoreTail).replace('restored to stdout', `played ${input} in ${player.name}`)}\n`);
      }, flags);
    });
}
