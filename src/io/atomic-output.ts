import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { access, constants, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { InputError } from './errors.js';

/** Prefix of every temporary output; `.duhdr-tmp-` never collides with a user's file. */
export const TEMP_MARK = '.duhdr-tmp-';

/** Temp outputs neither committed nor discarded yet. */
const pending = new Set<string>();
let exitHookInstalled = false;

/**
 * A temporary path beside `output` (same directory, so the final rename is atomic) keeping the
 * extension so ffmpeg picks the same muxer. @example tempPathFor('/a/out.mkv') → '/a/.out.duhdr-tmp-1234-ab12cd.mkv'
 * Until commitTemp or discardTemp, it is removed if the process exits first: a crash or a
 * process.exit() skips the error paths' cleanup (as the children it ran, killed on exit by
 * child-process.ts, no half-written file outlives us).
 */
export function tempPathFor(output: string): string {
  const ext = extname(output);
  const stem = basename(output, ext);
  const temp = join(dirname(output), `.${stem}${TEMP_MARK}${process.pid}-${randomBytes(3).toString('hex')}${ext}`);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // 'exit' handlers must be synchronous.
    process.on('exit', () => {
      for (const p of pending) rmSync(p, { recursive: true, force: true });
    });
  }
  pending.add(temp);
  return temp;
}

/** Fail early, with the path, when an output cannot be written (before any work is done). */
export async function checkWritableOutput(output: string, inputs: readonly string[] = []): Promise<void> {
  const target = resolve(output);
  for (const input of inputs) {
    if (resolve(input) === target) throw new InputError(output, 'output path is the same as the input — choose another name');
  }
  const dir = dirname(target);
  try {
    const st = await stat(dir);
    if (!st.isDirectory()) throw new InputError(output, `cannot write: ${dir} is not a directory`);
    await access(dir, constants.W_OK);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `directory ${dir} does not exist` : `directory ${dir} is not writable (${code})`;
    throw new InputError(output, `cannot write: ${why}`, { cause: err });
  }
  try {
    if ((await stat(target)).isDirectory()) throw new InputError(output, 'cannot write: it is a directory');
  } catch (err) {
    if (err instanceof InputError) throw err;
  }
}

/** Move a finished temp file into place (atomic on one filesystem). */
export async function commitTemp(temp: string, output: string): Promise<void> {
  await rename(temp, output);
  pending.delete(temp);
}

/** Remove a temp file if present; never throws (cleanup runs on error paths). */
export async function discardTemp(temp: string): Promise<void> {
  await rm(temp, { force: true }).catch(() => {});
  pending.delete(temp);
}
