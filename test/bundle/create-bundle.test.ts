import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import StreamZip from 'node-stream-zip';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECKSUMS_ENTRY, MAX_ENTRIES, createBundle, openBundle } from '../../src/bundle/index.js';
import { CanceledError, InputError, OptionError, TEMP_MARK } from '../../src/io/index.js';
import { collect, listFiles, randomFile, scratch, sha256 } from './helpers.js';

const { dir: root, cleanup } = scratch();
afterAll(cleanup);
let n = 0;

/** A folder with a 40 KiB video, two models and a manifest. */
function fixture(videoBytes = 40 * 1024) {
  const dir = join(root, `case-${++n}`);
  mkdirSync(dir);
  const video = join(dir, 'clip.mkv');
  const forward = join(dir, 'forward.onnx');
  const reverse = join(dir, 'reverse.onnx');
  const manifest = JSON.stringify({ version: 1, transfer: 'pq', note: 'ünïcode ✓' });
  return {
    dir,
    video,
    forward,
    reverse,
    manifest,
    output: join(dir, 'clip.duhdr.zip'),
    videoBytes: randomFile(video, videoBytes),
    forwardBytes: randomFile(forward, 3000),
    reverseBytes: randomFile(reverse, 1234),
  };
}

describe('createBundle', () => {
  it('round-trips manifest, video and models through openBundle', async () => {
    const f = fixture();
    const created = await createBundle({
      output: f.output,
      video: f.video,
      manifest: f.manifest,
      models: [
        { path: f.forward, name: 'forward.onnx' },
        { path: f.reverse, name: 'reverse.onnx' },
      ],
    });
    expect(created.output).toBe(f.output);
    expect(created.bytes).toBe(statSync(f.output).size);
    expect(created.entries.map((e) => [e.name, e.size, e.sha256])).toEqual([
      ['manifest.json', Buffer.byteLength(f.manifest), sha256(Buffer.from(f.manifest))],
      ['video.mkv', f.videoBytes.length, sha256(f.videoBytes)],
      ['models/forward.onnx', 3000, sha256(f.forwardBytes)],
      ['models/reverse.onnx', 1234, sha256(f.reverseBytes)],
      [CHECKSUMS_ENTRY, expect.any(Number), expect.stringMatching(/^[0-9a-f]{64}$/)],
    ]);

    const bundle = await openBundle(f.output);
    try {
      expect(await bundle.manifestText()).toBe(f.manifest);
      expect(bundle.videoName).toBe('video.mkv');
      expect(bundle.videoSize).toBe(f.videoBytes.length);
      expect(sha256(await collect(await bundle.openVideoStream()))).toBe(sha256(f.videoBytes));
      expect(sha256(await collect(await bundle.openVideoStream({ verify: true })))).toBe(sha256(f.videoBytes));
      expect(bundle.modelNames).toEqual(['forward.onnx', 'reverse.onnx']);
      expect((await bundle.readModel('forward.onnx')).equals(f.forwardBytes)).toBe(true);
      expect((await bundle.readModel('reverse.onnx')).equals(f.reverseBytes)).toBe(true);
      await expect(bundle.verify()).resolves.toBeUndefined();
      expect(bundle.entries).toEqual(created.entries);
    } finally {
      await bundle.close();
    }
  });

  it('stores every entry uncompressed, checksums.sha256 last, in sha256sum format', async () => {
    const f = fixture();
    const created = await createBundle({ output: f.output, video: f.video, manifest: f.manifest, models: [{ path: f.forward, name: 'forward.onnx' }] });
    const zip = new StreamZip.async({ file: f.output });
    try {
      const entries = Object.values(await zip.entries());
      expect(entries.map((e) => e.name)).toEqual(['manifest.json', 'video.mkv', 'models/forward.onnx', CHECKSUMS_ENTRY]);
      for (const e of entries) {
        expect(e.method, e.name).toBe(0);
        expect(e.compressedSize, e.name).toBe(e.size);
      }
      const sums = (await zip.entryData(CHECKSUMS_ENTRY)).toString('utf8');
      expect(sums).toBe(
        created.entries
          .filter((e) => e.name !== CHECKSUMS_ENTRY)
          .map((e) => `${e.sha256}  ${e.name}\n`)
          .join(''),
      );
    } finally {
      await zip.close();
    }
  });

  it('writes an archive Info-ZIP unzip accepts, with sums sha256sum -c accepts', async (ctx) => {
    const f = fixture();
    await createBundle({ output: f.output, video: f.video, manifest: f.manifest, models: [{ path: f.forward, name: 'forward.onnx' }] });
    let hasTools = true;
    try {
      execFileSync('unzip', ['-v'], { stdio: 'ignore' });
      execFileSync('sha256sum', ['--version'], { stdio: 'ignore' });
    } catch {
      hasTools = false;
    }
    if (!hasTools) return ctx.skip();
    expect(execFileSync('unzip', ['-t', f.output], { encoding: 'utf8' })).toMatch(/No errors detected/);
    const out = join(f.dir, 'unzipped');
    execFileSync('unzip', ['-q', f.output, '-d', out]);
    expect(execFileSync('sha256sum', ['-c', CHECKSUMS_ENTRY], { cwd: out, encoding: 'utf8' })).toMatch(/video\.mkv: OK/);
    expect(readFileSync(join(out, 'video.mkv')).equals(f.videoBytes)).toBe(true);
  });

  it('writes zip64 records when asked, and reads them back', async () => {
    const f = fixture();
    await createBundle({ output: f.output, video: f.video, manifest: f.manifest, models: [{ path: f.forward, name: 'forward.onnx' }], forceZip64: true });
    const bytes = readFileSync(f.output);
    const zip64EndRecord = Buffer.from([0x50, 0x4b, 0x06, 0x06]);
    const zip64Locator = Buffer.from([0x50, 0x4b, 0x06, 0x07]);
    expect(bytes.includes(zip64EndRecord)).toBe(true);
    expect(bytes.includes(zip64Locator)).toBe(true);
    const bundle = await openBundle(f.output, { verify: true });
    try {
      expect(sha256(await collect(await bundle.openVideoStream({ verify: true })))).toBe(sha256(f.videoBytes));
      expect((await bundle.readModel('forward.onnx')).equals(f.forwardBytes)).toBe(true);
    } finally {
      await bundle.close();
    }
  });

  it('bundles a video with no models, an .mp4 and an empty video', async () => {
    const f = fixture(0);
    const mp4 = join(f.dir, 'empty.mp4');
    writeFileSync(mp4, Buffer.alloc(0));
    await createBundle({ output: f.output, video: mp4, manifest: Buffer.from('[]') });
    const bundle = await openBundle(f.output, { verify: true });
    try {
      expect([bundle.videoName, bundle.videoSize, bundle.modelNames]).toEqual(['video.mp4', 0, []]);
      expect((await collect(await bundle.openVideoStream({ verify: true }))).length).toBe(0);
      expect(await bundle.manifestText()).toBe('[]');
    } finally {
      await bundle.close();
    }
  });

  it('replaces an existing output only when it succeeds', async () => {
    const f = fixture();
    writeFileSync(f.output, 'old bundle');
    await createBundle({ output: f.output, video: f.video, manifest: f.manifest });
    expect(readFileSync(f.output).subarray(0, 2).toString()).toBe('PK');
  });

  it('leaves no output and no temp file when aborted mid-write', async () => {
    const f = fixture(512 * 1024);
    writeFileSync(f.output, 'old bundle');
    const controller = new AbortController();
    let calls = 0;
    const err = await createBundle({
      output: f.output,
      video: f.video,
      manifest: f.manifest,
      models: [{ path: f.forward, name: 'forward.onnx' }],
      signal: controller.signal,
      onProgress: ({ bytesWritten, totalBytes }) => {
        calls++;
        expect(bytesWritten).toBeLessThan(totalBytes);
        controller.abort(); // after the first video chunk has been written
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CanceledError);
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(readFileSync(f.output, 'utf8')).toBe('old bundle');
    expect(listFiles(f.dir).filter((name) => name.includes(TEMP_MARK))).toEqual([]);
  });

  it('writes nothing when the signal is already aborted', async () => {
    const f = fixture();
    const err = await createBundle({ output: f.output, video: f.video, manifest: f.manifest, signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CanceledError);
    expect(existsSync(f.output)).toBe(false);
    expect(listFiles(f.dir)).toEqual(['clip.mkv', 'forward.onnx', 'reverse.onnx']);
  });

  it('fails with the model path and leaves no file when a model vanishes mid-write', async () => {
    const f = fixture();
    let removed = false;
    const err = await createBundle({
      output: f.output,
      video: f.video,
      manifest: f.manifest,
      models: [{ path: f.forward, name: 'forward.onnx' }],
      onProgress: () => {
        // The video is being written; the model is opened only after it.
        if (!removed) rmSync(f.forward);
        removed = true;
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`${f.forward}: disappeared while it was being bundled`);
    expect(listFiles(f.dir)).toEqual(['clip.mkv', 'reverse.onnx']);
  });

  it('validates options before touching the disk', async () => {
    const f = fixture();
    const base = { output: f.output, video: f.video, manifest: f.manifest };
    await expect(createBundle({ ...base, models: [{ path: f.forward, name: '../forward.onnx' }] })).rejects.toThrow(
      /^options\.models\[0\]\.name must be a plain file name .* got "\.\.\/forward\.onnx"$/,
    );
    await expect(createBundle({ ...base, models: [{ path: f.forward, name: '.hidden' }] })).rejects.toBeInstanceOf(OptionError);
    await expect(
      createBundle({ ...base, models: [{ path: f.forward, name: 'a.onnx' }, { path: f.reverse, name: 'a.onnx' }] }),
    ).rejects.toThrow('options.models[1].name "a.onnx" is used by an earlier model');
    await expect(createBundle({ ...base, manifest: '{"unterminated": ' })).rejects.toThrow(/^options\.manifest must be JSON text/);
    await expect(createBundle({ ...base, video: join(f.dir, 'clip.avi') })).rejects.toThrow(
      /^options\.video must be a \.mkv, \.mp4, \.webm file, got ".*clip\.avi"$/,
    );
    const many = Array.from({ length: MAX_ENTRIES - 2 }, (_, i) => ({ path: f.forward, name: `m${i}.onnx` }));
    await expect(createBundle({ ...base, models: many })).rejects.toThrow(`options.models holds ${MAX_ENTRIES - 2} models; a bundle holds at most ${MAX_ENTRIES - 3}`);
    await expect(createBundle({ ...base, video: join(f.dir, 'missing.mkv') })).rejects.toThrow(`${join(f.dir, 'missing.mkv')}: no such file`);
    await expect(createBundle({ ...base, output: f.video })).rejects.toThrow(/same as the input/);
    expect(listFiles(f.dir)).toEqual(['clip.mkv', 'forward.onnx', 'reverse.onnx']);
  });
});
