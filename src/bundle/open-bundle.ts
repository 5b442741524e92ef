/**
 * Reading a bundle. Bundles are untrusted input: every rule is checked when the bundle is
 * opened, before any entry is read, and every read is checked against `checksums.sha256`.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, Writable, pipeline } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import StreamZip from 'node-stream-zip';
import { InputError, toCanceledError } from '../io/index.js';
import { HashingStream, parseChecksums } from './checksums.js';
import {
  ALLOWED_NAMES_HINT,
  CHECKSUMS_ENTRY,
  MANIFEST_ENTRY,
  MAX_ENTRIES,
  MODELS_DIR,
  VIDEO_EXTENSIONS,
  entryKind,
  formatBytes,
  methodName,
  sizeLimit,
  unsafeNameReason,
  type BundleEntry,
  type EntryKind,
  type VideoEntryName,
} from './layout.js';
import { ZipStructureError, readAt, readCentralDirectoryEnd, readLocalHeader } from './zip-records.js';

export type OpenBundleOptions = {
  /** Check every entry's checksum before returning (streams the whole bundle once). */
  verify?: boolean;
  /** Stops the `verify` pass. */
  signal?: AbortSignal;
};

export type EntryStreamOptions = {
  /**
   * Hash the bytes as they pass; the stream fails with an InputError instead of ending when
   * they do not match `checksums.sha256`. A consumer learns this only at the end, after it has
   * used the bytes, so it must treat its own output as bad until the stream has ended cleanly.
   */
  verify?: boolean;
};

/** What a reader is about to do, for "refusing to …" messages. */
export type BundleAction = 'open' | 'unpack';

type StoredEntry = {
  name: string;
  kind: EntryKind;
  size: number;
  dataStart: number;
  /** From `checksums.sha256`; for the checksums entry itself, the hash of what was read. */
  sha256: string;
};

const ZIP_HOST_UNIX = 3;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const FLAG_ENCRYPTED = 0x1;

/**
 * An open bundle. Holds one file handle: call `close()` (or use `await using`).
 * @example
 * await using bundle = await openBundle('clip.duhdr.zip');
 * const manifest = JSON.parse(await bundle.manifestText());
 * const video = await bundle.openVideoStream({ verify: true });
 */
export class Bundle implements AsyncDisposable {
  /** The bundle's path, as given. */
  readonly file: string;
  /** The video entry, e.g. `video.mkv`. */
  readonly videoName: VideoEntryName;
  /** The video entry's size in bytes. */
  readonly videoSize: number;
  /** Model names without the `models/` prefix, in archive order. */
  readonly modelNames: readonly string[];
  /** Every entry in archive order, with the sha256 the bundle claims for it. */
  readonly entries: readonly BundleEntry[];
  #handle: FileHandle | null;
  readonly #byName: ReadonlyMap<string, StoredEntry>;

  /** @internal Use `openBundle`. */
  constructor(file: string, handle: FileHandle, entries: readonly StoredEntry[]) {
    this.file = file;
    this.#handle = handle;
    this.#byName = new Map(entries.map((e) => [e.name, e]));
    const video = entries.find((e) => e.kind === 'video');
    if (!video) throw new Error('Bundle needs a video entry'); // openBundle checked this
    this.videoName = video.name as VideoEntryName;
    this.videoSize = video.size;
    this.modelNames = entries.filter((e) => e.kind === 'model').map((e) => e.name.slice(MODELS_DIR.length));
    this.entries = entries.map(({ name, size, sha256 }) => ({ name, size, sha256 }));
  }

  /** The manifest as text, checked against its checksum and parsed once as JSON. */
  async manifestText(): Promise<string> {
    const bytes = await this.#readVerified(this.#entry(MANIFEST_ENTRY));
    const text = decodeUtf8(bytes);
    if (text === null) throw new InputError(this.file, `${MANIFEST_ENTRY} is not UTF-8 text`);
    try {
      JSON.parse(text);
    } catch (err) {
      throw new InputError(this.file, `${MANIFEST_ENTRY} is not valid JSON (${(err as Error).message})`, { cause: err });
    }
    return text;
  }

  /** A model's bytes (at most MAX_MODEL_BYTES), checked against its checksum. */
  async readModel(name: string): Promise<Buffer> {
    const entry = this.#byName.get(MODELS_DIR + name);
    if (entry?.kind !== 'model') {
      const held = this.modelNames.length > 0 ? this.modelNames.join(', ') : 'none';
      throw new InputError(this.file, `holds no model ${JSON.stringify(name)} (models: ${held})`);
    }
    return this.#readVerified(entry);
  }

