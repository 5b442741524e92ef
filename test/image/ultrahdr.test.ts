import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BT709_TO_BT2020, BT2020_TO_BT709, applyMatrix3, srgbDecode } from '../../src/color/index.js';
import { pu21Psnr } from '../../src/eval/index.js';
import { applyGainMap, encodeGrayJpeg, manifestFromXmp, readJpegInfo, splitUltraHdr } from '../../src/image/index.js';
import { FrameReader, OptionError, probe, readExr, type LinearImage } from '../../src/io/index.js';
import { encodeImages, parseManifest, restoreImages } from '../../src/pipeline/index.js';
import { sample, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const nits709 = (img: { r: Float32Array; g: Float32Array; b: Float32Array }, unit = 100): Float32Array =>
  Float32Array.from(img.r, (_, i) => unit * (0.2126 * img.r[i]! + 0.7152 * img.g[i]! + 0.0722 * img.b[i]!));

async function decode(file: string, format: 'gray' | 'gbrp'): Promise<Uint8Array[]> {
  for await (const f of await FrameReader.open(file, { format, maxFrames: 1 })) return f.planes as Uint8Array[];
  throw new Error('no frame');
}

describe('grey baseline JPEG', () => {
  it('is decoded by ffmpeg to within JPEG precision, odd sizes included', async () => {
    const [w, h] = [37, 21];
    const samples = new Uint8Array(w * h).map((_, i) => Math.round(128 + 100 * Math.sin((i % w) / 5) * Math.cos(Math.floor(i / w) / 4)));
    const file = join(dir, 'gray.jpg');
    writeFileSync(file, encodeGrayJpeg(samples, w, h, 95));
    const [y] = await decode(file, 'gray');
    let se = 0;
    for (let i = 0; i < samples.length; i++) se += (y![i]! - samples[i]!) ** 2;
    expect(10 * Math.log10((255 * 255) / (se / samples.length))).toBeGreaterThan(45); // measured 50.7 dB at q 95
  });
});

describe('encode --ultrahdr', () => {
  it('writes a JPEG whose MPF gain map turns the SDR into the HDR restore gives, manifest kept', async () => {
    const file = join(dir, 'sun.jpg');
    await encodeImages({ input: sample('city-sun.exr'), output: file, ultraHdr: true });
    const bytes = readFileSync(file);
    const parts = splitUltraHdr(bytes)!;
    expect(parts.primary.length + parts.gainMap.length).toBe(bytes.length);
    expect([...parts.primary.subarray(-2), ...parts.gainMap.subarray(0, 2)]).toEqual([0xff, 0xd9, 0xff, 0xd8]);
    const info = readJpegInfo(bytes, file);
    expect(info.xmp).toContain(`Item:Semantic="GainMap" Item:Mime="image/jpeg" Item:Length="${parts.gainMap.length}"`);
    expect(parseManifest(manifestFromXmp(info.xmp!)!, file).image?.container).toBe('exr');
    expect(parts.meta.gainMapMax).toBeGreaterThan(3); // SDR white -> ~1000 cd/m²: over 3 stops of boost
    expect(parts.meta.gainMapMax).toBeLessThan(3.4);
    expect(Object.values(parts.meta).every(Number.isFinite)).toBe(true);
    expect((await probe(file)).video).toMatchObject({ codec: 'mjpeg', width: 192, height: 108 });

    // What a gain-map viewer with full headroom shows, from the two JPEGs as ffmpeg decodes them.
    writeFileSync(join(dir, 'gainmap.jpg'), parts.gainMap);
    const [map] = await decode(join(dir, 'gainmap.jpg'), 'gray');
    const [g, b, r] = await decode(file, 'gbrp');
    const lin = (p: Uint8Array): Float32Array => Float32Array.from(p, (v) => srgbDecode(v / 255));
    const shown = applyGainMap({ r: lin(r!), g: lin(g!), b: lin(b!) }, map!, parts.meta);

    const restored = join(dir, 'sun.exr');
    await restoreImages({ input: file, output: restored });
    const back: LinearImage = await readExr(restored);
    const source = await readExr(sample('city-sun.exr'));
    applyMatrix3(BT709_TO_BT2020, source.r, source.g, source.b, source.r, source.g, source.b);
    for (const p of [source.r, source.g, source.b]) for (let i = 0; i < p.length; i++) p[i] = Math.min(10, Math.max(0, p[i]!));
    applyMatrix3(BT2020_TO_BT709, source.r, source.g, source.b, source.r, source.g, source.b);
    const vsRestore = pu21Psnr(nits709(back), nits709(shown));
    const vsMaster = pu21Psnr(nits709(source), nits709(shown));
    // Measured: 45.2 dB against restore's EXR, 40.7 dB against the clipped master (restore itself:
    // 39.4 dB). Floors 3-5 dB below: a wrong MPF offset, gain range or SDR white fails them by far.
    expect(vsRestore).toBeGreaterThan(40);
    expect(vsMaster).toBeGreaterThan(37);
  });

  it('refuses a gain map on PNG output', async () => {
    const err = await encodeImages({ input: sample('city-sun.exr'), output: join(dir, 'x.png'), ultraHdr: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OptionError);
    expect((err as Error).message).toBe(`${join(dir, 'x.png')}: an Ultra HDR gain map needs JPEG output (.jpg)`);
  });
});
