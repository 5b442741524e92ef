import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEMP_MARK } from '../../src/io/index.js';
import { runCli } from '../helpers/cli.js';
import { processesMentioning, sample, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** Every file under dir (one level of folders), for "nothing was written" checks. */
const tree = (d: string): string[] =>
  readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? readdirSync(join(d, e.name)).map((f) => `${e.name}/${f}`) : [e.name])).sort();

describe('duhdr encode / restore / upconvert on images', () => {
  it('runs a folder through encode and restore with JSON progress and summaries', async () => {
    const shots = join(dir, 'shots');
    mkdirSync(shots);
    copyFileSync(sample('city-sun.exr'), join(shots, 'sun.exr'));
    copyFileSync(sample('city-sun.exr'), join(shots, 'sun-copy.exr'));
    const sdr = join(dir, 'shots-sdr');
    const e = await runCli(['encode', shots, '-o', sdr, '--format', 'png', '--exposure', 'auto', '--json', '--batch-size', '2']);
    expect(e.stderr).toBe('');
    expect(e.code).toBe(0);
    const lines = e.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l['type'] === 'progress').at(-1)).toMatchObject({ stage: 'encode', frames: 2, totalFrames: 2 });
    expect(lines.at(-1)).toMatchObject({ type: 'summary', frames: 2, outputs: [join(sdr, 'sun-copy.png'), join(sdr, 'sun.png')] });
    const hdr = join(dir, 'shots-hdr');
    const r = await runCli(['restore', sdr, '-o', hdr]);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toMatch(new RegExp(`^restored 2 images into ${hdr} in [\\d.]+ s, [\\d.]+ MB, model classical-soft\\n$`));
    expect(readdirSync(hdr).sort()).toEqual(['sun-copy.exr', 'sun.exr']);
  });

  it('refuses a truncated JPEG in one line naming it, writing nothing', async () => {
    const good = join(dir, 'good.jpg');
    expect((await runCli(['encode', sample('city-sun.exr'), '-o', good])).code).toBe(0);
    const bytes = readFileSync(good);
    const cut = join(dir, 'cut.jpg');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    for (const cmd of ['restore', 'upconvert']) {
      const out = join(dir, `cut-${cmd}.exr`);
      const r = await runCli([cmd, cut, '-o', out]);
      expect(r).toMatchObject({ code: 1, stdout: '', stderr: `duhdr: ${cut}: is truncated: its image data ends without an end-of-image marker\n` });
      expect(existsSync(out)).toBe(false);
    }
    expect(tree(dir).filter((f) => f.includes(TEMP_MARK))).toEqual([]);
  });

  it('refuses a text file named .exr, and a JPEG without a manifest for restore, with the fix', async () => {
    const fake = join(dir, 'notes.exr');
    writeFileSync(fake, 'these are notes, not an image\n');
    const e = await runCli(['encode', fake, '-o', join(dir, 'notes.jpg')]);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(new RegExp(`^duhdr: ${fake}: not a readable OpenEXR image \\(.+\\)\\n$`));
    expect(existsSync(join(dir, 'notes.jpg'))).toBe(false);

    const plain = join(dir, 'plain.png');
    writeFileSync(plain, readFileSync(join(dir, 'shots-sdr', 'sun.png')).subarray(0, 33)); // signature + IHDR only
    const t = await runCli(['restore', plain, '-o', join(dir, 'plain.exr')]);
    expect(t).toMatchObject({ code: 1, stderr: `duhdr: ${plain}: is truncated: it ends before its IEND chunk\n` });

    const noManifest = join(dir, 'photo.jpg');
    const { ffmpeg } = await import('../helpers/media.js');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x48', '-frames:v', '1', noManifest]);
    const r = await runCli(['restore', noManifest, '-o', join(dir, 'photo.exr')]);
    expect(r).toMatchObject({
      code: 1,
      stderr: `duhdr: ${noManifest}: carries no duhdr manifest — restore needs an image made by \`duhdr encode\`; for any other SDR image use \`duhdr upconvert\`\n`,
    });
    const s = await runCli(['upconvert', noManifest, '-o', '-']);
    expect(s).toMatchObject({ code: 2, stderr: 'duhdr: images cannot be streamed to stdout — give an output file or folder\n' });
  });

  it('fails a folder with one bad file as a whole: one line naming the file, no output left', async () => {
    const mixed = join(dir, 'mixed');
    mkdirSync(mixed);
    copyFileSync(sample('city-sun.exr'), join(mixed, 'a-good.exr'));
    writeFileSync(join(mixed, 'b-bad.hdr'), '#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 4 +X 4\n\x02\x02'); // cut in the pixels
    copyFileSync(sample('city-sun.exr'), join(mixed, 'c-good.exr'));
    const out = join(dir, 'mixed-sdr');
    const r = await runCli(['encode', mixed, '-o', out]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `duhdr: ${join(mixed, 'b-bad.hdr')}: is truncated: its pixel data ends early\n` });
    expect(existsSync(out)).toBe(false); // created by the run, removed with its temporary files

    // Into a folder that exists: what was there stays, nothing new (not even a-good.jpg) appears.
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const again = await runCli(['encode', mixed, '-o', out]);
    expect(again.code).toBe(1);
    expect(readdirSync(out)).toEqual(['keep.txt']);
    expect(processesMentioning(mixed)).toEqual([]);
  });
});
