// HDR still-image decoding from memory buffers (a file's bytes or one zip entry's), into linear
// planes; plus PFM writing (tests, exported crops) and the sun-dot repair for the damaged
// Poly Haven panoramas.

import { InputError, decodeExr, type LinearImage } from '../../io/index.js';
import { decodeRgbe } from '../../image/index.js';

export { decodeExr };

/** NaN, ±Inf and negatives carry no light: 0. */
const clean = (v: number): number => (v > 0 && v < Infinity ? v : 0);

/**
 * Portable Float Map bytes → linear planes. 'PF' (RGB) and 'Pf' (grey) headers; a negative scale
 * means little-endian samples; rows are stored bottom-up. Non-finite and negative values → 0.
 */
export function decodePfm(bytes: Uint8Array, file: string): LinearImage {
  const bad = (why: string): InputError => new InputError(file, `not a readable PFM image (${why})`);
  // Header: three whitespace-separated tokens after the magic, then exactly one whitespace byte.
  let o = 0;
  const token = (): string => {
    while (o < bytes.length && /\s/.test(String.fromCharCode(bytes[o]!))) o++;
    const start = o;
    while (o < bytes.length && !/\s/.test(String.fromCharCode(bytes[o]!))) o++;
    if (o - start > 32) throw bad('header too long');
    return Buffer.from(bytes.subarray(start, o)).toString('latin1');
  };
  const magic = token();
  if (magic !== 'PF' && magic !== 'Pf') throw bad(`magic ${JSON.stringify(magic.slice(0, 8))}, expected PF or Pf`);
  const width = Number(token());
  const height = Number(token());
  const scale = Number(token());
  o++; // the single whitespace byte before the raster
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0 && width * height <= 8192 * 8192)) {
    throw bad(`size ${width}x${height}`);
  }
  if (!Number.isFinite(scale) || scale === 0) throw bad(`scale ${scale}`);
  const channels = magic === 'PF' ? 3 : 1;
  const need = width * height * channels * 4;
  if (bytes.length - o < need) throw bad(`raster is ${bytes.length - o} bytes, expected ${need}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + o, need);
  const little = scale < 0;
  const n = width * height;
  const r = new Float32Array(n);
  const g = new Float32Array(n);
  const b = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    const srcRow = (height - 1 - y) * width * channels;
    for (let x = 0; x < width; x++) {
      const s = (srcRow + x * channels) * 4;
      const i = y * width + x;
      r[i] = clean(view.getFloat32(s, little));
      g[i] = channels === 3 ? clean(view.getFloat32(s + 4, little)) : r[i]!;
      b[i] = channels === 3 ? clean(view.getFloat32(s + 8, little)) : r[i]!;
    }
  }
  return { width, height, r, g, b };
}

/**
 * Linear planes → PFM bytes (RGB, little-endian, bottom-up rows as the format wants).
 *
 * @example await writeFile('crop.pfm', encodePfm(img))
 */
export function encodePfm(img: LinearImage): Buffer {
  const { width, height, r, g, b } = img;
  const header = Buffer.from(`PF\n${width} ${height}\n-1.0\n`, 'latin1');
  const raster = Buffer.alloc(width * height * 12);
  for (let y = 0; y < height; y++) {
    const row = (height - 1 - y) * width;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const o = (row + x) * 12;
      raster.writeFloatLE(r[i]!, o);
      raster.writeFloatLE(g[i]!, o + 4);
      raster.writeFloatLE(b[i]!, o + 8);
    }
  }
  return Buffer.concat([header, raster]);
}

/** Radiance .hdr bytes → linear BT.709 planes (src/image's RGBE decoder; non-finite → 0). */
export function decodeHdr(bytes: Uint8Array, file: string): LinearImage {
  return decodeRgbe(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
}

/** Still-image HDR extensions this folder decodes, lower case. */
export const HDR_STILL_EXTENSIONS = ['.exr', '.pfm', '.hdr'] as const;

/** Decode by extension; an unknown extension is the caller's bug. */
export function decodeHdrStill(bytes: Uint8Array, file: string, ext: string): LinearImage {
  if (ext === '.exr') return decodeExr(bytes, file);
  if (ext === '.pfm') return decodePfm(bytes, file);
  if (ext === '.hdr') return decodeHdr(bytes, file);
  throw new InputError(file, `is not an HDR still image (${HDR_STILL_EXTENSIONS.join(', ')})`);
}

/**
 * Poly Haven panoramas from @pmndrs/assets whose sun was wrecked by lossy DWAB compression: the
 * disc is a small block of zeros (clamped negative ringing) interleaved with spikes of one
 * channel. Matched on the file name so a renamed copy is still repaired.
 */
export const SUN_DOT_PATTERN = /polyhaven_(park|sunrise|sunset|esplanade|sky)\b/i;

/**
 * Repairs the sun dot in place (run at full resolution, before any downscale). Rule:
 * 1. find the brightest pixel (max of R, G, B);
 * 2. the damage is the bounding box of pixels with a zero channel within ±9 x ±5 px of it
 *    (scaled by width/512; the measured dots span at most 16x6 px at 512x256), grown by 1 px;
 * 3. fill that box with a disc of constant "sun" light inside an annulus at the ring's mean
 *    colour, where the ring is the 1-px frame just outside the box: the disc takes the ring's
 *    chromaticity and a luminance that keeps the box's total luminance (energy), so the sun stays
 *    as bright overall as the file says, with a plausible hue.
 * Returns the box repaired, or null when nothing was found.
 */
export function repairSunDot(img: LinearImage): { x0: number; y0: number; x1: number; y1: number } | null {
  const { width: w, height: h, r, g, b } = img;
  const Y = (i: number): number => 0.2126 * r[i]! + 0.7152 * g[i]! + 0.0722 * b[i]!;
  let best = -1;
  let bi = 0;
  for (let i = 0; i < w * h; i++) {
    const m = Math.max(r[i]!, g[i]!, b[i]!);
    if (m > best) { best = m; bi = i; }
  }
  const cx = bi % w;
  const cy = (bi - cx) / w;
  const k = w / 512;
  const rx = Math.ceil(9 * k);
  const ry = Math.ceil(5 * k);
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let y = Math.max(0, cy - ry); y <= Math.min(h - 1, cy + ry); y++) {
    for (let dx = -rx; dx <= rx; dx++) {
      const x = cx + dx;
      if (x < 0 || x >= w) continue;
      const i = y * w + x;
      if (Math.min(r[i]!, g[i]!, b[i]!) <= 0) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
  }
  if (x0 === Infinity) return null;
  x0 = Math.max(1, x0 - 1); y0 = Math.max(1, y0 - 1); x1 = Math.min(w - 2, x1 + 1); y1 = Math.min(h - 2, y1 + 1);
  let boxY = 0;
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) boxY += Y(y * w + x);
  let rr = 0, rg = 0, rb = 0, count = 0;
  for (let y = y0 - 1; y <= y1 + 1; y++) {
    for (let x = x0 - 1; x <= x1 + 1; x++) {
      if (y >= y0 && y <= y1 && x >= x0 && x <= x1) continue;
      const i = y * w + x;
      rr += r[i]!; rg += g[i]!; rb += b[i]!; count++;
    }
  }
  rr /= count; rg /= count; rb /= count;
  const ringY = 0.2126 * rr + 0.7152 * rg + 0.0722 * rb;
  const mx = (x0 + x1) / 2;
  const my = (y0 + y1) / 2;
  const radius = Math.min(x1 - x0, y1 - y0) / 2 + 0.5;
  let disc = 0;
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) if ((x - mx) ** 2 + (y - my) ** 2 <= radius * radius) disc++;
  const boxN = (x1 - x0 + 1) * (y1 - y0 + 1);
  // Energy kept: disc·sunY + (boxN − disc)·ringY = boxY.
  const sunY = Math.max(ringY, (boxY - (boxN - disc) * ringY) / Math.max(1, disc));
  const gain = ringY > 0 ? sunY / ringY : 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const i = y * w + x;
      const inDisc = (x - mx) ** 2 + (y - my) ** 2 <= radius * radius;
      const s = inDisc ? gain : 1;
      r[i] = rr * s; g[i] = rg * s; b[i] = rb * s;
    }
  }
  return { x0, y0, x1, y1 };
}
