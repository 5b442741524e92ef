import { InvalidArgumentError, Option } from 'commander';
import { DuhdrError, CanceledError, FfmpegError, isVerbose, setVerbose } from '../io/index.js';

export type ActionContext = { signal: AbortSignal };

/**
 * Exit codes: 1 failure, 2 usage / not yet available, 130 interrupted (128 + SIGINT), 141 stdout
 * closed by its reader (128 + SIGPIPE, what a C tool killed by the signal reports).
 */
export const EXIT = { failure: 1, usage: 2, interrupted: 130, pipeClosed: 141 } as const;

/**
 * The signals that stop a job cleanly, with their exit codes (128 + the signal's number). SIGHUP
 * comes when the terminal closes or an ssh session drops; Node's default for it ends the process
 * at once, leaving the temp output and an encoding ffmpeg behind.
 */
const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/** The job runAction is running: how to stop it when stdout fails. */
let currentJob: { signal: AbortSignal; stop: (exitCode: number, message: string) => void } | null = null;

/**
 * What a failing stdout means, for the whole process (main calls this once). A closed pipe
 * (`duhdr encode --json | head -1`, `duhdr --version | head -c0`) stops a running job and exits
 * 141, as SIGPIPE stops a C tool, where Node would throw EPIPE from the next progress line and
 * leave the output half-written; outside a job (commander's --help and --version, a summary
 * written as the job ends) it only means nobody reads the rest. Any other error (a full disk
 * under `> file`) stops the job too and exits 1. A failing stderr (a terminal that hung up)
 * leaves nowhere to say anything: the job goes on, and SIGHUP stops it.
 */
export function watchOutputStreams(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    const closed = err.code === 'EPIPE';
    const message = closed ? 'stdout: its reader went away (broken pipe); stopped' : `cannot write to stdout: ${err.message}`;
    if (currentJob) {
      // The stopping job's later writes fail the same way.
      if (!currentJob.signal.aborted) currentJob.stop(closed ? EXIT.pipeClosed : EXIT.failure, message);
    } else if (closed) {
      process.exitCode = EXIT.pipeClosed;
    } else if (!process.exitCode) {
      process.stderr.write(`duhdr: ${message}\n`);
      process.exitCode = EXIT.failure;
    }
  });
  process.stderr.on('error', () => {});
}

/**
 * Run a command body with the CLI's contract: Ctrl-C, SIGTERM or SIGHUP aborts the work (children
 * are stopped, temp files removed) and exits 130/143/129; so does a failing stdout (exit 141 for a
 * closed pipe, see watchOutputStreams); a DuhdrError prints one line and exits non-zero; anything
 * else is a bug and prints its stack.
 */
export async function runAction(body: (ctx: ActionContext) => Promise<void>, options: { verbose?: boolean; engine?: string }): Promise<void> {
  if (options.verbose) setVerbose(true);
  // The engine reaches the model loader (src/runtime/models.ts) the same way $DUHDR_ENGINE does.
  if (options.engine) process.env['DUHDR_ENGINE'] = options.engine;
  const controller = new AbortController();
  let exitCode: number = EXIT.interrupted;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(exitCode); // second Ctrl-C: stop waiting for cleanup
    exitCode = STOP_SIGNALS[sig as keyof typeof STOP_SIGNALS];
    controller.abort(new CanceledError(`interrupted by ${sig}`));
  };
  for (const sig of Object.keys(STOP_SIGNALS)) process.on(sig, onSignal);
  currentJob = {
    signal: controller.signal,
    stop: (code, message) => {
      exitCode = code;
      controller.abort(new CanceledError(message));
    },
  };
  try {
    await body({ signal: controller.signal });
  } catch (err) {
    process.exitCode = reportError(err, exitCode);
  } finally {
    for (const sig of Object.keys(STOP_SIGNALS)) process.off(sig, onSignal);
    currentJob = null;
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

/** `--crf` as typed: a number; its range depends on the codec, checked once that is known. */
export function crfValue(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, e.g. 20, got ${v}`);
  return n;
}
