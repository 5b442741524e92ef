/**
 * A bundle past 4 GiB, where zip64 is required rather than forced. Writes ~4.3 GB, so it runs
 * only with DUHDR_LARGE_TESTS=1 (the small forced-zip64 test in create-bundle covers the readers).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import StreamZip from 'node-stream-zip';
import { afterAll, describe, expect, it } from 'vitest';
import { createBundle, openBundle } from '../../src/bundle/index.js';
import { HashingStream } from '../../src/bundle/checksums.js';
import { randomFile, scratch } from './helpers.js';

const GiB = 1024 * 1024 * 1024;

describe.skipIf(!process.env['DUHDR_LARGE_TESTS'])('a bundle over 4 GiB', () => {
  let cleanup = (): void => {};
  afterAll(() => cleanup());

  it('writes zip64 records on its own and reads every entry back', { timeout: 600_000 }, async () => {
    const made = scratch();
    cleanup = made.cleanup;
    const { dir } = made;
    // A sparse video: a marker at the start and at the end, zeros between.
    const video = join(dir, 'big.mkv');
    const size = 4 * GiB + 1024 * 1024 + 7;
    const fd = openSync(video, 'w');
    writeSync(fd, Buffer.from('START'), 0, 5, 0);
    writeSync(fd, Buffer.from('END'), 0, 3, size - 3);
    closeSync(fd);
    const model = randomFile(join(dir, 'forward.onnx'), 4096); // its local header lies past 4 GiB
    const output = join(dir, 'big.zip');
    const created = await createBundle({ output, video, manifest: '{"big":true}', models: [{ path: join(dir, 'forward.onnx'), name: 'forward.onnx' }] });
    expect(created.bytes).toBeGreaterThan(size);

    const zip = new StreamZip.async({ file: output });
    const entries = await zip.entries();
    expect(entries['video.mkv']?.size).toBe(size);
    expect(entries['models/forward.onnx']?.offset).toBeGreaterThan(4 * GiB);
    await zip.close();

    const bundle = await openBundle(output, { verify: true });
    try {
      expect(bundle.videoSize).toBe(size);
      expect((await bundle.readModel('forward.onnx')).equals(model)).toBe(true);
      const hasher = new HashingStream();
      let last: Buffer = Buffer.alloc(0);
      await pipeline(await bundle.openVideoStream({ verify: true }), hasher, new Writable({ write: (c: Buffer, _e, cb) => { last = c; cb(); } }));
      expect(hasher.bytes).toBe(size);
      expect(last.subarray(-3).toString()).toBe('END');
      expect(hasher.sha256).toBe(created.entries[1]?.sha256);
    } finally {
      await bundle.close();
    }
    expect(execFileSync('unzip', ['-t', output], { encoding: 'utf8' })).toMatch(/No errors detected/);
    expect(statSync(output).size).toBe(created.bytes);
  });
});
