import { readFile } from 'node:fs/promises';
import parseExr from 'parse-exr';
import { InputError } from './errors.js';

/** A linear-light RGB image as three Float32 planes, top row first. */
export type LinearImage = { width: number; height: number; r: Float32Array; g: Float32Array; b: Float32Array };

const FLOAT_TYPE = 1015;
const RED_FORMAT = 1028;

const clean = (v: number): number => (v > 0 && v < Infinity ? v : 0);

/**
 * OpenEXR bytes (a file's, or one zip entry's) → linear planes: parse-exr, which decodes the
 * shared EXRs as OpenImageIO does and does not depend on the ffmpeg build. NaN, infinities and
 * negatives become 0 (they carry no light and break PQ encoding); rows come top-first.
 */
export function decodeExr(bytes: Uint8Array, file: string): LinearImage {
  checkExrHeader(bytes, file);
  let parsed: ReturnType<typeof parseExr>;
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    parsed = parseExr(ab, FLOAT_TYPE);
  } catch (err) {
    throw new InputError(file, `not a readable OpenEXR image (${(err as Error).message})`, { cause: err });
  }
  const { width, height } = parsed;
  const data = parsed.data as Float32Array;
  const channels = parsed.format === RED_FORMAT ? 1 : 4;
  if (!(width > 0 && height > 0) || data.length !== width * height * channels) {
    throw new InputError(file, `not a readable OpenEXR image (decoded ${data.length} samples for ${width}x${height}x${channels})`);
  }
  const n = width * height;
  const r = new Float32Array(n);
  const g = new Float32Array(n);
  const b = new Float32Array(n);
  // parse-exr returns rows bottom-up (a GL texture's origin); flip to top-down.
  for (let y = 0; y < height; y++) {
    const src = (height - 1 - y) * width * channels;
    const dst = y * width;
    for (let x = 0; x < width; x++) {
      const s = src + x * channels;
      r[dst + x] = clean(data[s]!);
      g[dst + x] = clean(data[s + (channels === 1 ? 0 : 1)]!);
      b[dst + x] = clean(data[s + (channels === 1 ? 0 : 2)]!);
    }
  }
  return { width, height, r, g, b };
}

/**
 * Walks the EXR header's attribute list (name, type, size, value … up to an empty name) within
 * the buffer. parse-exr trusts it and can loop forever on a damaged one; this turns that into an
 * error naming the file.
 */
function checkExrHeader(bytes: Uint8Array, file: string): void {
  const bad = (why: string): InputError => new InputError(file, `not a readable OpenEXR image (${why})`);
  if (bytes.length < 8 || bytes[0] !== 0x76 || bytes[1] !== 0x2f || bytes[2] !== 0x31 || bytes[3] !== 0x01) throw bad('no OpenEXR signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 8;
  const cstring = (): number => {
    const end = bytes.indexOf(0, o);
    if (end < 0 || end - o > 255) throw bad('damaged header');
    const len = end - o;
    o = end + 1;
    return len;
  };
  for (let attrs = 0; ; attrs++) {
    if (attrs > 1024) throw bad('damaged header');
    if (cstring() === 0) return;
    if (cstring() === 0) throw bad('damaged header');
    if (o + 4 > bytes.length) throw bad('header runs past the end of the file');
    const size = view.getInt32(o, true);
    o += 4 + size;
    if (size < 0 || o > bytes.length) throw bad('header runs past the end of the file');
  }
}

/**
 * Read an OpenEXR file into planar linear RGB (relative radiance, as stored).
 *
 * @example const img = await readExr('scene.exr'); console.log(img.width, img.r[0]);
 */
export async function readExr(file: string): Promise<LinearImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, code === 'ENOENT' ? 'no such file' : `cannot read (${code})`, { cause: err });
  }
  return decodeExr(bytes, file);
}
