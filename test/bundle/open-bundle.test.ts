import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBundle, openBundle } from '../../src/bundle/index.js';
import { CanceledError, InputError } from '../../src/io/index.js';
import { buildZip, checksumsFor, validEntries } from './zip-fixture.js';
import { collect, randomFile, scratch, sha256 } from './helpers.js';

const { dir: root, cleanup } = scratch();
afterAll(cleanup);

let good = '';
let video: Buffer = Buffer.alloc(0);
let model: Buffer = Buffer.alloc(0);
const manifest = '{"version":1,"frames":48}';

beforeAll(async () => {
  const src = join(root, 'src');
  mkdirSync(src);
  video = randomFile(join(src, 'clip.webm'), 64 * 1024);
  model = randomFile(join(src, 'forward.onnx'), 5000);
  good = join(root, 'good.zip');
  await createBundle({ output: good, video: join(src, 'clip.webm'), manifest, models: [{ path: join(src, 'forward.onnx'), name: 'forward.onnx' }] });
});

/** A copy of the good bundle with one byte flipped inside `content` (found by its bytes). */
function tampered(name: string, content: Buffer, at = Math.floor(content.length / 2)): string {
  const bytes = readFileSync(good);
  const start = bytes.indexOf(content);
  expect(start).toBeGreaterThan(0);
  bytes[start + at] = (bytes[start + at] ?? 0) ^ 0x01;
  const file = join(root, name);
  writeFileSync(file, bytes);
  return file;
}

describe('openBundle', () => {
  it('reports a flipped video byte from verify() and from a verifying stream, naming the entry', async () => {
    const file = tampered('bad-video.zip', video);
    const bundle = await openBundle(file); // the layout is intact: opening succeeds
    try {
      const err = await bundle.verify().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(
        new RegExp(`^${file}: entry "video\\.webm" does not match checksums\\.sha256 \\(expected [0-9a-f]{12}…, got [0-9a-f]{12}…\\) — the bundle is damaged or was altered$`),
      );
      const streamErr = await collect(await bundle.openVideoStream({ verify: true })).catch((e: unknown) => e);
      expect(streamErr).toBeInstanceOf(InputError);
      expect((streamErr as Error).message).toContain('entry "video.webm" does not match');
      // Without verify the bytes come through as stored: the caller asked for no check.
      const raw = await collect(await bundle.openVideoStream());
      expect(raw.length).toBe(video.length);
      expect(sha256(raw)).not.toBe(sha256(video));
      // The manifest and model are untouched and still read fine.
      expect(await bundle.manifestText()).toBe(manifest);
      expect((await bundle.readModel('forward.onnx')).equals(model)).toBe(true);
    } finally {
      await bundle.close();
    }
    await expect(openBundle(file, { verify: true })).rejects.toThrow(/entry "video\.webm" does not match/);
  });

  it('reports a flipped model byte from readModel', async () => {
    const file = tampered('bad-model.zip', model, 0);
    const bundle = await openBundle(file);
    try {
      await expect(bundle.readModel('forward.onnx')).rejects.toThrow(/entry "models\/forward\.onnx" does not match checksums\.sha256/);
      await expect(bundle.verify()).rejects.toThrow(/entry "models\/forward\.onnx" does not match/);
    } finally {
      await bundle.close();
    }
  });

  it('reports a changed manifest byte from manifestText', async () => {
    const file = tampered('bad-manifest.zip', Buffer.from(manifest), manifest.indexOf('48'));
    const bundle = await openBundle(file);
    try {
      await expect(bundle.manifestText()).rejects.toThrow(/entry "manifest\.json" does not match checksums\.sha256/);
    } finally {
      await bundle.close();
    }
  });

  it('refuses a manifest that is not JSON even when its checksum matches', async () => {
    const file = join(root, 'not-json.zip');
    const content = [
      { name: 'manifest.json', data: Buffer.from('{oops') },
      { name: 'video.mkv', data: Buffer.from('v') },
    ];
    writeFileSync(file, buildZip([...content, { name: 'checksums.sha256', data: checksumsFor(content) }]));
    const bundle = await openBundle(file);
    try {
      await expect(bundle.manifestText()).rejects.toThrow(/^.*not-json\.zip: manifest\.json is not valid JSON/);
    } finally {
      await bundle.close();
    }
  });

  it('names a model it does not hold', async () => {
    const bundle = await openBundle(good);
    try {
      await expect(bundle.readModel('reverse.onnx')).rejects.toThrow(`${good}: holds no model "reverse.onnx" (models: forward.onnx)`);
      await expect(bundle.readModel('../forward.onnx')).rejects.toBeInstanceOf(InputError);
    } finally {
      await bundle.close();
    }
  });

  it('reads entries of a bundle another zip writer made (no data descriptors)', async () => {
    const file = join(root, 'handmade.zip');
    writeFileSync(file, buildZip(validEntries([{ name: 'models/empty.onnx', data: Buffer.alloc(0) }])));
    const bundle = await openBundle(file, { verify: true });
    try {
      expect(bundle.videoName).toBe('video.mkv');
      expect((await bundle.readModel('empty.onnx')).length).toBe(0);
      expect((await collect(await bundle.openVideoStream({ verify: true }))).toString()).toBe('not really a video, but bytes all the same');
    } finally {
      await bundle.close();
    }
  });

  it('refuses files that are not bundles', async () => {
    const text = join(root, 'text.zip');
    writeFileSync(text, 'just some text that is long enough to look for an end record in');
    await expect(openBundle(text)).rejects.toThrow(`${text}: is not a zip archive (no end-of-central-directory record)`);
    await expect(openBundle(join(root, 'missing.zip'))).rejects.toThrow(`${join(root, 'missing.zip')}: no such file`);
    await expect(openBundle(root)).rejects.toThrow(`${root}: is not a regular file`);
  });

  it('refuses a truncated bundle', async () => {
    const file = join(root, 'truncated.zip');
    writeFileSync(file, readFileSync(good));
    truncateSync(file, 40 * 1024); // cut inside the video: the central directory is gone
    const err = await openBundle(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/truncated\.zip: is not a zip archive/);
  });

  it('stops verify when its signal aborts', async () => {
    const bundle = await openBundle(good);
    try {
      await expect(bundle.verify({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CanceledError);
      await expect(openBundle(good, { verify: true, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CanceledError);
    } finally {
      await bundle.close();
    }
  });

  it('fails reads after close, and closes twice quietly', async () => {
    const bundle = await openBundle(good);
    await bundle.close();
    await bundle.close();
    await expect(bundle.manifestText()).rejects.toThrow(/bundle is closed/);
  });
});
