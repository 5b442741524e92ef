import { Option } from 'commander';
import { DuhdrError, CanceledError, FfmpegError, isVerbose, setVerbose } from '../io/index.js';

export type ActionContext = { signal: AbortSignal };

/**
 * Exit codes: 1 failure, 2 usage / not yet available, 130 interrupted (128 + SIGINT), 141 stdout
 * closed by its reader (128 + SIGPIPE, what a C tool killed by the signal reports).
 */
export const EXIT = { failure: 1, usage: 2, interrupted: 130, pipeClosed: 141 } as const;

/** A write to a pipe whose reader has gone (`duhdr probe x | head -c0`, `--json | head -1`). */
export function isClosedPipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'EPIPE';
}

/**
 * Run a command body with the CLI's contract: Ctrl-C or SIGTERM aborts the work (children are
 * stopped, temp files removed) and exits 130/143; so does a reader closing stdout (exit 141), as
 * SIGPIPE stops a C tool, where Node would throw EPIPE from the next progress line and leave the
 * output half-written; a DuhdrError prints one line and exits non-zero; anything else is a bug
 * and prints its stack.
 */
export async function runAction(body: (ctx: ActionContext) => Promise<void>, options: { verbose?: boolean; engine?: string }): Promise<void> {
  if (options.verbose) setVerbose(true);
  // The engine reaches the model loader (src/runtime/models.ts) the same way $DUHDR_ENGINE does.
  if (options.engine) process.env['DUHDR_ENGINE'] = options.engine;
  const controller = new AbortController();
  let exitCode: number = EXIT.interrupted;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(exitCode); // second Ctrl-C: stop waiting for cleanup
    exitCode = sig === 'SIGTERM' ? 143 : 130;
    controller.abort(new CanceledError(`interrupted by ${sig}`));
  };
  const onStdoutError = (err: Error): void => {
    if (controller.signal.aborted) return; // later writes of the stopping job fail the same way
    exitCode = isClosedPipe(err) ? EXIT.pipeClosed : EXIT.failure;
    controller.abort(new CanceledError(isClosedPipe(err) ? 'stdout: its reader went away (broken pipe); stopped' : `cannot write to stdout: ${err.message}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.stdout.on('error', onStdoutError);
  try {
    await body({ signal: controller.signal });
  } catch (err) {
    process.exitCode = reportError(err, exitCode);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.stdout.off('error', onStdoutError);
  }
}

/** Print an error the way the CLI promises; returns the exit code. */
export function reportError(err: unknown, interruptedCode: number = EXIT.interrupted): number {
  if (err instanceof CanceledError) {
    process.stderr.write(`duhdr: ${err.message}\n`);
    return interruptedCode;
  }
  if (err instanceof DuhdrError) {
    if (err instanceof FfmpegError && isVerbose()) {
      process.stderr.write(`duhdr: ${err.message}\n  command: ${err.command}\n  stderr:\n${err.stderrTail.replace(/^/gm, '    ')}\n`);
    } else if (err instanceof FfmpegError) {
      // One line, always: the hint rides on it.
      process.stderr.write(`duhdr: ${err.message} (--verbose shows ffmpeg's command line and output)\n`);
    } else {
      process.stderr.write(`duhdr: ${err.message}\n`);
    }
    return err.exitCode;
  }
  if (err instanceof RangeError || err instanceof TypeError) {
    // Option validation at the library boundary uses these; a stack would only distract.
    if (!isVerbose() && /^(options?\.|[\w.-]+:)/.test(err.message)) {
      process.stderr.write(`duhdr: ${err.message}\n`);
      return EXIT.usage;
    }
  }
  process.stderr.write(`duhdr: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.failure;
}

/** `--engine` of the commands that run tone models; runAction applies it. */
export function engineOption(): Option {
  return new Option('--engine <engine>', 'where a learned model runs: ort (ONNX Runtime, default) or tfjs (the TF.js reference); default $DUHDR_ENGINE, else ort')
    .choices(['ort', 'tfjs']);
}
