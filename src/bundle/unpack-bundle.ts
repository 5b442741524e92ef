/** Unpacking a bundle into a folder: checked, never overwriting, all or nothing. */
import { createWriteStream } from 'node:fs';
import { link, lstat, mkdir, rm, rmdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError, commitTemp, discardTemp, tempPathFor, toCanceledError } from '../io/index.js';
import type { BundleProgress } from './create-bundle.js';
import { MODELS_DIR } from './layout.js';
import { openBundleFor } from './open-bundle.js';

export type UnpackOptions = {
  signal?: AbortSignal;
  /** Called as entry bytes are written out (once per chunk). */
  onProgress?: (progress: BundleProgress) => void;
};

/**
 * Extract every entry of a bundle into `dir` (created if missing), checking each against
 * `checksums.sha256` as it is written. Refuses to overwrite any existing file; on any failure
 * it removes what it wrote, including folders it created. Returns the written paths in
 * archive order.
 * @example const files = await unpackBundle('clip.duhdr.zip', 'clip/'); // clip/manifest.json, clip/video.mkv, …
 */
export async function unpackBundle(file: string, dir: string, options: UnpackOptions = {}): Promise<string[]> {
  if (typeof dir !== 'string' || dir === '') throw new TypeError(`unpackBundle: dir must be a non-empty string, got ${String(dir)}`);
  const { signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('options.signal must be an AbortSignal');
  if (signal?.aborted) throw toCanceledError(signal);
  // Every layout rule is checked here, before anything is written.
  const bundle = await openBundleFor(file, {}, 'unpack');
  const targets = bundle.entries.map((e) => ({ name: e.name, path: join(dir, ...e.name.split('/')), temp: '' }));
  const createdDirs: string[] = [];
  const committed: string[] = [];
  const totalBytes = bundle.entries.reduce((sum, e) => sum + e.size, 0);
  let bytesWritten = 0;
  const counter = (): Transform => new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytesWritten += chunk.length;
      options.onProgress?.({ bytesWritten, totalBytes });
      callback(null, chunk);
    },
  });
  try {
    for (const t of targets) {
      if (await exists(t.path)) throw new InputError(t.path, 'already exists — unpack never overwrites; unpack into an empty folder');
    }
    createdDirs.push(...(await makeDir(dir, true)));
    if (bundle.modelNames.length > 0) createdDirs.unshift(...(await makeDir(join(dir, MODELS_DIR), false)));
    for (const t of targets) {
      if (signal?.aborted) throw toCanceledError(signal);
      t.temp = tempPathFor(t.path);
      const source = await bundle.openEntryStream(t.name, { verify: true });
      await pipeline(source, counter(), createWriteStream(t.temp, { flags: 'wx' }), signal ? { signal } : {});
    }
    if (signal?.aborted) throw toCanceledError(signal);
    for (const t of targets) {
      await commitNoClobber(t.temp, t.path);
      committed.push(t.path);
    }
    return targets.map((t) => t.path);
  } catch (err) {
    await Promise.all(targets.filter((t) => t.temp !== '').map((t) => discardTemp(t.temp)));
    await Promise.all(committed.map((path) => rm(path, { force: true }).catch(() => {})));
    // Deepest first; rmdir only removes a folder left empty, so nothing of anyone else's goes.
    for (const d of createdDirs) await rmdir(d).catch(() => {});
    if (signal?.aborted) throw toCanceledError(signal);
    throw err;
  } finally {
    await bundle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent is a file; makeDir then says so plainly.
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw err;
  }
}

/** Create `dir`; returns the folders this call created, deepest first. */
async function makeDir(dir: string, recursive: boolean): Promise<string[]> {
  const path = resolve(dir);
  try {
    if (!recursive) {
      if (await exists(path)) return [];
      await mkdir(path);
      return [path];
    }
    const first = await mkdir(path, { recursive: true });
    if (first === undefined) return [];
    const created: string[] = [];
    for (let p = path; ; p = dirname(p)) {
      created.push(p);
      if (p === resolve(first) || p === dirname(p)) break;
    }
    return created;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new InputError(dir, 'exists and is not a folder', { cause: err });
    throw err;
  }
}

/** Move a finished temp file to `target` unless something is already there (a hard link cannot clobber). */
export async function commitNoClobber(temp: string, target: string): Promise<void> {
  const clash = (cause: unknown): InputError => new InputError(target, 'appeared while unpacking — unpack never overwrites', { cause });
  try {
    await link(temp, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw clash(err);
    // Filesystems without hard links (FAT, some network mounts): a checked rename.
    if (await exists(target)) throw clash(err);
    await commitTemp(temp, target);
    return;
  }
  await discardTemp(temp);
}
