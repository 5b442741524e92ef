/**
 * What a bundle may hold: entry names, their kinds and the limits a reader enforces.
 * Everything a bundle reader accepts is decided here, so the rules sit in one place.
 */

/** The restoration manifest (JSON text). */
export const MANIFEST_ENTRY = 'manifest.json';
/** `sha256hex  name` per other entry, as `sha256sum` prints; written last. */
export const CHECKSUMS_ENTRY = 'checksums.sha256';
/** Folder for model files: `models/<name>`. */
export const MODELS_DIR = 'models/';
/** The SDR video is stored as `video<ext>` with one of these extensions. */
export const VIDEO_EXTENSIONS = ['.mkv', '.mp4', '.webm'] as const;
export type VideoExtension = (typeof VIDEO_EXTENSIONS)[number];
export type VideoEntryName = `video${VideoExtension}`;

/** Largest manifest a bundle may carry (16 MiB); it is read into memory whole. */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** Largest model file a bundle may carry (256 MiB); `readModel` returns it as one Buffer. */
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;
/** Largest checksums file (64 KiB): 64 lines of at most ~200 bytes fit with room to spare. */
export const MAX_CHECKSUMS_BYTES = 64 * 1024;
/** Most entries a bundle may hold, all kinds together. */
export const MAX_ENTRIES = 64;
/** Most characters in a model name (the part after `models/`). */
export const MAX_MODEL_NAME_LENGTH = 128;
/**
 * A model name: a letter or digit, then letters, digits, `.`, `_`, `-`. No folders, no leading
 * dot, so it can never name anything but a plain file inside `models/`.
 */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export type EntryKind = 'manifest' | 'video' | 'model' | 'checksums';

/** True when `name` is a valid model name (without the `models/` prefix). */
export function isModelName(name: string): boolean {
  return name.length <= MAX_MODEL_NAME_LENGTH && MODEL_NAME_PATTERN.test(name);
}

/** The video entry name for a video file's extension, or null if the container is not allowed. */
export function videoEntryFor(extension: string): VideoEntryName | null {
  const ext = extension.toLowerCase();
  return (VIDEO_EXTENSIONS as readonly string[]).includes(ext) ? (`video${ext}` as VideoEntryName) : null;
}

/**
 * Why an entry name could reach outside the folder a bundle is unpacked into, or null when it
 * cannot. Checked before the allow-list so the message names the real danger.
 * @example unsafeNameReason('../evil') → 'escapes the bundle'
 */
export function unsafeNameReason(name: string): string | null {
  if (name.length === 0) return 'has an empty name';
  if (name.includes('\0')) return 'has a NUL byte in its name';
  if (name.includes('\\')) return 'has a backslash in its name';
  if (name.startsWith('/')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  if (name.split('/').includes('..')) return 'escapes the bundle';
  return null;
}

/** The kind of an allowed entry name, or null for any name a bundle may not hold. */
export function entryKind(name: string): EntryKind | null {
  if (name === MANIFEST_ENTRY) return 'manifest';
  if (name === CHECKSUMS_ENTRY) return 'checksums';
  // Exact, lower-case names only: 'video.MKV' would unpack to a different file on some systems.
  if (name.startsWith('video') && videoEntryFor(name.slice('video'.length)) === name) return 'video';
  if (name.startsWith(MODELS_DIR) && isModelName(name.slice(MODELS_DIR.length))) return 'model';
  return null;
}

/** The size limit for an entry kind, or null where there is none (the video). */
export function sizeLimit(kind: EntryKind): number | null {
  switch (kind) {
    case 'manifest':
      return MAX_MANIFEST_BYTES;
    case 'model':
      return MAX_MODEL_BYTES;
    case 'checksums':
      return MAX_CHECKSUMS_BYTES;
    case 'video':
      return null;
  }
}

/** One line for messages listing what a bundle may hold. */
export const ALLOWED_NAMES_HINT = `expected ${MANIFEST_ENTRY}, video${VIDEO_EXTENSIONS.join('|')}, ${MODELS_DIR}<name> or ${CHECKSUMS_ENTRY}`;

/** Binary sizes in messages: 16 MiB, 300 KiB, 12 bytes. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KiB`;
  return `${bytes} bytes`;
}

/** One entry of a bundle: its name, size in bytes and hex sha256. */
export type BundleEntry = { name: string; size: number; sha256: string };

/** Compression method names for messages (APPNOTE.TXT 4.4.5). */
export function methodName(method: number): string {
  const names: Record<number, string> = { 8: 'deflate', 9: 'deflate64', 12: 'bzip2', 14: 'lzma', 93: 'zstd', 95: 'xz' };
  return names[method] ?? 'unknown';
}
