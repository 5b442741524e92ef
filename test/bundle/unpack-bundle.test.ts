import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBundle, unpackBundle } from '../../src/bundle/index.js';
import { commitNoClobber } from '../../src/bundle/unpack-bundle.js';
import { CanceledError, InputError } from '../../src/io/index.js';
import { listFiles, randomFile, scratch } from './helpers.js';

const { dir: root, cleanup } = scratch();
afterAll(cleanup);

const manifest = '{"version":1}';
let bundle = '';
let video: Buffer = Buffer.alloc(0);
let forward: Buffer = Buffer.alloc(0);
let reverse: Buffer = Buffer.alloc(0);

beforeAll(async () => {
  const src = join(root, 'src');
  mkdirSync(src);
  video = randomFile(join(src, 'clip.mkv'), 48 * 1024);
  forward = randomFile(join(src, 'forward.onnx'), 2048);
  reverse = randomFile(join(src, 'reverse.onnx'), 100);
  bundle = join(root, 'clip.zip');
  await createBundle({
    output: bundle,
    video: join(src, 'clip.mkv'),
    manifest,
    models: [
      { path: join(src, 'forward.onnx'), name: 'forward.onnx' },
      { path: join(src, 'reverse.onnx'), name: 'reverse.onnx' },
    ],
  });
});

/** The bundle with one byte of the video flipped. */
function tamperedCopy(): string {
  const bytes = readFileSync(bundle);
  const at = bytes.indexOf(video) + 1000;
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  const file = join(root, `tampered-${Math.random().toString(36).slice(2)}.zip`);
  writeFileSync(file, bytes);
  return file;
}

const ALL = ['checksums.sha256', 'manifest.json', 'models', 'models/forward.onnx', 'models/reverse.onnx', 'video.mkv'];

describe('unpackBundle', () => {
  it('writes every entry, identical to the sources, into a folder it creates', async () => {
    const out = join(root, 'deep', 'out');
    const written = await unpackBundle(bundle, out);
    expect(written).toEqual(['manifest.json', 'video.mkv', 'models/forward.onnx', 'models/reverse.onnx', 'checksums.sha256'].map((n) => join(out, n)));
    expect(listFiles(out)).toEqual(ALL);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(manifest);
    expect(readFileSync(join(out, 'video.mkv')).equals(video)).toBe(true);
    expect(readFileSync(join(out, 'models', 'forward.onnx')).equals(forward)).toBe(true);
    expect(readFileSync(join(out, 'models', 'reverse.onnx')).equals(reverse)).toBe(true);
  });

  it('leaves a folder sha256sum -c can check', async (ctx) => {
    const out = join(root, 'for-sha256sum');
    await unpackBundle(bundle, out);
    try {
      execFileSync('sha256sum', ['--version'], { stdio: 'ignore' });
    } catch {
      return ctx.skip();
    }
    const report = execFileSync('sha256sum', ['-c', 'checksums.sha256'], { cwd: out, encoding: 'utf8' });
    expect(report.trim().split('\n')).toEqual([
      'manifest.json: OK',
      'video.mkv: OK',
      'models/forward.onnx: OK',
      'models/reverse.onnx: OK',
    ]);
  });

  it('refuses a damaged video and leaves nothing behind, not even the folder it made', async () => {
    const file = tamperedCopy();
    const out = join(root, 'damaged', 'out');
    const err = await unpackBundle(file, out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(new RegExp(`^${file}: entry "video\\.mkv" does not match checksums\\.sha256`));
    expect(existsSync(join(root, 'damaged'))).toBe(false);
  });

  it('keeps a folder that existed, and its files, when a checksum fails', async () => {
    const out = join(root, 'mine');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'keep me');
    await expect(unpackBundle(tamperedCopy(), out)).rejects.toThrow(/entry "video\.mkv" does not match/);
    expect(listFiles(out)).toEqual(['notes.txt']);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('never overwrites an existing file, and writes nothing else', async () => {
    const out = join(root, 'occupied');
    mkdirSync(join(out, 'models'), { recursive: true });
    writeFileSync(join(out, 'models', 'reverse.onnx'), 'mine');
    const err = await unpackBundle(bundle, out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`${join(out, 'models', 'reverse.onnx')}: already exists — unpack never overwrites; unpack into an empty folder`);
    expect(listFiles(out)).toEqual(['models', 'models/reverse.onnx']);
    expect(readFileSync(join(out, 'models', 'reverse.onnx'), 'utf8')).toBe('mine');
  });

  it('says so when the target is a file', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    await expect(unpackBundle(bundle, file)).rejects.toThrow(`${file}: exists and is not a folder`);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('stops when its signal aborts and leaves nothing', async () => {
    const out = join(root, 'aborted');
    await expect(unpackBundle(bundle, out, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CanceledError);
    expect(existsSync(out)).toBe(false);
  });
});

describe('commitNoClobber', () => {
  it('refuses a target that appeared after the up-front check, keeping both files', async () => {
    const temp = join(root, '.late.duhdr-tmp-1.bin');
    const target = join(root, 'late.bin');
    writeFileSync(temp, 'ours');
    writeFileSync(target, 'theirs');
    await expect(commitNoClobber(temp, target)).rejects.toThrow(`${target}: appeared while unpacking — unpack never overwrites`);
    expect(readFileSync(target, 'utf8')).toBe('theirs');
    expect(readFileSync(temp, 'utf8')).toBe('ours'); // the caller discards it
  });

  it('moves the temp file into place when the target is free', async () => {
    const temp = join(root, '.free.duhdr-tmp-1.bin');
    const target = join(root, 'free.bin');
    writeFileSync(temp, 'ours');
    await commitNoClobber(temp, target);
    expect(readFileSync(target, 'utf8')).toBe('ours');
    expect(existsSync(temp)).toBe(false);
  });
});
