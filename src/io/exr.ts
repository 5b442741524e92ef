import { readFile } from 'node:fs/promises';
import parseExr from 'parse-exr';
import { InputError } from './errors.js';

/** A linear-light RGB image as three Float32 planes, top row first. */
export type LinearImage = { width: number; height: number; r: Float32Array; g: Float32Array; b: Float32Array };

const FLOAT_TYPE = 1015;
const RED_FORMAT = 1028;

/**
 * Read an OpenEXR file into planar linear RGB (relative radiance, as stored). Uses parse-exr,
 * which decodes the shared EXRs as OpenImageIO does and does not depend on the ffmpeg build.
 * NaN, infinities and negatives become 0 (they carry no light and break PQ encoding).
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
  if (data.length !== width * height * channels) {
    throw new InputError(file, `decoded ${data.length} samples, expected ${width * height * channels}`);
  }
  const n = width * height;
  const r = new Float32Array(n);
  const g = new Float32Array(n);
  const b = new Float32Array(n);
  const clean = (v: number): number => (v > 0 && v < Infinity ? v : 0);
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
