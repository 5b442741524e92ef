import { deflateSync } from 'node:zlib';
import { InputError } from '../io/index.js';

/** PNG chunks duhdr reads and writes itself: IHDR, cICP (colour tags) and iTXt (the manifest). */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** cICP code points (ITU-T H.273). */
export type Cicp = { primaries: number; transfer: number; matrix: number; fullRange: boolean };
export const CICP = {
  primaries: { bt709: 1, bt2020: 9 },
  transfer: { bt709: 1, pq: 16, hlg: 18 },
} as const;

export type PngInfo = {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  colorType: number;
  cicp: Cicp | null;
  /** iTXt text by keyword (uncompressed entries only). */
  text: Map<string, string>;
};

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(...parts: Buffer[]): number {
  let c = 0xffffffff;
  for (const p of parts) for (let i = 0; i < p.length; i++) c = CRC_TABLE[(c ^ p[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(head.subarray(4), data), 0);
  return Buffer.concat([head, data, crc]);
}

/** An uncompressed iTXt chunk body: keyword, no language, no translated keyword, UTF-8 text. */
function itxt(keyword: string, text: string): Buffer {
  if (!/^[\x20-\x7e]{1,79}$/.test(keyword)) throw new RangeError(`PNG keyword must be 1-79 printable ASCII characters, got ${JSON.stringify(keyword)}`);
  return Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')]);
}

export type PngImage = {
  width: number;
  height: number;
  bitDepth: 8 | 16;
  /** Interleaved RGB samples, top row first: Uint8Array for 8-bit, Uint16Array for 16-bit. */
  rgb: Uint8Array | Uint16Array;
  cicp?: Cicp;
  text?: Record<string, string>;
};

/**
 * Encode an RGB PNG (8 or 16 bits a sample) with optional cICP and iTXt chunks, both placed
 * before IDAT as the PNG 3rd edition requires. Rows use the Sub filter (cheap, good on photos).
 *
 * @example encodePng({ width: 2, height: 1, bitDepth: 16, rgb, cicp: { primaries: 9, transfer: 16, matrix: 0, fullRange: true } })
 */
export function encodePng(img: PngImage): Buffer {
  const { width, height, bitDepth, rgb } = img;
  if (rgb.length !== width * height * 3) throw new RangeError(`encodePng: ${rgb.length} samples for ${width}x${height} RGB`);
  const bytesPerPixel = bitDepth === 16 ? 6 : 3;
  const stride = width * bytesPerPixel;
  const raw = Buffer.alloc(height * (stride + 1));
  const row = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    if (bitDepth === 16) for (let i = 0; i < width * 3; i++) row.writeUInt16BE(rgb[y * width * 3 + i]!, 2 * i);
    else row.set((rgb as Uint8Array).subarray(y * stride, (y + 1) * stride));
    const o = y * (stride + 1);
    raw[o] = 1; // Sub: each byte minus the same byte of the pixel to its left
    for (let i = 0; i < stride; i++) raw[o + 1 + i] = (row[i]! - (i >= bytesPerPixel ? row[i - bytesPerPixel]! : 0)) & 0xff;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = 2; // truecolour RGB
  const parts = [SIGNATURE, chunk('IHDR', ihdr)];
  if (img.cicp) {
    const c = img.cicp;
    parts.push(chunk('cICP', Buffer.from([c.primaries, c.transfer, c.matrix, c.fullRange ? 1 : 0])));
  }
  for (const [k, v] of Object.entries(img.text ?? {})) parts.push(chunk('iTXt', itxt(k, v)));
  parts.push(chunk('IDAT', deflateSync(raw, { level: 6 })), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/**
 * Read a PNG's header, cICP and uncompressed iTXt chunks without decoding pixels. Damage is an
 * InputError naming the file: a bad signature, a chunk running past the end (truncated), a CRC
 * mismatch in a chunk we read, a missing IEND. iTXt texts longer than `maxText` bytes are refused.
 */
export function readPngInfo(bytes: Buffer, file: string, maxText: number): PngInfo {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(SIGNATURE)) throw new InputError(file, 'is not a PNG (bad signature)');
  let o = 8;
  let info: PngInfo | null = null;
  let sawIend = false;
  while (o + 8 <= bytes.length) {
    const length = bytes.readUInt32BE(o);
    const type = bytes.toString('latin1', o + 4, o + 8);
    const end = o + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) throw new InputError(file, `is truncated: its ${type} chunk runs past the end of the file`);
    const data = bytes.subarray(o + 8, o + 8 + length);
    const wanted = type === 'IHDR' || type === 'cICP' || type === 'iTXt';
    if (wanted && crc32(bytes.subarray(o + 4, o + 8), data) !== bytes.readUInt32BE(o + 8 + length)) {
      throw new InputError(file, `is corrupt: the CRC of its ${type} chunk does not match`);
    }
    if (type === 'IHDR') {
      if (length !== 13) throw new InputError(file, 'is corrupt: IHDR is not 13 bytes');
      info = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8]!, colorType: data[9]!, cicp: null, text: new Map() };
    } else if (!info) {
      throw new InputError(file, 'is corrupt: IHDR is not the first chunk');
    } else if (type === 'cICP' && length === 4) {
      info.cicp = { primaries: data[0]!, transfer: data[1]!, matrix: data[2]!, fullRange: data[3] === 1 };
    } else if (type === 'iTXt') {
      const k = data.indexOf(0);
      // keyword \0 compressionFlag compressionMethod language \0 translated \0 text
      if (k > 0 && data[k + 1] === 0) {
        const lang = data.indexOf(0, k + 3);
        const translated = lang < 0 ? -1 : data.indexOf(0, lang + 1);
        if (translated >= 0) {
          if (length - translated - 1 > maxText) throw new InputError(file, `has an iTXt text of ${length - translated - 1} bytes, more than the ${maxText} allowed`);
          info.text.set(data.toString('latin1', 0, k), data.toString('utf8', translated + 1));
        }
      }
    } else if (type === 'IEND') {
      sawIend = true;
      break;
    }
    o = end;
  }
  if (!info) throw new InputError(file, 'is truncated: no IHDR chunk');
  if (!sawIend) throw new InputError(file, 'is truncated: it ends before its IEND chunk');
  return info;
}