  /**
   * The stored video's bytes, read straight from the archive (nothing is extracted).
   * @example (await bundle.openVideoStream({ verify: true })).pipe(ffmpeg.stdin)
   */
  async openVideoStream(options: EntryStreamOptions = {}): Promise<Readable> {
    return this.openEntryStream(this.videoName, options);
  }

  /** Any entry's bytes as a stream; see `openVideoStream`. */
  async openEntryStream(name: string, options: EntryStreamOptions = {}): Promise<Readable> {
    const entry = this.#entry(name);
    const raw = this.#rawStream(entry);
    if (!options.verify) return raw;
    const hasher = new HashingStream({ onFlush: (sha256, bytes) => this.#mismatch(entry, sha256, bytes) });
    // The callback form: errors reach the consumer through `hasher`; a consumer that stops
    // early (destroying `hasher`) also stops the file read.
    pipeline(raw, hasher, () => {});
    return hasher;
  }

  /** Check every entry against `checksums.sha256`, streaming; throws InputError naming the first bad entry. */
  async verify(options: { signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    for (const entry of this.#byName.values()) {
      if (entry.name === CHECKSUMS_ENTRY) continue; // parsed and hashed when opened
      if (signal?.aborted) throw toCanceledError(signal);
      const stream = await this.openEntryStream(entry.name, { verify: true });
      const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
      try {
        await pipelineAsync(stream, sink, signal ? { signal } : {});
      } catch (err) {
        if (signal?.aborted) throw toCanceledError(signal);
        throw err;
      }
    }
  }

  /** Release the file handle. Safe to call twice; streams still open fail. */
  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #entry(name: string): StoredEntry {
    const entry = this.#byName.get(name);
    if (!entry) throw new InputError(this.file, `has no entry ${JSON.stringify(name)}`);
    return entry;
  }

  #open(): FileHandle {
    if (!this.#handle) throw new Error(`${this.file}: bundle is closed`);
    return this.#handle;
  }

  #rawStream(entry: StoredEntry): Readable {
    const handle = this.#open();
    if (entry.size === 0) return Readable.from([], { objectMode: false });
    // Positional reads of exactly the entry's bytes. Not handle.createReadStream: destroying such
    // a stream (a reader that stops early) closes the shared handle whatever autoClose says.
    return positionalStream(handle, entry.dataStart, entry.size);
  }

  async #readVerified(entry: StoredEntry): Promise<Buffer> {
    const bytes = await readAt(this.#open(), entry.dataStart, entry.size);
    const problem = this.#mismatch(entry, sha256Hex(bytes), bytes.length);
    if (problem) throw problem;
    return bytes;
  }

  #mismatch(entry: StoredEntry, sha256: string, bytes: number): InputError | null {
    const q = JSON.stringify(entry.name);
    if (bytes !== entry.size) {
      return new InputError(this.file, `entry ${q} ended after ${bytes} of ${entry.size} bytes — the bundle is truncated`);
    }
    if (sha256 !== entry.sha256) {
      return new InputError(
        this.file,
        `entry ${q} does not match ${CHECKSUMS_ENTRY} (expected ${entry.sha256.slice(0, 12)}…, got ${sha256.slice(0, 12)}…) — the bundle is damaged or was altered`,
      );
    }
    return null;
  }
}

/**
 * Open a bundle, checking its layout (allowed names only, stored entries, size limits, no
 * links, no duplicates) and reading `checksums.sha256`. Entry data is checked as it is read,
 * or all at once with `{ verify: true }`.
 * @example const bundle = await openBundle('clip.duhdr.zip', { verify: true });
 */
export async function openBundle(file: string, options: OpenBundleOptions = {}): Promise<Bundle> {
  return openBundleFor(file, options, 'open');
}

