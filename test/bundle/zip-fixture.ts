/**
 * Hand-written zip archives for the cases yazl refuses to write (names that escape, lies in
 * headers). Stored entries, no data descriptors, APPNOTE.TXT 4.3 layout.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export type FixtureEntry = {
  /** The central directory name (a Buffer for raw bytes). */
  name: string | Buffer;
  /** The bytes stored in the archive. */
  data: Buffer;
  /** Compression method in both headers (data is stored as given regardless). */
  method?: number;
  /** Overrides for the local header only. */
  localMethod?: number;
  localName?: string;
  /** Unix mode in the external attributes; default a plain file. */
  unixMode?: number;
  flags?: number;
  /** Overrides the sizes the central directory claims. */
  claimedSize?: number;
  /** Points the central directory at another offset than where the local header was written. */
  offsetOverride?: number;
};

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A checksums.sha256 for `entries` (sha256sum's format). */
export function checksumsFor(entries: readonly { name: string; data: Buffer }[]): Buffer {
  return Buffer.from(entries.map((e) => `${sha256(e.data)}  ${e.name}\n`).join(''));
}

/** The entries of a well-formed small bundle, checksums last; tests spoil one thing at a time. */
export function validEntries(extra: FixtureEntry[] = []): FixtureEntry[] {
  const content: FixtureEntry[] = [
    { name: 'manifest.json', data: Buffer.from('{"version":1}') },
    { name: 'video.mkv', data: Buffer.from('not really a video, but bytes all the same') },
    ...extra,
  ];
  const sums = checksumsFor(content.map((e) => ({ name: e.name.toString(), data: e.data })));
  return [...content, { name: 'checksums.sha256', data: sums }];
}

/** Serialise entries into zip bytes; the counts override the end record's (in all, on this disk). */
export function buildZip(entries: readonly FixtureEntry[], options: { entryCount?: number; diskEntryCount?: number } = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.isBuffer(e.name) ? e.name : Buffer.from(e.name, 'utf8');
    const localName = e.localName === undefined ? name : Buffer.from(e.localName, 'utf8');
    const method = e.method ?? 0;
    const crc = crc32(e.data);
    const size = e.claimedSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.flags ?? 0x800, 6);
    local.writeUInt16LE(e.localMethod ?? method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(localName.length, 26);
    local.writeUInt16LE(0, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE((3 << 8) | 20, 4); // made by unix
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(e.flags ?? 0x800, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(size, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(((e.unixMode ?? 0o100644) << 16) >>> 0, 38);
    cd.writeUInt32LE(e.offsetOverride ?? offset, 42);
    central.push(cd, name);
    parts.push(local, localName, e.data);
    offset += local.length + localName.length + e.data.length;
  }
  const cdBytes = Buffer.concat(central);
  const count = options.entryCount ?? entries.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(options.diskEntryCount ?? count, 8);
  eocd.writeUInt16LE(count, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBytes, eocd]);
}

/** A local header + data for `name`, to embed inside another entry's data (overlap attacks). */
export function localRecord(name: string, data: Buffer): Buffer {
  return buildZip([{ name, data }]).subarray(0, 30 + Buffer.byteLength(name) + data.length);
}
