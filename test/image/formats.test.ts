import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FrameReader, InputError, probe } from '../../src/io/index.js';
import {
  CICP, decodeRgbe, encodePng, encodeRgbe, insertJpegXmp, manifestFromXmp, readHdrImage, readJpegInfo, readPngInfo, writeSdrImage,
  xmpWithManifest,
} from '../../src/image/index.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

describe('PNG chunks', () => {
  it('writes a 16-bit PQ PNG with cICP and iTXt that ffmpeg decodes to the same samples and ffprobe reads', async () => {
    const [width, height] = [5, 3];
    const rgb = new Uint16Array(width * height * 3).map((_, i) => (i * 4099) % 65536);
    const file = join(dir, 'pq.png');
    writeFileSync(file, encodePng({ width, height, bitDepth: 16, rgb, cicp: { primaries: 9, transfer: 16, matrix: 0, fullRange: true }, text: { note: 'Ünïcode "quoted"' } }));
    const info = readPngInfo(readFileSync(file), file, 1024);
    expect(info).toMatchObject({ width, height, bitDepth: 16, colorType: 2, cicp: { primaries: 9, transfer: 16, matrix: 0, fullRange: true } });
    expect(info.text.get('note')).toBe('Ünïcode "quoted"');
    const p = await probe(file);
    expect(p.video).toMatchObject({ width, height, bitDepth: 16 });
    // Every sample survives ffmpeg's decoder exactly (Sub filter, deflate, big-endian samples).
    for await (const f of await FrameReader.open(file, { format: 'gbrp16le' })) {
      const [g, b, r] = f.planes as Uint16Array[];
      for (let i = 0; i < width * height; i++) expect([r![i], g![i], b![i]]).toEqual([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]]);
    }
  });

  it('refuses a truncated PNG, a bad CRC and an oversized text, naming the file', () => {
    const png = encodePng({ width: 4, height: 4, bitDepth: 8, rgb: new Uint8Array(48).fill(7), text: { 'duhdr-manifest': 'x'.repeat(100) } });
    expect(() => readPngInfo(png.subarray(0, png.length - 20), 'cut.png', 1000)).toThrow(/^cut\.png: is truncated/);
    const flipped = Buffer.from(png);
    flipped[50] = (flipped[50]! + 1) & 0xff; // inside the iTXt chunk's data (it starts at byte 41)
    expect(() => readPngInfo(flipped, 'flip.png', 1000)).toThrow(/^flip\.png: is corrupt: the CRC of its iTXt chunk/);
    expect(() => readPngInfo(png, 'big.png', 50)).toThrow(/^big\.png: has an iTXt text of 100 bytes, more than the 50 allowed/);
    expect(() => readPngInfo(Buffer.from('hello'), 'text.png', 50)).toThrow(InputError);
  });
});

describe('JPEG XMP', () => {
  it('carries a manifest through an APP1 XMP segment of a real JPEG, escaped and unescaped', async () => {
    const file = join(dir, 'x.jpg');
    const manifest = '{"a":"<&>\\"quoted\\"","b":[1,2]}';
    await writeSdrImage(file, 3, 2, new Uint8Array(18).fill(128), manifest);
    const info = readJpegInfo(readFileSync(file), file);
    expect(info).toMatchObject({ width: 3, height: 2, components: 3 });
    expect(manifestFromXmp(info.xmp!)).toBe(manifest);
    expect((await probe(file)).video).toMatchObject({ width: 3, height: 2 }); // still a JPEG ffmpeg reads
    expect(() => insertJpegXmp(readFileSync(file), xmpWithManifest('x'.repeat(70_000)))).toThrow(/does not fit one APP1 segment/);
  });

  it('refuses a JPEG cut anywhere after its headers (no end-of-image marker)', () => {
    const file = join(dir, 'x.jpg');
    const bytes = readFileSync(file);
    expect(() => readJpegInfo(bytes.subarray(0, bytes.length - 2), 'cut.jpg')).toThrow('cut.jpg: is truncated: its image data ends without an end-of-image marker');
    expect(() => readJpegInfo(bytes.subarray(0, 30), 'cut.jpg')).toThrow(/^cut\.jpg: is truncated/);
    expect(() => readJpegInfo(Buffer.from('not a jpeg'), 'text.jpg')).toThrow('text.jpg: is not a JPEG (no start-of-image marker)');
  });
});

