/** Bundles are untrusted input: each hostile archive is refused on open and unpack writes nothing. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ZipFile, type Options } from 'yazl';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_ENTRIES, openBundle, unpackBundle } from '../../src/bundle/index.js';
import { InputError } from '../../src/io/index.js';
import { buildZip, checksumsFor, localRecord, validEntries, type FixtureEntry } from './zip-fixture.js';
import { collect, listFiles, scratch } from './helpers.js';

const { dir: root, cleanup } = scratch();
afterAll(cleanup);

type YazlEntry = { name: string; data: Buffer; options?: Partial<Options> } | { dir: string };

/** An archive written by yazl itself (stored unless an entry says otherwise). */
async function yazlZip(entries: readonly YazlEntry[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const e of entries) {
    if ('dir' in e) zip.addEmptyDirectory(e.dir);
    else zip.addBuffer(e.data, e.name, { compress: false, ...e.options });
  }
  zip.end();
  return collect(zip.outputStream as Readable);
}

const manifest = { name: 'manifest.json', data: Buffer.from('{"version":1}') };
const video = { name: 'video.mkv', data: Buffer.from('frames '.repeat(200)) };
/** Manifest, video, whatever else, and a checksums.sha256 that matches all of them. */
function withSums(...content: { name: string; data: Buffer; options?: Partial<Options> }[]): YazlEntry[] {
  return [...content, { name: 'checksums.sha256', data: checksumsFor(content) }];
}
/** validEntries() with one entry replaced (checksums left as they were). */
function replacing(name: string, change: Partial<FixtureEntry>): FixtureEntry[] {
  return validEntries().map((e) => (e.name === name ? { ...e, ...change } : e));
}

type Case = { title: string; zip: () => Buffer | Promise<Buffer>; problem: (refuse: string) => string };

