/** Writing a bundle: stored entries, hashed while they stream, committed atomically. */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { InputError, OptionError, checkWritableOutput, commitTemp, discardTemp, tempPathFor, toCanceledError } from '../io/index.js';
import { HashingStream, formatChecksums } from './checksums.js';
import {
  CHECKSUMS_ENTRY,
  MANIFEST_ENTRY,
  MAX_ENTRIES,
  MAX_MANIFEST_BYTES,
  MAX_MODEL_BYTES,
  MAX_MODEL_NAME_LENGTH,
  MODELS_DIR,
  VIDEO_EXTENSIONS,
  formatBytes,
  isModelName,
  videoEntryFor,
  type BundleEntry,
} from './layout.js';

export type BundleModel = {
  /** The model file to store. */
  path: string;
  /** Its name in the bundle, stored as `models/<name>`: letters, digits, `.`, `_`, `-`. */
  name: string;
};

export type BundleProgress = {
  /** Entry bytes written so far. */
  bytesWritten: number;
  /** Entry bytes to write in all (manifest, video and models; zip headers not counted). */
  totalBytes: number;
};

export type CreateBundleOptions = {
  /** The bundle to write; replaced atomically on success, untouched on failure. */
  output: string;
  /** The SDR video file (.mkv, .mp4 or .webm); stored as `video.<ext>`. */
  video: string;
  /** The restoration manifest: JSON text, at most MAX_MANIFEST_BYTES. */
  manifest: string | Buffer;
  models?: readonly BundleModel[];
  signal?: AbortSignal;
  /** Called as entry bytes are written (once per chunk read). */
  onProgress?: (progress: BundleProgress) => void;
  /** Write zip64 records even where sizes do not need them (lets tests exercise zip64 readers). */
  forceZip64?: boolean;
};

export type CreatedBundle = {
  output: string;
  /** Size of the written bundle file. */
  bytes: number;
  /** Every entry in archive order, `checksums.sha256` last. */
  entries: BundleEntry[];
};

type ValidOptions = {
  output: string;
  video: string;
  videoEntry: string;
  manifest: Buffer;
  models: readonly BundleModel[];
  signal: AbortSignal | undefined;
  onProgress: ((progress: BundleProgress) => void) | undefined;
  forceZip64: boolean;
};

/**
 * Write a bundle: `manifest.json`, `video.<ext>`, `models/*` and `checksums.sha256`, all stored
 * (uncompressed), into a temp file beside `output` that is renamed into place on success.
 * Files are streamed, never read whole; zip64 records are written where sizes need them.
 * @example
 * await createBundle({ output: 'clip.duhdr.zip', video: 'clip-sdr.mkv', manifest: JSON.stringify(m),
 *   models: [{ path: 'forward.onnx', name: 'forward.onnx' }] });
 */
