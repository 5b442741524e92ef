/**
 * Where diagnostics go. Quiet by default; `--verbose` (or DUHDR_VERBOSE=1) prints every ffmpeg
 * command line and its stderr, so a user can rerun the exact command by hand.
 */
let verbose = process.env['DUHDR_VERBOSE'] === '1';

export function setVerbose(on: boolean): void {
  verbose = on;
}

export function isVerbose(): boolean {
  return verbose;
}

export const log = {
  /** The final command line of a spawned tool. */
  command(line: string): void {
    if (verbose) process.stderr.write(`duhdr: $ ${line}\n`);
  },
  /** Raw stderr of a child, echoed under --verbose. */
  childStderr(chunk: Buffer): void {
    if (verbose) process.stderr.write(chunk);
  },
  /** A warning the user should see (assumed colour tags, skipped file). */
  warn(message: string): void {
    process.stderr.write(`duhdr: warning: ${message}\n`);
  },
  debug(message: string): void {
    if (verbose) process.stderr.write(`duhdr: ${message}\n`);
  },
};
