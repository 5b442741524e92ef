import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  InputError, MANIFEST_ATTACHMENT_NAME, ManagedChild, binaries, commitTemp, discardTemp, followProgressReport, log, probe, runFfprobe,
  tempPathFor,
  type MediaInfo,
} from '../io/index.js';
import { MANIFEST_MAX_BYTES } from './manifest.js';
import type { ByteCount } from './progress.js';

/** File name of the Matroska attachment that carries the manifest. */
export const MANIFEST_ATTACHMENT = MANIFEST_ATTACHMENT_NAME;
/** MP4 global tag that carries the manifest (gzip + base64). */
export const MANIFEST_TAG = 'duhdr_manifest';

export type ManifestCarrier = 'attachment' | 'tag';

/** How a container carries the manifest, or why it cannot. */
export function manifestCarrierFor(file: string): ManifestCarrier {
  const ext = extname(file).toLowerCase();
  if (ext === '.mkv') return 'attachment';
  if (ext === '.mp4' || ext === '.mov' || ext === '.m4v') return 'tag';
  throw new InputError(file, `cannot carry duhdr's manifest in ${ext ? `a ${ext} file` : 'a file without an extension'} — use .mkv (attachment) or .mp4 (metadata tag)`);
}

/** What {@link embedManifest} takes besides the files. */
export type EmbedOptions = {
  signal?: AbortSignal;
  /** Attachments `video` already holds, when the caller knows (saves a probe). */
  knownAttachments?: number;
  /**
   * Bytes of the output written so far, against `video`'s size, from ffmpeg's `-progress`
   * report (about twice a second), and once more with all of them when the output is complete.
   * A film's remux is tens of seconds of copying.
   */
  onProgress?: (p: ByteCount) => void;
};

/**
 * Remux `video` into `output` (stream copy, no re-encoding) with the manifest embedded: a
 * Matroska attachment, or a gzip+base64 MP4 tag. Atomic: temp file, then rename.
 */
export async function embedManifest(video: string, output: string, manifestText: string, options: EmbedOptions = {}): Promise<void> {
  const { signal, onProgress } = options;
  const carrier = manifestCarrierFor(output);
  const temp = tempPathFor(output);
  const work = await mkdtemp(join(tmpdir(), 'duhdr-manifest-'));
  try {
    const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-i', video, '-map', '0', '-c', 'copy'];
    if (carrier === 'attachment') {
      const file = join(work, MANIFEST_ATTACHMENT);
      await writeFile(file, manifestText);
      // New attachments are numbered after the ones copied from the source (fonts).
      const t = options.knownAttachments ?? (await probe(video, { countFrames: false, ...(signal ? { signal } : {}) })).attachments.length;
      args.push('-attach', file, `-metadata:s:t:${t}`, 'mimetype=application/json', `-metadata:s:t:${t}`, `filename=${MANIFEST_ATTACHMENT}`);
    } else {
      // `-map 0` reads the chapters' text track back as a data stream (written again as a bogus
      // 'gpmd' track beside the new chapters): drop it. The file is written anew, so the colr
      // box is asked for again (see FrameWriter); HEVC's hvc1 entry carries over with the copy.
      args.push('-map', '-0:d', '-movflags', '+use_metadata_tags+faststart+write_colr', '-metadata', `${MANIFEST_TAG}=${gzipSync(manifestText).toString('base64')}`);
    }
    const totalBytes = onProgress ? (await stat(video)).size : 0;
    if (onProgress) {
      args.push('-progress', 'pipe:1');
      onProgress({ bytesWritten: 0, totalBytes }); // the copy's clock starts here
    }
    args.push('-y', temp);
    const child = new ManagedChild(binaries().ffmpeg.path, args, {
      label: `embedding the manifest in ${output}`, signal, stdio: ['ignore', onProgress ? 'pipe' : 'ignore', 'pipe'],
    });
    log.command(child.command);
    if (onProgress) {
      // The copy writes about what it reads (headers and the manifest aside): capped at the total.
      followProgressReport(child.process.stdout!, child, (key, value) => {
        if (key === 'total_size' && /^\d+$/.test(value)) onProgress({ bytesWritten: Math.min(Number(value), totalBytes), totalBytes });
      });
    }
    await child.done;
    onProgress?.({ bytesWritten: totalBytes, totalBytes });
    await commitTemp(temp, output);
  } catch (err) {
    await discardTemp(temp);
    throw err;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Bytes of an `ffprobe -show_data` hex dump ("00000000: 7b22 6964 ...  {"id"). */
export function parseHexDump(dump: string): Buffer {
  const hex: string[] = [];
  for (const line of dump.split('\n')) {
    const m = /^[0-9a-f]{8}: (.{39})/.exec(line) ?? /^[0-9a-f]{8}: ([0-9a-f ]+?)(?: {2}|$)/.exec(line);
    if (m?.[1]) hex.push(m[1].replace(/ /g, ''));
  }
  return Buffer.from(hex.join(''), 'hex');
}

/**
 * The manifest text embedded in a file by `embedManifest`, or null when it carries none.
 * Sizes are checked before anything is decoded (the file is untrusted).
 */
export async function readEmbeddedManifest(file: string, signal?: AbortSignal, probed?: MediaInfo): Promise<string | null> {
  const info = probed ?? (await probe(file, { countFrames: false, ...(signal ? { signal } : {}) }));
  const attachment = info.attachments.find((a) => a.filename === MANIFEST_ATTACHMENT);
  if (attachment) {
    if (attachment.size > MANIFEST_MAX_BYTES) {
      throw new InputError(file, `embedded manifest is ${attachment.size} bytes, more than the ${MANIFEST_MAX_BYTES} allowed`);
    }
    const out = await runFfprobe(
      file,
      ['-select_streams', String(attachment.index), '-show_entries', 'stream=extradata', '-show_data', '-of', 'json'],
      { signal, maxBytes: 5 * MANIFEST_MAX_BYTES },
    );
    const stream = (JSON.parse(out) as { streams?: { extradata?: string }[] }).streams?.[0];
    return parseHexDump(stream?.extradata ?? '').toString('utf8');
  }
  const out = await runFfprobe(file, ['-show_entries', `format_tags=${MANIFEST_TAG}`, '-of', 'json'], { signal, maxBytes: 2 * MANIFEST_MAX_BYTES });
  const tagValue = (JSON.parse(out) as { format?: { tags?: Record<string, string> } }).format?.tags?.[MANIFEST_TAG];
  if (tagValue === undefined) return null;
  try {
    // maxOutputLength bounds the inflated size: a tiny tag cannot expand into a huge manifest.
    return gunzipSync(Buffer.from(tagValue, 'base64'), { maxOutputLength: MANIFEST_MAX_BYTES }).toString('utf8');
  } catch (err) {
    throw new InputError(file, `embedded manifest tag is not valid gzip+base64 or exceeds ${MANIFEST_MAX_BYTES} bytes`, { cause: err });
  }
}
