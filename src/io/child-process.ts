import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { CanceledError, FfmpegError, toCanceledError } from './errors.js';

/** Every child still running; killed synchronously if this process exits first. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL cannot be caught, so nothing outlives us.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** Number of children spawned through this module that have not exited (tests assert 0). */
export function liveChildCount(): number {
  return live.size;
}

/** Quote an argument list as a shell would show it — for logs and errors only, never executed. */
export function formatCommand(file: string, args: readonly string[]): string {
  const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`);
  return [file, ...args].map(quote).join(' ');
}

/** Keeps the last `limit` bytes of a stream as text (ffmpeg's stderr, for error messages). */
export class TailBuffer {
  #chunks: Buffer[] = [];
  #size = 0;
  readonly #limit: number;
  constructor(limit = 16 * 1024) {
    this.#limit = limit;
  }
  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size - (this.#chunks[0]?.length ?? 0) >= this.#limit && this.#chunks.length > 1) {
      this.#size -= this.#chunks.shift()!.length;
    }
  }
  text(): string {
    const all = Buffer.concat(this.#chunks);
    return all.subarray(Math.max(0, all.length - this.#limit)).toString('utf8');
  }
}

export type ManagedChildOptions = {
  signal?: AbortSignal | undefined;
  /** Grace period between SIGTERM and SIGKILL when stopping the child. */
  killDelayMs?: number;
  /** Called with every stderr chunk (progress parsing, --verbose echo). */
  onStderr?: (chunk: Buffer) => void;
  /** What the child is doing, for error messages ("decoding in.mkv"). */
  label: string;
  stdio: SpawnOptions['stdio'];
};

export type ChildResult = { code: number | null; signal: NodeJS.Signals | null; stderrTail: string };

/**
 * A child process raced against every way it can end: exit, spawn error, abort. `done` settles
 * once the process has exited (never before), so awaiting it guarantees nothing is left running.
 * A non-zero exit rejects with FfmpegError carrying the command line and stderr tail; an abort
 * rejects with CanceledError.
 */
export class ManagedChild {
  readonly process: ChildProcess;
  readonly command: string;
  readonly done: Promise<ChildResult>;
  readonly #stderr = new TailBuffer();
  readonly #killDelayMs: number;
  #exited = false;
  #stopReason: Error | undefined;

  constructor(file: string, args: readonly string[], options: ManagedChildOptions) {
    installExitHook();
    this.command = formatCommand(file, args);
    this.#killDelayMs = options.killDelayMs ?? 2000;
    const signal = options.signal;
    if (signal?.aborted) {
      // Do not even start: the caller already gave up.
      this.process = undefined as unknown as ChildProcess;
      this.#exited = true;
      this.done = Promise.reject(toCanceledError(signal));
      this.done.catch(() => {});
      return;
    }
    const child = spawn(file, args, { stdio: options.stdio, windowsHide: true });
    this.process = child;
    live.add(child);
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr.push(chunk);
      options.onStderr?.(chunk);
    });
    const onAbort = (): void => this.stop(toCanceledError(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });

    this.done = new Promise<ChildResult>((resolve, reject) => {
      let spawnError: Error | undefined;
      child.once('error', (err) => {
        spawnError = err;
        // A spawn failure emits 'error' without 'close'.
        if (child.pid === undefined) finish(null, null);
      });
      child.once('close', (code, sig) => finish(code, sig));
      const finish = (code: number | null, sig: NodeJS.Signals | null): void => {
        if (this.#exited) return;
        this.#exited = true;
        live.delete(child);
        signal?.removeEventListener('abort', onAbort);
        const result = { code, signal: sig, stderrTail: this.#stderr.text() };
        if (this.#stopReason) return reject(this.#stopReason);
        if (spawnError) {
          return reject(
            new FfmpegError(`${options.label}: could not start ${file}: ${spawnError.message}`, {
              command: this.command,
              ...result,
            }, { cause: spawnError }),
          );
        }
        if (code !== 0) {
          return reject(new FfmpegError(`${options.label}: ${describeFailure(code, sig, result.stderrTail)}`, { command: this.command, ...result }));
        }
        resolve(result);
      };
    });
    // Callers may observe failure through another path first; never leave this unhandled.
    this.done.catch(() => {});
  }

  get exited(): boolean {
    return this.#exited;
  }

  stderrTail(): string {
    return this.#stderr.text();
  }

  /**
   * Stop the child: SIGTERM, then SIGKILL after the grace period. `done` rejects with `reason`
   * (default CanceledError). Safe to call more than once or after exit.
   */
  stop(reason: Error = new CanceledError()): void {
    if (this.#exited) return;
    this.#stopReason ??= reason;
    const child = this.process;
    child.stdin?.destroy();
    child.stdout?.destroy();
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!this.#exited) child.kill('SIGKILL');
    }, this.#killDelayMs);
    timer.unref();
  }
}

/** Why a tool failed, in words a user can act on (disk full and file-size limits named as such). */
export function describeFailure(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  if (signal === 'SIGXFSZ') return 'ffmpeg was stopped: the output exceeds the file size limit (ulimit -f) — raise it or write elsewhere';
  if (/No space left on device/i.test(stderr)) return 'ffmpeg could not write: no space left on device — free some space or write elsewhere';
  if (signal === 'SIGPIPE' || /Broken pipe/i.test(stderr)) return 'the reader of the output stream went away (broken pipe)';
  const last = lastMeaningfulLine(stderr);
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  return `ffmpeg ${how}${last ? `: ${last}` : ''}`;
}

/** ffmpeg's last line that says something (skips blank lines and progress lines). */
export function lastMeaningfulLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('frame=') && !l.startsWith('size=') && !/^Conversion failed!?$/.test(l));
  return lines.at(-1) ?? '';
}