const cases: Case[] = [
  {
    title: 'zip-slip: a name that climbs out',
    zip: () => buildZip(validEntries([{ name: '../evil', data: Buffer.from('pwned') }])),
    problem: (r) => `entry "../evil" escapes the bundle — ${r}`,
  },
  {
    title: 'zip-slip: a model name that climbs out',
    zip: () => buildZip(validEntries([{ name: 'models/../../evil.onnx', data: Buffer.from('pwned') }])),
    problem: (r) => `entry "models/../../evil.onnx" escapes the bundle — ${r}`,
  },
  {
    title: 'an absolute path',
    zip: () => buildZip(validEntries([{ name: '/tmp/evil', data: Buffer.from('pwned') }])),
    problem: (r) => `entry "/tmp/evil" is an absolute path — ${r}`,
  },
  {
    title: 'a drive letter',
    zip: () => buildZip(validEntries([{ name: 'C:/evil', data: Buffer.from('pwned') }])),
    problem: (r) => `entry "C:/evil" starts with a drive letter — ${r}`,
  },
  {
    title: 'a backslash',
    zip: () => buildZip(validEntries([{ name: 'models\\..\\evil', data: Buffer.from('pwned') }])),
    problem: (r) => `entry "models\\\\..\\\\evil" has a backslash in its name — ${r}`,
  },
  {
    title: 'a NUL byte',
    zip: () => buildZip(validEntries([{ name: 'models/a.onnx\0.txt', data: Buffer.from('x') }])),
    problem: (r) => `entry "models/a.onnx\\u0000.txt" has a NUL byte in its name — ${r}`,
  },
  {
    title: 'an entry a bundle does not hold',
    zip: () => yazlZip(withSums(manifest, video, { name: 'notes.txt', data: Buffer.from('hi') })),
    problem: (r) =>
      `entry "notes.txt" is not part of a duhdr bundle (expected manifest.json, video.mkv|.mp4|.webm, models/<name> or checksums.sha256) — ${r}`,
  },
  {
    title: 'a directory entry',
    zip: () => yazlZip([{ dir: 'models' }, ...withSums(manifest, video)]),
    problem: (r) => `entry "models/" is not part of a duhdr bundle (expected manifest.json, video.mkv|.mp4|.webm, models/<name> or checksums.sha256) — ${r}`,
  },
  {
    title: 'a deflated entry',
    zip: () => yazlZip(withSums(manifest, { ...video, options: { compress: true } })),
    problem: (r) => `entry "video.mkv" is compressed (method 8, deflate); bundle entries are stored uncompressed — ${r}`,
  },
  {
    title: 'a local header that says deflate where the central directory says stored',
    zip: () => buildZip(replacing('video.mkv', { localMethod: 8 })),
    problem: (r) => `entry "video.mkv" is compressed (method 8, deflate) in its local header; bundle entries are stored uncompressed — ${r}`,
  },
  {
    title: 'a local header with another name than the central directory',
    zip: () => buildZip(replacing('video.mkv', { localName: '../evil' })),
    problem: (r) => `entry "video.mkv" is named "../evil" in its local header — the archive is inconsistent; ${r}`,
  },
  {
    title: 'a duplicated name',
    zip: () => yazlZip(withSums(manifest, video, { name: 'video.mkv', data: Buffer.from('other frames') })),
    problem: (r) => `entry "video.mkv" appears twice — ${r}`,
  },
  {
    title: 'a symbolic link',
    zip: () => buildZip(validEntries([{ name: 'models/link.onnx', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 }])),
    problem: (r) => `entry "models/link.onnx" is a symbolic link — ${r}`,
  },
  {
    title: 'a symbolic link written by yazl',
    zip: () => yazlZip(withSums(manifest, video, { name: 'models/link.onnx', data: Buffer.from('/etc/passwd'), options: { mode: 0o120777 } })),
    problem: (r) => `entry "models/link.onnx" is a symbolic link — ${r}`,
  },
  {
    title: 'an encrypted entry',
    zip: () => buildZip(replacing('video.mkv', { flags: 0x801 })),
    problem: (r) => `entry "video.mkv" is encrypted — ${r}`,
  },
  {
    title: 'no checksums.sha256',
    zip: () => yazlZip([manifest, video]),
    problem: (r) => `has no checksums.sha256, so its contents cannot be checked — ${r}`,
  },
  {
    title: 'no manifest.json',
    zip: () => yazlZip(withSums(video)),
    problem: () => 'has no manifest.json — not a duhdr bundle, or it was damaged',
  },
  {
    title: 'no video',
    zip: () => yazlZip(withSums(manifest)),
    problem: () => 'has no video entry (expected one of video.mkv, video.mp4, video.webm)',
  },
  {
    title: 'two videos',
    zip: () => yazlZip(withSums(manifest, video, { name: 'video.mp4', data: Buffer.from('more') })),
    problem: (r) => `holds 2 videos (video.mkv, video.mp4); a bundle holds exactly one — ${r}`,
  },
  {
    title: 'an entry checksums.sha256 does not list',
    zip: () => yazlZip([manifest, video, { name: 'models/a.onnx', data: Buffer.from('m') }, { name: 'checksums.sha256', data: checksumsFor([manifest, video]) }]),
    problem: (r) => `entry "models/a.onnx" has no line in checksums.sha256, so it cannot be checked — ${r}`,
  },
  {
    title: 'checksums.sha256 listing an entry that is not there',
    zip: () => yazlZip([manifest, video, { name: 'checksums.sha256', data: checksumsFor([manifest, video, { name: 'models/a.onnx', data: Buffer.from('m') }]) }]),
    problem: () => 'checksums.sha256 lists "models/a.onnx", which the bundle does not hold — it is incomplete',
  },
  {
    title: 'a malformed checksums line',
    zip: () => yazlZip([manifest, video, { name: 'checksums.sha256', data: Buffer.from('d41d8cd98f00b204e9800998ecf8427e  video.mkv\n') }]),
    problem: (r) => `checksums.sha256 line 1 is not "<sha256>  <name>": "d41d8cd98f00b204e9800998ecf8427e  video.mkv" — ${r}`,
  },
  {
    title: 'a manifest over 16 MiB (by its header)',
    zip: () => buildZip(replacing('manifest.json', { claimedSize: 16 * 1024 * 1024 + 1 })),
    problem: (r) => `entry "manifest.json" is 16.0 MiB; a bundle's manifest may be at most 16 MiB — ${r}`,
  },
  {
    title: 'a model over 256 MiB (by its header)',
    zip: () => buildZip(validEntries([{ name: 'models/big.onnx', data: Buffer.from('m'), claimedSize: 300 * 1024 * 1024 }])),
    problem: (r) => `entry "models/big.onnx" is 300 MiB; a bundle's model may be at most 256 MiB — ${r}`,
  },
  {
    title: `more than ${MAX_ENTRIES} entries`,
    zip: () =>
      yazlZip(withSums(manifest, video, ...Array.from({ length: MAX_ENTRIES - 2 }, (_, i) => ({ name: `models/m${i}.onnx`, data: Buffer.from([i]) })))),
    problem: (r) => `holds ${MAX_ENTRIES + 1} entries; a bundle holds at most ${MAX_ENTRIES} — ${r}`,
  },
  {
    title: 'an end record whose two entry counts disagree',
    // node-stream-zip would parse the disk count; the limit is checked on the total.
    zip: () => buildZip(validEntries(), { entryCount: 3, diskEntryCount: 60000 }),
    problem: () => 'is a damaged zip archive (its end record counts 60000 entries on this disk but 3 in all)',
  },
  {
    title: 'an end record that announces fewer entries than the central directory holds',
    zip: () => buildZip(validEntries([{ name: 'models/a.onnx', data: Buffer.from('m') }]), { entryCount: 3 }),
    // The 4th record (checksums.sha256) is never read: the archive is what its end record says.
    problem: (r) => `has no checksums.sha256, so its contents cannot be checked — ${r}`,
  },
  {
    title: 'an entry whose data runs into the central directory',
    zip: () => buildZip(replacing('checksums.sha256', { claimedSize: 4096 })),
    problem: () => 'entry "checksums.sha256" runs past the start of the central directory — the archive is truncated or damaged',
  },
  {
    title: 'overlapping entries (the data of one holds the other)',
    zip: () => {
      // video.mkv's data is a complete local record for models/m.onnx, and the central directory
      // points at both: every byte of the model would be read twice (the zip-bomb overlap trick).
      const inner = Buffer.from('inner model bytes');
      const record = localRecord('models/m.onnx', inner);
      const content: FixtureEntry[] = [manifest, { name: 'video.mkv', data: record }];
      const entries = [...content, { name: 'models/m.onnx', data: inner }];
      const sums = { name: 'checksums.sha256', data: checksumsFor(entries.map((e) => ({ name: String(e.name), data: e.data }))) };
      const honest = buildZip([...content, sums]);
      // Where video.mkv's data (the inner record) starts: after the manifest's record and video's header.
      const innerOffset = 30 + manifest.name.length + manifest.data.length + 30 + 'video.mkv'.length;
      expect(honest.subarray(innerOffset, innerOffset + 4).readUInt32LE(0)).toBe(0x04034b50);
      return buildZip([...content, { name: 'models/m.onnx', data: Buffer.alloc(0), offsetOverride: innerOffset, claimedSize: inner.length }, sums]);
    },
    problem: (r) => `entry "models/m.onnx" overlaps the entry before it — the archive is crafted or damaged; ${r}`,
  },
];

