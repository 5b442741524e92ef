// Dataset sources: files, directories (walked recursively, sorted) and .zip archives (read
// entry by entry with node-stream-zip; an entry is held in memory only while it is decoded).

import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, relative, sep } from 'node:path';
import StreamZip from 'node-stream-zip';
import { InputError, UnsupportedInputError } from '../../io/index.js';

/** One image or video inside a source. */
export type SourceEntry = {
  /** Stable name: the path relative to the directory or archive (a bare file: its base name). */
  name: string;
  /** What error messages call it: a path, or "archive.zip:entry". */
  label: string;
  /** Lower-case extension with the dot. */
  ext: string;
  /** The bytes (an archive entry is inflated into memory). */
  read(): Promise<Buffer>;
  /**
   * Runs `fn` with a path on disk (tools that seek, like ffmpeg on MP4, need one): the file itself,
   * or for an archive entry that one entry extracted to a temporary file, removed afterwards.
   */
  withPath<T>(fn: (path: string) => Promise<T>): Promise<T>;
};

export type SourceList = { entries: SourceEntry[]; close(): Promise<void> };

function fileEntry(path: string, name: string): SourceEntry {
  return {
    name,
    label: path,
    ext: extname(path).toLowerCase(),
    async read() {
      try {
        return await readFile(path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new InputError(path, code === 'ENOENT' ? 'no such file' : `cannot read (${code})`, { cause: err });
      }
    },
    withPath: (fn) => fn(path),
  };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const items = await readdir(dir, { withFileTypes: true });
  items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const it of items) {
    if (it.name.startsWith('.')) continue;
    const p = join(dir, it.name);
    if (it.isDirectory()) out.push(...(await walk(p)));
    else if (it.isFile()) out.push(p);
  }
  return out;
}

async function zipEntries(archive: string, accept: ReadonlySet<string>, prefix: string): Promise<{ entries: SourceEntry[]; zip: InstanceType<typeof StreamZip.async> }> {
  let zip: InstanceType<typeof StreamZip.async>;
  let listing: Record<string, StreamZip.ZipEntry>;
  try {
    zip = new StreamZip.async({ file: archive, storeEntries: true });
    listing = await zip.entries();
  } catch (err) {
    throw new InputError(archive, `not a readable zip archive (${(err as Error).message})`, { cause: err });
  }
  const names = Object.values(listing)
    .filter((e) => e.isFile && !basename(e.name).startsWith('.') && accept.has(extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort();
  const entries = names.map((entryName): SourceEntry => {
    const label = `${archive}:${entryName}`;
    return {
      name: prefix + entryName,
      label,
      ext: extname(entryName).toLowerCase(),
      async read() {
        try {
          return await zip.entryData(entryName);
        } catch (err) {
          throw new InputError(label, `cannot read the archive entry (${(err as Error).message})`, { cause: err });
        }
      },
      async withPath(fn) {
        const dir = await mkdtemp(join(tmpdir(), 'duhdr-entry-'));
        try {
          const p = join(dir, basename(entryName));
          try {
            await zip.extract(entryName, p);
          } catch (err) {
            throw new InputError(label, `cannot extract the archive entry (${(err as Error).message})`, { cause: err });
          }
          return await fn(p);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
  });
  return { entries, zip };
}

/**
 * Lists the entries with an accepted extension in `sources` (files, directories, .zip archives;
 * a directory's .zip files are opened too). A missing path or an explicitly named file of another
 * kind is an InputError naming it. Call close() when done (closes the archives).
 *
 * @example const { entries, close } = await listSources(['data/hdr', 'more.zip'], new Set(['.exr']));
 */
export async function listSources(sources: readonly string[], accept: ReadonlySet<string>): Promise<SourceList> {
  const entries: SourceEntry[] = [];
  const zips: InstanceType<typeof StreamZip.async>[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(zips.map((z) => z.close().catch(() => {})));
  };
  try {
    for (const src of sources) {
      let st;
      try {
        st = await stat(src);
      } catch (err) {
        throw new InputError(src, 'no such file or directory', { cause: err });
      }
      if (st.isDirectory()) {
        for (const p of await walk(src)) {
          const rel = relative(src, p).split(sep).join('/');
          const ext = extname(p).toLowerCase();
          if (ext === '.zip') {
            const z = await zipEntries(p, accept, `${rel}/`);
            zips.push(z.zip);
            entries.push(...z.entries);
          } else if (accept.has(ext)) {
            entries.push(fileEntry(p, rel));
          }
        }
      } else {
        const ext = extname(src).toLowerCase();
        if (ext === '.zip') {
          const z = await zipEntries(src, accept, '');
          zips.push(z.zip);
          entries.push(...z.entries);
        } else if (accept.has(ext)) {
          entries.push(fileEntry(src, basename(src)));
        } else {
          throw new UnsupportedInputError(src, `is not a dataset file (expected a directory, .zip or ${[...accept].join(', ')})`);
        }
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { entries, close };
}
