/**
 * Named error classes: callers branch on the class, never on message text.
 * Messages follow one shape: "<file>: <what is wrong> — <the fix>" where a fix exists.
 */

/** Base class so a CLI can tell our errors (one clean line) from bugs (stack trace). */
export class DuhdrError extends Error {
  override name = 'DuhdrError';
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 1;
}

/** The input file cannot be used: missing, not a video, wrong kind, unsupported layout. */
export class InputError extends DuhdrError {
  override name = 'InputError';
  readonly file: string;
  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(`${file}: ${problem}`, options);
    this.file = file;
  }
}

/** The input is a valid media file, but of a kind this operation does not take. */
export class UnsupportedInputError extends InputError {
  override name = 'UnsupportedInputError';
}

/** A caller passed a bad option (library boundary): a usage error, exit 2 from the CLI. */
export class OptionError extends DuhdrError {
  override name = 'OptionError';
  override readonly exitCode: number = 2;
}

/** ffmpeg or ffprobe failed: carries the command line and the tail of stderr. */
export class FfmpegError extends DuhdrError {
  override name = 'FfmpegError';
  readonly command: string;
  readonly stderrTail: string;
  readonly exitCode_: number | null;
  readonly signal: NodeJS.Signals | null;
  constructor(
    message: string,
    details: { command: string; stderrTail: string; code: number | null; signal: NodeJS.Signals | null },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.command = details.command;
    this.stderrTail = details.stderrTail;
    this.exitCode_ = details.code;
    this.signal = details.signal;
  }
}

/** A file was made with a model other than the one asked for or available. */
export class ModelMismatchError extends DuhdrError {
  override name = 'ModelMismatchError';
}

/** The ffmpeg found lacks a feature (encoder, filter, pixel format) an operation needs. */
export class MissingCapabilityError extends DuhdrError {
  override name = 'MissingCapabilityError';
}

/** Work stopped because an AbortSignal fired (Ctrl-C, a caller's abort). */
export class CanceledError extends DuhdrError {
  override name = 'CanceledError';
  override readonly exitCode: number = 130;
  constructor(message = 'canceled', options?: ErrorOptions) {
    super(message, options);
  }
}

/** Turn an AbortSignal's reason into a CanceledError (keeps the reason as cause). */
export function toCanceledError(signal: AbortSignal): CanceledError {
  const reason: unknown = signal.reason;
  if (reason instanceof CanceledError) return reason;
  return new CanceledError(reason instanceof Error ? reason.message : 'canceled', { cause: reason });
}