/** `openBundle`, with messages that say what the caller was about to do. */
export async function openBundleFor(file: string, options: OpenBundleOptions, action: BundleAction): Promise<Bundle> {
  if (typeof file !== 'string' || file === '') throw new TypeError(`openBundle: file must be a non-empty string, got ${String(file)}`);
  const { signal } = options;
  if (signal?.aborted) throw toCanceledError(signal);
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? (err as Error).message})`;
    throw new InputError(file, why, { cause: err });
  }
  let bundle: Bundle;
  try {
    bundle = new Bundle(file, handle, await readLayout(file, handle, action));
  } catch (err) {
    await handle.close().catch(() => {});
    throw err;
  }
  if (options.verify) {
    try {
      await bundle.verify(signal ? { signal } : {});
    } catch (err) {
      await bundle.close().catch(() => {});
      throw err;
    }
  }
  return bundle;
}

/** Every structural rule, checked before a byte of entry data is used. */
async function readLayout(file: string, handle: FileHandle, action: BundleAction): Promise<StoredEntry[]> {
  const refuse = `refusing to ${action}`;
  const fail = (problem: string, cause?: unknown): InputError => new InputError(file, problem, cause === undefined ? undefined : { cause });
  const stats = await handle.stat();
  if (!stats.isFile()) throw fail('is not a regular file — expected a bundle (.zip)');

  let directory;
  try {
    directory = await readCentralDirectoryEnd(handle, stats.size);
  } catch (err) {
    if (err instanceof ZipStructureError) throw fail(err.message, err);
    throw err;
  }
  // Bounded before node-stream-zip parses the central directory, which it does whole.
  if (directory.entries > MAX_ENTRIES) {
    throw fail(`holds ${directory.entries} entries; a bundle holds at most ${MAX_ENTRIES} — ${refuse}`);
  }

  const listed = await listEntries(file, handle);
  if (listed.length !== directory.entries) {
    throw fail(`its central directory lists ${listed.length} entries but its end record says ${directory.entries} — the archive is damaged`);
  }

  const names = new Set<string>();
  const accepted: { zip: StreamZip.ZipEntry; kind: EntryKind }[] = [];
  for (const zip of listed) {
    const q = JSON.stringify(zip.name);
    const unsafe = unsafeNameReason(zip.name);
    if (unsafe) throw fail(`entry ${q} ${unsafe} — ${refuse}`);
    const kind = entryKind(zip.name);
    if (!kind) throw fail(`entry ${q} is not part of a duhdr bundle (${ALLOWED_NAMES_HINT}) — ${refuse}`);
    if (names.has(zip.name)) throw fail(`entry ${q} appears twice — ${refuse}`);
    names.add(zip.name);
    const mode = zip.attr >>> 16;
    if (zip.verMade >>> 8 === ZIP_HOST_UNIX && mode !== 0) {
      const type = mode & S_IFMT;
      if (type === S_IFLNK) throw fail(`entry ${q} is a symbolic link — ${refuse}`);
      if (type !== S_IFREG) throw fail(`entry ${q} is not a regular file (mode 0o${mode.toString(8)}) — ${refuse}`);
    }
    if (zip.flags & FLAG_ENCRYPTED) throw fail(`entry ${q} is encrypted — ${refuse}`);
    if (zip.method !== 0) {
      throw fail(`entry ${q} is compressed (method ${zip.method}, ${methodName(zip.method)}); bundle entries are stored uncompressed — ${refuse}`);
    }
    if (zip.compressedSize !== zip.size) {
      throw fail(`entry ${q} is stored but takes ${zip.compressedSize} bytes for ${zip.size} bytes of data — the archive is damaged`);
    }
    const limit = sizeLimit(kind);
    if (limit !== null && zip.size > limit) {
      throw fail(`entry ${q} is ${formatBytes(zip.size)}; a bundle's ${kind} may be at most ${formatBytes(limit)} — ${refuse}`);
    }
    accepted.push({ zip, kind });
  }

  if (!names.has(MANIFEST_ENTRY)) throw fail(`has no ${MANIFEST_ENTRY} — not a duhdr bundle, or it was damaged`);
  if (!names.has(CHECKSUMS_ENTRY)) throw fail(`has no ${CHECKSUMS_ENTRY}, so its contents cannot be checked — ${refuse}`);
  const videos = accepted.filter((a) => a.kind === 'video').map((a) => a.zip.name);
  if (videos.length === 0) throw fail(`has no video entry (expected one of ${VIDEO_EXTENSIONS.map((x) => `video${x}`).join(', ')})`);
  if (videos.length > 1) throw fail(`holds ${videos.length} videos (${videos.join(', ')}); a bundle holds exactly one — ${refuse}`);

  // Local headers: node-stream-zip would trust their method, and their lengths place the data.
  const located = new Map<string, { dataStart: number; size: number }>();
  let previousEnd = 0;
  for (const { zip } of [...accepted].sort((a, b) => a.zip.offset - b.zip.offset)) {
    const q = JSON.stringify(zip.name);
    let local;
    try {
      local = await readLocalHeader(handle, zip.offset);
    } catch (err) {
      if (err instanceof ZipStructureError) throw fail(`entry ${q}: the archive ${err.message} — it is damaged`, err);
      throw err;
    }
    if (!local.name.equals(Buffer.from(zip.name, 'utf8'))) {
      throw fail(`entry ${q} is named ${JSON.stringify(local.name.toString('utf8'))} in its local header — the archive is inconsistent; ${refuse}`);
    }
    if (local.method !== 0) {
      throw fail(`entry ${q} is compressed (method ${local.method}, ${methodName(local.method)}) in its local header; bundle entries are stored uncompressed — ${refuse}`);
    }
    if (local.flags & FLAG_ENCRYPTED) throw fail(`entry ${q} is encrypted — ${refuse}`);
    if (zip.offset < previousEnd) throw fail(`entry ${q} overlaps the entry before it — the archive is crafted or damaged; ${refuse}`);
    const end = local.dataStart + zip.size;
    if (end > directory.offset) throw fail(`entry ${q} runs past the start of the central directory — the archive is truncated or damaged`);
    previousEnd = end;
    located.set(zip.name, { dataStart: local.dataStart, size: zip.size });
  }

  const sums = await readChecksums(file, handle, located.get(CHECKSUMS_ENTRY), refuse);
  const entries: StoredEntry[] = [];
  for (const { zip, kind } of accepted) {
    const place = located.get(zip.name);
    if (!place) throw new Error(`entry ${zip.name} was not located`);
    const sha256 = zip.name === CHECKSUMS_ENTRY ? sums.ownSha256 : sums.byName.get(zip.name);
    if (sha256 === undefined) throw fail(`entry ${JSON.stringify(zip.name)} has no line in ${CHECKSUMS_ENTRY}, so it cannot be checked — ${refuse}`);
    entries.push({ name: zip.name, kind, size: place.size, dataStart: place.dataStart, sha256 });
  }
  for (const name of sums.byName.keys()) {
    if (name === CHECKSUMS_ENTRY) throw fail(`${CHECKSUMS_ENTRY} lists itself — it cannot hold its own checksum`);
    if (!names.has(name)) throw fail(`${CHECKSUMS_ENTRY} lists ${JSON.stringify(name)}, which the bundle does not hold — it is incomplete`);
  }
  return entries;
}