describe('Radiance RGBE', () => {
  it('reads back what it writes, run-length and flat scanlines, within RGBE precision', () => {
    for (const [width, height] of [[37, 5], [5, 3]] as const) {
      const n = width * height;
      const img = { width, height, r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
      for (let i = 0; i < n; i++) {
        img.r[i] = i < 10 ? 0.25 : 2 ** ((i % 23) - 8); // a run, then 15 stops of range
        img.g[i] = img.r[i]! * 0.5;
        img.b[i] = i % 7 === 0 ? 0 : 3000;
      }
      const bytes = encodeRgbe(img);
      expect(bytes.toString('latin1', 0, 10)).toBe('#?RADIANCE');
      const back = decodeRgbe(bytes, 'x.hdr');
      for (let i = 0; i < n; i++) {
        const peak = Math.max(img.r[i]!, img.g[i]!, img.b[i]!);
        // A shared 8-bit mantissa: each channel within 1/256 of the pixel's largest.
        for (const c of ['r', 'g', 'b'] as const) expect(Math.abs(back[c][i]! - img[c][i]!)).toBeLessThanOrEqual(peak / 128);
      }
    }
  });

  it('applies EXPOSURE, and refuses truncated or unknown files with the file named', async () => {
    const img = { width: 9, height: 2, r: new Float32Array(18).fill(1), g: new Float32Array(18).fill(1), b: new Float32Array(18).fill(1) };
    const bytes = encodeRgbe(img);
    const exposed = Buffer.from(bytes.toString('latin1').replace('FORMAT=', 'EXPOSURE=4\nFORMAT='), 'latin1');
    expect(decodeRgbe(exposed, 'e.hdr').r[0]).toBeCloseTo(1 / 4, 2);
    expect(() => decodeRgbe(bytes.subarray(0, bytes.length - 5), 'cut.hdr')).toThrow('cut.hdr: is truncated: its pixel data ends early');
    const file = join(dir, 'text.hdr');
    writeFileSync(file, 'hello\n');
    await expect(readHdrImage(file)).rejects.toThrow(`${file}: is not a readable Radiance .hdr image (no #?RADIANCE signature)`);
  });
});

describe('HDR image readers', () => {
  it('reads a PQ PNG made by ffmpeg-independent code as cd/m², and refuses an SDR PNG with a hint', async () => {
    const file = join(dir, 'pq-in.png');
    // PQ code 0.5081 is 100 cd/m², 0.7518 is 1000 cd/m².
    const rgb = new Uint16Array([0.5081, 0.5081, 0.5081, 0.7518, 0.7518, 0.7518].map((v) => Math.round(v * 65535)));
    writeFileSync(file, encodePng({ width: 2, height: 2, bitDepth: 16, rgb: Uint16Array.of(...rgb, ...rgb), cicp: { primaries: CICP.primaries.bt2020, transfer: CICP.transfer.pq, matrix: 0, fullRange: true } }));
    const img = await readHdrImage(file);
    expect(img).toMatchObject({ width: 2, height: 2, primaries: 'bt2020', scale: 'nits', container: 'png' });
    expect(img.r[0]).toBeCloseTo(100, -0.5);
    expect(img.r[1]).toBeGreaterThan(990);
    expect(img.r[1]).toBeLessThan(1010);
    // HLG 0.75 is BT.2408's reference white: 203 cd/m² on the 1000 cd/m² display duhdr assumes.
    const hlg = join(dir, 'hlg-in.png');
    const hlgPng = (w: number, h: number): Buffer =>
      encodePng({ width: w, height: h, bitDepth: 16, rgb: new Uint16Array(3 * w * h).fill(Math.round(0.75 * 65535)), cicp: { primaries: 9, transfer: CICP.transfer.hlg, matrix: 0, fullRange: true } });
    writeFileSync(hlg, hlgPng(2, 2));
    const white = await readHdrImage(hlg);
    expect(white.g[0]).toBeGreaterThan(200);
    expect(white.g[0]).toBeLessThan(206);
    writeFileSync(hlg, hlgPng(1, 1));
    await expect(readHdrImage(hlg)).rejects.toThrow(`${hlg}: is 1x1; duhdr needs images of at least 2x2 pixels`);
    const sdr = join(dir, 'sdr.png');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=4x4', '-frames:v', '1', sdr]);
    await expect(readHdrImage(sdr)).rejects.toThrow(`${sdr}: is an SDR PNG (no cICP chunk) — encode takes HDR images`);
  });
});
