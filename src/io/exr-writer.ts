import { open, rm } from 'node:fs/promises';
import type { LinearImage } from './exr.js';
import { checkWritableOutput, commitTemp, tempPathFor } from './atomic-output.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half from a float, round to nearest even; overflow to Inf, NaN kept. */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // too large: Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflows to zero
    mant |= 0x800000; // subnormal half: shift the implicit bit in
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (rest > mid || (rest === mid && half & 1) ? half + 1 : half);
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // Rounding may carry into the exponent, which is the correct result (up to Inf).
  return sign | (rest > 0x1000 || (rest === 0x1000 && half & 1) ? half + 1 : half);
}

/** The float an IEEE half's bits stand for (exact). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

type Attr = [name: string, type: string, value: Buffer];

function attr(name: string, type: string, value: Buffer): Attr {
  return [name, type, value];
}

function int32s(...v: number[]): Buffer {
  const b = Buffer.alloc(4 * v.length);
  v.forEach((x, i) => b.writeInt32LE(x, 4 * i));
  return b;
}

function float32s(...v: number[]): Buffer {
  const b = Buffer.alloc(4 * v.length);
  v.forEach((x, i) => b.writeFloatLE(x, 4 * i));
  return b;
}

/**
 * Write linear RGB as an uncompressed scanline OpenEXR (half or full float), atomically (temp
 * file, then rename). Channels are stored B, G, R as the format's sorted order requires.
 *
 * @example await writeExr('frame.exr', { width, height, r, g, b }, { pixelType: 'half' })
 */
export async function writeExr(file: string, img: LinearImage, options: { pixelType?: 'half' | 'float' } = {}): Promise<void> {
  const { width, height } = img;
  const n = width * height;
  for (const [k, p] of [['r', img.r], ['g', img.g], ['b', img.b]] as const) {
    if (p.length !== n) throw new RangeError(`writeExr: plane ${k} has ${p.length} samples, expected ${width}x${height}=${n}`);
  }
  await checkWritableOutput(file);
  const half = (options.pixelType ?? 'half') === 'half';
  const bytesPerSample = half ? 2 : 4;
  const channels = ['B', 'G', 'R'] as const;
  const chlist = Buffer.concat([
    ...channels.map((c) => Buffer.concat([Buffer.from(`${c}\0`), int32s(half ? 1 : 2), Buffer.from([0, 0, 0, 0]), int32s(1, 1)])),
    Buffer.from([0]),
  ]);
  const attrs: Attr[] = [
    attr('channels', 'chlist', chlist),
    attr('compression', 'compression', Buffer.from([0])),
    attr('dataWindow', 'box2i', int32s(0, 0, width - 1, height - 1)),
    attr('displayWindow', 'box2i', int32s(0, 0, width - 1, height - 1)),
    attr('lineOrder', 'lineOrder', Buffer.from([0])),
    attr('pixelAspectRatio', 'float', float32s(1)),
    attr('screenWindowCenter', 'v2f', float32s(0, 0)),
    attr('screenWindowWidth', 'float', float32s(1)),
  ];
  const header = Buffer.concat([
    Buffer.from([0x76, 0x2f, 0x31, 0x01, 2, 0, 0, 0]), // magic, version 2 (single-part scanline)
    ...attrs.map(([name, type, value]) => Buffer.concat([Buffer.from(`${name}\0${type}\0`), int32s(value.length), value])),
    Buffer.from([0]),
  ]);
  const lineBytes = 3 * width * bytesPerSample;
  const chunkBytes = 8 + lineBytes;
  const offsets = Buffer.alloc(8 * height);
  const first = header.length + offsets.length;
  for (let y = 0; y < height; y++) offsets.writeBigUInt64LE(BigInt(first + y * chunkBytes), 8 * y);

  const temp = tempPathFor(file);
  const fh = await open(temp, 'wx');
  try {
    await fh.write(header);
    await fh.write(offsets);
    // Write in blocks of rows so a large image never needs one huge buffer.
    const rowsPerBlock = Math.max(1, Math.floor((4 << 20) / chunkBytes));
    for (let y0 = 0; y0 < height; y0 += rowsPerBlock) {
      const rows = Math.min(rowsPerBlock, height - y0);
      const block = Buffer.alloc(rows * chunkBytes);
      for (let k = 0; k < rows; k++) {
        const y = y0 + k;
        let o = k * chunkBytes;
        block.writeInt32LE(y, o);
        block.writeInt32LE(lineBytes, o + 4);
        o += 8;
        for (const plane of [img.b, img.g, img.r]) {
          for (let x = 0; x < width; x++) {
            const v = plane[y * width + x]!;
            if (half) block.writeUInt16LE(floatToHalf(v), o);
            else block.writeFloatLE(v, o);
            o += bytesPerSample;
          }
        }
      }
      await fh.write(block);
    }
    await fh.close();
    await commitTemp(temp, file);
  } catch (err) {
    await fh.close().catch(() => {});
    await rm(temp, { force: true });
    throw err;
  }
}