/** Central directory entries in archive order, duplicates kept (node-stream-zip's map would merge them). */
async function listEntries(file: string, handle: FileHandle): Promise<StreamZip.ZipEntry[]> {
  // node-stream-zip reads our handle's fd; it is never closed through it (we close the handle),
  // which is why `zip.close()` is not called. Names are validated here, not by the library,
  // so messages can say exactly what is wrong.
  const zip = new StreamZip.async({ fd: handle.fd, storeEntries: false, skipEntryNameValidation: true });
  const listed: StreamZip.ZipEntry[] = [];
  zip.on('entry', (entry) => listed.push(entry));
  try {
    await zip.entriesCount;
  } catch (err) {
    throw new InputError(file, `is not a readable zip archive (${(err as Error).message})`, { cause: err });
  }
  return listed;
}

async function readChecksums(
  file: string,
  handle: FileHandle,
  place: { dataStart: number; size: number } | undefined,
  refuse: string,
): Promise<{ byName: Map<string, string>; ownSha256: string }> {
  if (!place) throw new Error('checksums entry was not located');
  const bytes = await readAt(handle, place.dataStart, place.size);
  if (bytes.length !== place.size) throw new InputError(file, `${CHECKSUMS_ENTRY} is truncated`);
  const text = decodeUtf8(bytes);
  if (text === null) throw new InputError(file, `${CHECKSUMS_ENTRY} is not UTF-8 text — ${refuse}`);
  const parsed = parseChecksums(text);
  if (!parsed.ok) throw new InputError(file, `${CHECKSUMS_ENTRY} ${parsed.problem} — ${refuse}`);
  return { byName: parsed.sums, ownSha256: sha256Hex(bytes) };
}

function decodeUtf8(bytes: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A stream of `length` bytes at `start` of an open file, read positionally; never closes the handle. */
function positionalStream(handle: FileHandle, start: number, length: number, chunk = 1 << 20): Readable {
  let offset = 0;
  return new Readable({
    highWaterMark: chunk,
    read(): void {
      const n = Math.min(chunk, length - offset);
      if (n <= 0) {
        this.push(null);
        return;
      }
      const buf = Buffer.allocUnsafe(n);
      handle.read(buf, 0, n, start + offset).then(
        ({ bytesRead }) => {
          if (bytesRead === 0) {
            this.destroy(new Error(`unexpected end of file at byte ${start + offset}`));
            return;
          }
          offset += bytesRead;
          this.push(bytesRead === n ? buf : buf.subarray(0, bytesRead));
        },
        (err: unknown) => this.destroy(err as Error),
      );
    },
  });
}
