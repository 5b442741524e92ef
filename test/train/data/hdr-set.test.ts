import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pqDecode } from '../../../src/color/index.js';
import { CanceledError, InputError } from '../../../src/io/index.js';
import {
  HdrImageSet, createRng, decodeExr, decodePfm, encodePfm, groupOf, repairSunDot,
} from '../../../src/train/data/index.js';
import { tempDir } from '../../helpers/media.js';
import { SHARED, SAMPLES, correlation, hasShared, onByteGrid, writeZip } from './helpers.js';

// Small but varied: a 2:1 panorama with a repaired sun, two cube faces of one scene, a photo-sized crop source.
const FILES = ['polyhaven_park.exr', 'open3d_park_px.exr', 'open3d_park_nx.exr', 'qtcreator_preview_studio.exr'];
const sameBytes = (a: Float32Array, b: Float32Array): boolean =>
  Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

describe.runIf(hasShared)('HdrImageSet on the shared EXRs', () => {
  let tmp: { dir: string; cleanup: () => void };
  let set: HdrImageSet;
  beforeAll(async () => {
    tmp = tempDir('duhdr-data-');
    mkdirSync(join(tmp.dir, 'hdr'));
    for (const f of FILES) copyFileSync(join(SHARED, 'hdr', f), join(tmp.dir, 'hdr', f));
    set = await HdrImageSet.load([join(tmp.dir, 'hdr')]);
  });
  afterAll(() => tmp.cleanup());

  it('loads every file by name', () => {
    expect([...set.names].sort()).toEqual([...FILES].sort());
  });

  it('samples views of the asked size with PQ HDR and k/255 SDR in [0, 1], deterministic for a seed', () => {
    for (let seed = 0; seed < 12; seed++) {
      const a = set.sample(createRng(seed), 64, 36);
      const b = set.sample(createRng(seed), 64, 36);
      for (const img of [a.hdr, a.sdr]) {
        expect(img.width).toBe(64);
        expect(img.height).toBe(36);
        expect(img.data.length).toBe(64 * 36 * 3);
        expect(img.data.every((v) => v >= 0 && v <= 1)).toBe(true);
      }
      expect(onByteGrid(a.sdr.data)).toBe(true);
      expect([1000, 2000, 4000]).toContain(a.peakNits);
      // No HDR value above the drawn peak (PQ of the peak, with float slack).
      let maxNits = 0;
      for (const v of a.hdr.data) maxNits = Math.max(maxNits, pqDecode(v));
      expect(maxNits).toBeLessThanOrEqual(a.peakNits * 1.001);
      expect(FILES).toContain(a.source);
      expect(sameBytes(a.hdr.data, b.hdr.data) && sameBytes(a.sdr.data, b.sdr.data)).toBe(true);
    }
  });

  it('pairs an SDR that shows the same view: log luminances correlate, brightest regions coincide', () => {
    const rng = createRng(99);
    let checked = 0;
    for (let k = 0; k < 10; k++) {
      const { hdr, sdr } = set.sample(rng, 96, 54);
      const n = 96 * 54;
      const lh: number[] = [];
      const ls: number[] = [];
      for (let i = 0; i < n; i++) {
        const yh = 0.2627 * pqDecode(hdr.data[3 * i]!) + 0.678 * pqDecode(hdr.data[3 * i + 1]!) + 0.0593 * pqDecode(hdr.data[3 * i + 2]!);
        const ys = 0.2126 * sdr.data[3 * i]! + 0.7152 * sdr.data[3 * i + 1]! + 0.0722 * sdr.data[3 * i + 2]!;
        // Compare where the SDR is neither crushed nor clipped.
        if (ys > 0.05 && ys < 0.95 && yh > 0) { lh.push(Math.log(yh)); ls.push(Math.log(ys)); }
      }
      if (lh.length < n / 4) continue;
      checked++;
      expect(correlation(lh, ls)).toBeGreaterThan(0.8);
      // 8x8 block means: the HDR's brightest block is among the SDR's brightest quarter.
      const bh: number[] = [], bs: number[] = [];
      for (let by = 0; by + 8 <= 54; by += 8) for (let bx = 0; bx + 8 <= 96; bx += 8) {
        let h = 0, s = 0;
        for (let y = by; y < by + 8; y++) for (let x = bx; x < bx + 8; x++) {
          const i = 3 * (y * 96 + x);
          h += pqDecode(hdr.data[i + 1]!); s += sdr.data[i + 1]!;
        }
        bh.push(h); bs.push(s);
      }
      const top = bh.indexOf(Math.max(...bh));
      const rank = bs.filter((v) => v > bs[top]!).length / bs.length;
      expect(rank).toBeLessThan(0.25);
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('reads the same images from a .zip as from the directory', async () => {
    const zipPath = join(tmp.dir, 'hdr.zip');
    await writeZip(zipPath, Object.fromEntries(FILES.map((f) => [f, join(SHARED, 'hdr', f)])));
    const fromZip = await HdrImageSet.load([zipPath]);
    expect(fromZip.names).toEqual(set.names);
    for (let seed = 0; seed < 4; seed++) {
      const a = set.sample(createRng(seed), 32, 32);
      const b = fromZip.sample(createRng(seed), 32, 32);
      expect(b.source).toBe(a.source);
      expect(sameBytes(a.hdr.data, b.hdr.data) && sameBytes(a.sdr.data, b.sdr.data)).toBe(true);
    }
  });

  it('splits by scene: disjoint, complete, deterministic, cube faces together', () => {
    for (const f of [0.3, 0.5, 0.7]) {
      const { train, val } = set.split(f);
      const again = set.split(f);
      expect(again.train.names).toEqual(train.names);
      expect([...train.names, ...val.names].sort()).toEqual([...set.names].sort());
      expect(train.names.filter((n) => val.names.includes(n))).toEqual([]);
      const faces = [...train.names, ...val.names].filter((n) => n.startsWith('open3d_park_'));
      expect(new Set(faces.map((n) => (train.names.includes(n) ? 'train' : 'val'))).size).toBe(1);
    }
    expect(groupOf('open3d_park_px.exr')).toBe('open3d_park.exr');
    expect(groupOf('clip.mkv#12')).toBe('clip.mkv');
    const { train, val } = set.split(0);
    expect(val.names).toEqual([]);
    expect(train.names.length).toBe(FILES.length);
    expect(() => val.sample(createRng(1), 8, 8)).toThrow(/empty/);
  });

  it('repairs the black sun dot of the damaged Poly Haven panoramas', () => {
    const img = decodeExr(readFileSync(join(SHARED, 'hdr', 'polyhaven_park.exr')), 'park');
    let before = 0;
    for (let i = 0; i < img.r.length; i++) before += 0.2126 * img.r[i]! + 0.7152 * img.g[i]! + 0.0722 * img.b[i]!;
    const box = repairSunDot(img);
    expect(box).not.toBeNull();
    const { x0, y0, x1, y1 } = box!;
    expect(x1 - x0).toBeLessThan(16);
    let after = 0;
    for (let i = 0; i < img.r.length; i++) after += 0.2126 * img.r[i]! + 0.7152 * img.g[i]! + 0.0722 * img.b[i]!;
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
      const i = y * img.width + x;
      expect(Math.min(img.r[i]!, img.g[i]!, img.b[i]!)).toBeGreaterThan(0);
      // Warm-white sun, not the pure-blue spikes the file has there.
      expect(img.b[i]! / img.r[i]!).toBeLessThan(1.5);
    }
    expect(after / before).toBeCloseTo(1, 4);
  });
});

describe('HDR formats and errors', () => {
  it('round-trips PFM and loads it as a dataset', async () => {
    const { dir, cleanup } = tempDir('duhdr-pfm-');
    try {
      const w = 40, h = 20, n = w * h;
      const img = { width: w, height: h, r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
      for (let i = 0; i < n; i++) { img.r[i] = 2 ** ((i % w) / 4); img.g[i] = i / n; img.b[i] = (i % 7) * 0.01; }
      const bytes = encodePfm(img);
      const back = decodePfm(bytes, 'x.pfm');
      expect(back.width).toBe(w);
      expect(back.height).toBe(h);
      expect(back.r).toEqual(img.r);
      expect(back.g).toEqual(img.g);
      expect(back.b).toEqual(img.b);
      writeFileSync(join(dir, 'ramp.pfm'), bytes);
      const set = await HdrImageSet.load([join(dir, 'ramp.pfm')], { maxSide: 32 });
      expect(set.names).toEqual(['ramp.pfm']);
      expect(set.sample(createRng(1), 16, 8).hdr.data.length).toBe(16 * 8 * 3);
    } finally {
      cleanup();
    }
  });

  it('names a corrupt EXR in a one-line InputError, or skips it when asked', async () => {
    const { dir, cleanup } = tempDir('duhdr-bad-');
    try {
      const bad = join(dir, 'broken.exr');
      writeFileSync(bad, Buffer.concat([Buffer.from([0x76, 0x2f, 0x31, 0x01, 2, 0, 0, 0]), Buffer.alloc(100, 7)]));
      const pfm = join(dir, 'ok.pfm');
      writeFileSync(pfm, encodePfm({ width: 2, height: 2, r: new Float32Array(4).fill(1), g: new Float32Array(4).fill(1), b: new Float32Array(4).fill(1) }));
      const err = await HdrImageSet.load([dir]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).file).toBe(bad);
      expect((err as Error).message).toMatch(/broken\.exr: not a readable OpenEXR image/);
      expect((err as Error).message).not.toContain('\n');
      const skipped: string[] = [];
      const set = await HdrImageSet.load([dir], { onSkip: (e) => skipped.push(e.file) });
      expect(skipped).toEqual([bad]);
      expect(set.names).toEqual(['ok.pfm']);
    } finally {
      cleanup();
    }
  });

  it('reports progress per file and stops with CanceledError when aborted', async () => {
    const { dir, cleanup } = tempDir('duhdr-prog-');
    try {
      const one = encodePfm({ width: 4, height: 2, r: new Float32Array(8).fill(1), g: new Float32Array(8).fill(2), b: new Float32Array(8).fill(3) });
      for (const n of ['a.pfm', 'b.pfm', 'c.pfm']) writeFileSync(join(dir, n), one);
      const seen: string[] = [];
      await HdrImageSet.load([dir], { onProgress: (d, t) => seen.push(`${d}/${t}`) });
      expect(seen).toEqual(['1/3', '2/3', '3/3']);
      const ac = new AbortController();
      const p = HdrImageSet.load([dir], { signal: ac.signal, onProgress: () => ac.abort() });
      await expect(p).rejects.toBeInstanceOf(CanceledError);
    } finally {
      cleanup();
    }
  });

  it('refuses an empty dataset and a missing path in one line', async () => {
    const { dir, cleanup } = tempDir('duhdr-empty-');
    try {
      await expect(HdrImageSet.load([dir])).rejects.toThrow(/contains no readable HDR image or video/);
      await expect(HdrImageSet.load([join(dir, 'nope')])).rejects.toThrow(InputError);
    } finally {
      cleanup();
    }
  });
});

describe('HDR videos', () => {
  it('samples sparse frames of PQ and HLG clips as absolute light', async () => {
    const set = await HdrImageSet.load([join(SAMPLES, 'city-pq.mkv'), join(SAMPLES, 'sunset-hlg.mkv')], { maxSide: 128, framesPerVideo: 2 });
    expect(set.names.length).toBe(4);
    expect(set.names.every((n) => /^(city-pq|sunset-hlg)\.mkv#\d+$/.test(n))).toBe(true);
    const rng = createRng(4);
    for (let i = 0; i < 6; i++) {
      const s = set.sample(rng, 64, 36);
      let maxNits = 0;
      for (const v of s.hdr.data) maxNits = Math.max(maxNits, pqDecode(v));
      // Rendered with keys of tens of cd/m²: light is there, and ±½ stop keeps it below 2x the peak anyway.
      expect(maxNits).toBeGreaterThan(1);
      expect(maxNits).toBeLessThanOrEqual(s.peakNits * 1.001);
      expect(onByteGrid(s.sdr.data)).toBe(true);
    }
  });
});
