import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FrameReader, TEMP_MARK, binaries, floatToHalf, probe, readExr, writeExr } from '../../src/io/index.js';
import { sample, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

describe('floatToHalf', () => {
  it('encodes published half-precision bit patterns, rounding to nearest even', () => {
    expect([1, -2, 0.5, 65504, 1e6, 0, -0, 6.103515625e-5, 5.960464477539063e-8].map(floatToHalf)).toEqual([
      0x3c00, 0xc000, 0x3800, 0x7bff, 0x7c00, 0, 0x8000, 0x0400, 0x0001,
    ]);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // halfway: ties to even (down)
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway: ties to even (up)
    expect(floatToHalf(Number.NaN) & 0x7c00).toBe(0x7c00);
  });
});

describe('writeExr', () => {
  it('round-trips through parse-exr (float exactly, half within half precision) and ffmpeg decodes it', async () => {
    const [width, height] = [7, 3];
    const n = width * height;
    const img = { width, height, r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
    for (let i = 0; i < n; i++) {
      img.r[i] = i / 20; // 0 .. 1: ffmpeg's 16-bit integer decode can represent these
      img.g[i] = 0.25;
      img.b[i] = (n - i) / 40;
    }
    const full = join(dir, 'float.exr');
    await writeExr(full, img, { pixelType: 'float' });
    expect(await readExr(full)).toEqual(img);

    const half = join(dir, 'half.exr');
    await writeExr(half, img);
    const back = await readExr(half);
    for (let i = 0; i < n; i++) expect(Math.abs(back.r[i]! - img.r[i]!)).toBeLessThanOrEqual(img.r[i]! * 2 ** -11);

    // An independent decoder: ffmpeg, to 16-bit integers (top row first, planes interleaved R,G,B).
    const raw = execFileSync(binaries().ffmpeg.path, ['-v', 'error', '-i', half, '-f', 'rawvideo', '-pix_fmt', 'rgb48le', '-']);
    const ref = new Uint16Array(raw.buffer, raw.byteOffset, raw.length / 2);
    for (let i = 0; i < n; i++) {
      expect(ref[3 * i]! / 65535).toBeCloseTo(img.r[i]!, 2);
      expect(ref[3 * i + 2]! / 65535).toBeCloseTo(img.b[i]!, 2);
    }
    expect((await probe(half)).video).toMatchObject({ width: 7, height: 3, codec: 'exr' });
    expect(readdirSync(dir).filter((f) => f.includes(TEMP_MARK))).toEqual([]);
  });

  it('refuses planes of the wrong size', async () => {
    const img = { width: 2, height: 2, r: new Float32Array(4), g: new Float32Array(3), b: new Float32Array(4) };
    await expect(writeExr(join(dir, 'bad.exr'), img)).rejects.toThrow(new RangeError('writeExr: plane g has 3 samples, expected 2x2=4'));
  });
});

describe('FrameReader on an EXR', () => {
  it('delivers one float gbrp frame equal to readExr, whichever ffmpeg is found', async () => {
    const file = sample('city-sun.exr');
    const img = await readExr(file);
    const frames = [];
    for await (const f of await FrameReader.open(file, { format: 'gbrpf32le' })) frames.push(f);
    expect(frames).toHaveLength(1);
    const [g, b, r] = frames[0]!.planes as Float32Array[];
    expect([g, b, r].map((p) => p!.length)).toEqual([192 * 108, 192 * 108, 192 * 108]);
    expect(r).toEqual(img.r);
    expect(g).toEqual(img.g);
    expect(b).toEqual(img.b);
    // Real HDR: the sun is thousands of times brighter than the median (0.18).
    expect(Math.max(...r!)).toBeGreaterThan(1000);
  });
});
