import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, binaries, readExr } from '../../src/io/index.js';
import { tempDir } from '../helpers/media.js';

const SHARED = new URL('../../../shared/data/hdr/', import.meta.url).pathname;
const { dir, cleanup } = tempDir();
afterAll(cleanup);

describe('readExr', () => {
  it('reads a real EXR top row first, matching ffmpeg\'s decode where both are in [0,1]', async (ctx) => {
    const file = join(SHARED, 'qtcreator_preview_landscape.exr');
    if (!existsSync(file)) return ctx.skip(); // ../shared is beside the repo in CI and dev; a packaged copy may lack it
    const img = await readExr(file);
    expect([img.width, img.height]).toEqual([256, 128]);
    // ffmpeg decodes the same EXR to 16-bit integers, clipped to [0,1].
    const buf = execFileSync(binaries().ffmpeg.path, ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb48le', '-'], {
      maxBuffer: 1 << 24,
    });
    const ref = new Uint16Array(buf.buffer, buf.byteOffset, buf.length / 2);
    let compared = 0;
    let worst = 0;
    for (let i = 0; i < img.width * img.height; i++) {
      const ours = [img.r[i]!, img.g[i]!, img.b[i]!];
      if (ours.some((v) => v >= 1)) continue;
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(ours[c]! - ref[i * 3 + c]! / 65535));
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
    // Half floats vs 16-bit integers: agreement to ~1e-3 means same pixels, same orientation.
    expect(worst).toBeLessThan(2e-3);
  });

  it('names the file when it is not an EXR', async () => {
    const bad = join(dir, 'bad.exr');
    writeFileSync(bad, 'nope');
    await expect(readExr(bad)).rejects.toBeInstanceOf(InputError);
    await expect(readExr(bad)).rejects.toThrow(/bad\.exr: not a readable OpenEXR image/);
    await expect(readExr(join(dir, 'missing.exr'))).rejects.toThrow(/missing\.exr: no such file/);
  });
});
