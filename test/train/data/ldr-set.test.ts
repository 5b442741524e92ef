import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/io/index.js';
import { LdrImageSet, createRng } from '../../../src/train/data/index.js';
import { tempDir } from '../../helpers/media.js';
import { SHARED, hasShared, onByteGrid, writeZip } from './helpers.js';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';

const PHOTOS = ['gcompris_erase_swans.jpg', 'gcompris_clickgame_sea5.jpg', 'gcompris_explore_farm_animals_owl.jpg'];
const VIDEO = 'kphotoalbum_movie.avi'; // 160x120 MJPEG, 4.5 s

describe.runIf(hasShared)('LdrImageSet', () => {
  let tmp: { dir: string; cleanup: () => void };
  let set: LdrImageSet;
  beforeAll(async () => {
    tmp = tempDir('duhdr-ldr-');
    mkdirSync(join(tmp.dir, 'ldr'));
    for (const f of PHOTOS) copyFileSync(join(SHARED, 'ldr', f), join(tmp.dir, 'ldr', f));
    copyFileSync(join(SHARED, 'video', VIDEO), join(tmp.dir, 'ldr', VIDEO));
    set = await LdrImageSet.load([join(tmp.dir, 'ldr')], { maxSide: 256, framesPerVideo: 3 });
  });
  afterAll(() => tmp.cleanup());

  it('loads photos and sparse video frames by name', () => {
    expect(set.names).toEqual([...PHOTOS, `${VIDEO}#0`, `${VIDEO}#1`, `${VIDEO}#2`].sort());
  });

  it('samples crops of the asked size on the k/255 grid, deterministic for a seed', () => {
    for (let seed = 0; seed < 10; seed++) {
      const a = set.sample(createRng(seed), 48, 27);
      const b = set.sample(createRng(seed), 48, 27);
      expect(a.width).toBe(48);
      expect(a.height).toBe(27);
      expect(a.data.length).toBe(48 * 27 * 3);
      expect(onByteGrid(a.data)).toBe(true);
      expect(Buffer.compare(Buffer.from(a.data.buffer), Buffer.from(b.data.buffer))).toBe(0);
    }
  });

  it('reads the same images from a .zip (streamed to ffmpeg, video extracted alone)', async () => {
    const zipPath = join(tmp.dir, 'ldr.zip');
    await writeZip(zipPath, Object.fromEntries([...PHOTOS, VIDEO].map((f) => [f, join(tmp.dir, 'ldr', f)])));
    const fromZip = await LdrImageSet.load([zipPath], { maxSide: 256, framesPerVideo: 3 });
    expect(fromZip.names).toEqual(set.names);
    for (let seed = 0; seed < 4; seed++) {
      const a = set.sample(createRng(seed), 32, 32);
      const b = fromZip.sample(createRng(seed), 32, 32);
      expect(Buffer.compare(Buffer.from(a.data.buffer), Buffer.from(b.data.buffer))).toBe(0);
    }
  });

  it('stops at maxImages, splits disjointly keeping a video together', async () => {
    const few = await LdrImageSet.load([join(tmp.dir, 'ldr')], { maxSide: 64, maxImages: 2 });
    expect(few.names.length).toBe(2);
    const { train, val } = set.split(0.5);
    expect([...train.names, ...val.names].sort()).toEqual([...set.names].sort());
    expect(train.names.filter((n) => val.names.includes(n))).toEqual([]);
    const side = new Set(set.names.filter((n) => n.startsWith(VIDEO)).map((n) => (train.names.includes(n) ? 't' : 'v')));
    expect(side.size).toBe(1);
  });

  it('names an undecodable image in a one-line InputError', async () => {
    const bad = join(tmp.dir, 'broken.jpg');
    writeFileSync(bad, Buffer.from('this is not a jpeg'));
    const err = await LdrImageSet.load([bad]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/broken\.jpg: cannot be decoded/);
    expect((err as Error).message).not.toContain('\n');
  });
});