export async function createBundle(options: CreateBundleOptions): Promise<CreatedBundle> {
  const o = validateOptions(options);
  const { signal } = o;
  if (signal?.aborted) throw toCanceledError(signal);
  await checkWritableOutput(o.output, [o.video, ...o.models.map((m) => m.path)]);
  const videoSize = await regularFileSize(o.video);
  const modelSizes: number[] = [];
  for (const model of o.models) {
    const size = await regularFileSize(model.path);
    if (size > MAX_MODEL_BYTES) {
      throw new InputError(model.path, `is ${formatBytes(size)}; a bundled model may be at most ${formatBytes(MAX_MODEL_BYTES)}`);
    }
    modelSizes.push(size);
  }
  if (signal?.aborted) throw toCanceledError(signal);

  const files = [
    { path: o.video, name: o.videoEntry, size: videoSize },
    ...o.models.map((m, i) => ({ path: m.path, name: MODELS_DIR + m.name, size: modelSizes[i] ?? 0 })),
  ];
  const totalBytes = o.manifest.length + files.reduce((sum, f) => sum + f.size, 0);
  let bytesWritten = o.manifest.length;

  // The first failure wins; aborting `stop` tears the output pipeline down.
  const stop = new AbortController();
  let failure: unknown = null;
  const fail = (err: unknown): void => {
    failure ??= err;
    stop.abort(err);
  };
  const onAbort = (): void => fail(toCanceledError(signal as AbortSignal));
  signal?.addEventListener('abort', onAbort, { once: true });

  const zip = new ZipFile();
  const common = { compress: false, mtime: new Date(), mode: 0o100644, forceZip64Format: o.forceZip64 };
  // Filled in archive order; the checksums entry is built from it once every file is written.
  const entries: BundleEntry[] = [{ name: MANIFEST_ENTRY, size: o.manifest.length, sha256: sha256Hex(o.manifest) }];
  const open = new Set<Readable>();
  let current = o.video;
  zip.addBuffer(o.manifest, MANIFEST_ENTRY, common);
  for (const file of files) {
    // yazl asks for each stream only when the entries before it are written: one file open at a time.
    zip.addReadStreamLazy(file.name, { ...common, size: file.size }, (callback) => {
      if (stop.signal.aborted) return;
      current = file.path;
      const source = createReadStream(file.path);
      const hasher = new HashingStream({
        onChunk: (n) => {
          bytesWritten += n;
          o.onProgress?.({ bytesWritten, totalBytes });
        },
      });
      open.add(source).add(hasher);
      source.on('error', (err) => fail(readError(file.path, err)));
      // yazl does not listen for errors on streams it is given.
      hasher.on('error', fail);
      hasher.on('end', () => {
        entries.push({ name: file.name, size: hasher.bytes, sha256: hasher.sha256 });
        open.delete(source);
        open.delete(hasher);
      });
      source.pipe(hasher);
      callback(null, hasher);
    });
  }
  let checksumsEntry: BundleEntry | null = null;
  zip.addReadStreamLazy(CHECKSUMS_ENTRY, common, (callback) => {
    if (stop.signal.aborted) return;
    if (entries.length !== files.length + 1) {
      fail(new Error(`createBundle: ${entries.length} of ${files.length + 1} entries were hashed before ${CHECKSUMS_ENTRY}`));
      return;
    }
    const text = Buffer.from(formatChecksums(entries), 'utf8');
    checksumsEntry = { name: CHECKSUMS_ENTRY, size: text.length, sha256: sha256Hex(text) };
    callback(null, new PassThrough().end(text));
  });
  // yazl reports a stream that gave more or fewer bytes than its size (a file that changed).
  zip.on('error', (err: Error) => fail(new InputError(current, `changed while it was being bundled (${err.message})`, { cause: err })));
  zip.end({ forceZip64Format: o.forceZip64, comment: '' });

  const temp = tempPathFor(o.output);
  const out = createWriteStream(temp, { flags: 'wx' });
  try {
    await pipeline(zip.outputStream, out, { signal: stop.signal });
    if (failure !== null) throw failure;
    if (signal?.aborted) throw toCanceledError(signal);
    if (!checksumsEntry) throw new Error(`createBundle: ${CHECKSUMS_ENTRY} was not written`);
    const { size } = await stat(temp);
    await commitTemp(temp, o.output);
    return { output: o.output, bytes: size, entries: [...entries, checksumsEntry] };
  } catch (err) {
    for (const stream of open) stream.destroy();
    // The temp file may still be opening; remove it only once the stream has let go of it.
    if (!out.closed) await new Promise<void>((resolve) => out.destroy().once('close', () => resolve()));
    await discardTemp(temp);
    throw failure ?? err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function validateOptions(options: CreateBundleOptions): ValidOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`createBundle: options must be an object, got ${String(options)}`);
  const { output, video, manifest, models = [], signal, onProgress, forceZip64 = false } = options;
  if (typeof output !== 'string' || output === '') throw new TypeError(`options.output must be a non-empty string, got ${String(output)}`);
  if (typeof video !== 'string' || video === '') throw new TypeError(`options.video must be a non-empty string, got ${String(video)}`);
  const videoEntry = videoEntryFor(extname(video));
  if (!videoEntry) {
    throw new OptionError(`options.video must be a ${VIDEO_EXTENSIONS.join(', ')} file, got ${JSON.stringify(video)}`);
  }
  if (typeof manifest !== 'string' && !Buffer.isBuffer(manifest)) {
    throw new TypeError(`options.manifest must be a string or Buffer, got ${typeof manifest}`);
  }
  const manifestBytes = typeof manifest === 'string' ? Buffer.from(manifest, 'utf8') : manifest;
  if (manifestBytes.length > MAX_MANIFEST_BYTES) {
    throw new OptionError(`options.manifest is ${formatBytes(manifestBytes.length)}; a bundle manifest may be at most ${formatBytes(MAX_MANIFEST_BYTES)}`);
  }
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes));
  } catch (err) {
    throw new OptionError(`options.manifest must be JSON text (${(err as Error).message})`, { cause: err });
  }
  if (!Array.isArray(models)) throw new TypeError(`options.models must be an array, got ${typeof models}`);
  const maxModels = MAX_ENTRIES - 3; // manifest, video, checksums
  if (models.length > maxModels) throw new OptionError(`options.models holds ${models.length} models; a bundle holds at most ${maxModels}`);
  const seen = new Set<string>();
  for (const [i, model] of models.entries()) {
    const where = `options.models[${i}]`;
    if (typeof model !== 'object' || model === null || typeof model.path !== 'string' || typeof model.name !== 'string') {
      throw new TypeError(`${where} must be { path: string, name: string }`);
    }
    if (!isModelName(model.name)) {
      throw new OptionError(
        `${where}.name must be a plain file name (letters, digits, '.', '_', '-', not starting with '.', at most ${MAX_MODEL_NAME_LENGTH} characters), got ${JSON.stringify(model.name)}`,
      );
    }
    if (seen.has(model.name)) throw new OptionError(`${where}.name ${JSON.stringify(model.name)} is used by an earlier model`);
    seen.add(model.name);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('options.signal must be an AbortSignal');
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError('options.onProgress must be a function');
  return { output, video, videoEntry, manifest: manifestBytes, models, signal, onProgress, forceZip64: Boolean(forceZip64) };
}

async function regularFileSize(path: string): Promise<number> {
  let stats;
  try {
    stats = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(path, code === 'ENOENT' ? 'no such file' : `cannot be read (${code})`, { cause: err });
  }
  if (!stats.isFile()) throw new InputError(path, 'is not a regular file');
  return stats.size;
}

function readError(path: string, err: NodeJS.ErrnoException): InputError {
  const why = err.code === 'ENOENT' ? 'disappeared while it was being bundled' : `could not be read (${err.code ?? err.message})`;
  return new InputError(path, why, { cause: err });
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