describe('hostile bundles', () => {
  let n = 0;
  it.each(cases)('refuses $title', async ({ zip, problem }) => {
    const file = join(root, `case-${++n}.zip`);
    writeFileSync(file, await zip());

    const opened = await openBundle(file).catch((e: unknown) => e);
    expect(opened).toBeInstanceOf(InputError);
    expect((opened as Error).message).toBe(`${file}: ${problem('refusing to open')}`);

    // A folder unpack must create stays uncreated…
    const fresh = join(root, `out-${n}`);
    const unpacked = await unpackBundle(file, fresh).catch((e: unknown) => e);
    expect(unpacked).toBeInstanceOf(InputError);
    expect((unpacked as Error).message).toBe(`${file}: ${problem('refusing to unpack')}`);
    expect(existsSync(fresh)).toBe(false);
    // …and one that exists stays empty.
    const existing = join(root, `existing-${n}`);
    mkdirSync(existing);
    await expect(unpackBundle(file, existing)).rejects.toBeInstanceOf(InputError);
    expect(listFiles(existing)).toEqual([]);
    expect(existsSync(join(root, 'evil'))).toBe(false);
  });

  it('has fixtures that are valid apart from the one defect', async () => {
    // Guards the cases above: the untouched fixtures open and verify.
    const hand = join(root, 'hand.zip');
    writeFileSync(hand, buildZip(validEntries([{ name: 'models/a.onnx', data: Buffer.from('model') }])));
    const yazl = join(root, 'yazl.zip');
    writeFileSync(yazl, await yazlZip(withSums(manifest, video, { name: 'models/a.onnx', data: Buffer.from('model') })));
    for (const file of [hand, yazl]) {
      const bundle = await openBundle(file, { verify: true });
      expect(bundle.modelNames).toEqual(['a.onnx']);
      await bundle.close();
    }
  });
});
