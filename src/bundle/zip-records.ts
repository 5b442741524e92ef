/**
 * The few zip records a bundle reader checks itself (APPNOTE.TXT 4.3): the end-of-central-
 * directory record (to bound the entry count before anything is parsed) and each entry's local
 * header (which node-stream-zip trusts over the central directory when streaming).
 */
import type { FileHandle } from 'node:fs/promises';

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const ZIP64_EOCD_SIZE = 56;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;

/** A zip structure is malformed; the message is one clause, the caller names the file. */
export class ZipStructureError extends Error {
  override name = 'ZipStructureError';
}

export type CentralDirectory = {
  /** Entries the end record announces. */
  entries: number;
  /** Where the central directory starts: every entry's data must end before this. */
  offset: number;
  size: number;
  zip64: boolean;
};

export type LocalHeader = {
  flags: number;
  method: number;
  /** The raw name bytes, to compare with the central directory's. */
  name: Buffer;
  /** Where the entry's data starts. */
  dataStart: number;
};

/** Read up to `length` bytes at `position`; shorter only at end of file. */
export async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

function u64(buffer: Buffer, offset: number, what: string): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipStructureError(`its zip64 ${what} (${value}) is impossibly large`);
  return Number(value);
}

/**
 * Find the end-of-central-directory record (scanning back over a possible comment, as every
 * reader does) and, where a field overflows, its zip64 twin.
 */
export async function readCentralDirectoryEnd(handle: FileHandle, fileSize: number): Promise<CentralDirectory> {
  if (fileSize < EOCD_SIZE) throw new ZipStructureError(`is not a zip archive (${fileSize} bytes is too short)`);
  const tailStart = Math.max(0, fileSize - EOCD_SIZE - MAX_COMMENT);
  const tail = await readAt(handle, tailStart, fileSize - tailStart);
  let at = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipStructureError('is not a zip archive (no end-of-central-directory record)');
  const eocdPosition = tailStart + at;
  const disk = tail.readUInt16LE(at + 4);
  const cdDisk = tail.readUInt16LE(at + 6);
  // node-stream-zip counts the entries "on this disk", the count below is "in all": a reader
  // bounds the first by checking the second only if they agree.
  let diskEntries = tail.readUInt16LE(at + 8);
  let entries = tail.readUInt16LE(at + 10);
  let size = tail.readUInt32LE(at + 12);
  let offset = tail.readUInt32LE(at + 16);
  let end = eocdPosition;
  const zip64 = entries === 0xffff || diskEntries === 0xffff || size === 0xffffffff || offset === 0xffffffff;
  if (zip64) {
    if (eocdPosition < ZIP64_LOCATOR_SIZE) throw new ZipStructureError('is a damaged zip64 archive (no zip64 locator)');
    const locator = await readAt(handle, eocdPosition - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE);
    if (locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) throw new ZipStructureError('is a damaged zip64 archive (no zip64 locator)');
    const recordAt = u64(locator, 8, 'end record offset');
    if (recordAt + ZIP64_EOCD_SIZE > eocdPosition - ZIP64_LOCATOR_SIZE) {
      throw new ZipStructureError('is a damaged zip64 archive (its zip64 end record is out of place)');
    }
    const record = await readAt(handle, recordAt, ZIP64_EOCD_SIZE);
    if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw new ZipStructureError('is a damaged zip64 archive (no zip64 end record)');
    if (record.readUInt32LE(16) !== 0 || record.readUInt32LE(20) !== 0) throw new ZipStructureError('is a multi-part (spanned) zip archive');
    diskEntries = u64(record, 24, 'entry count');
    entries = u64(record, 32, 'entry count');
    size = u64(record, 40, 'central directory size');
    offset = u64(record, 48, 'central directory offset');
    end = recordAt;
  } else if (disk !== 0 || cdDisk !== 0) {
    throw new ZipStructureError('is a multi-part (spanned) zip archive');
  }
  if (diskEntries !== entries) {
    throw new ZipStructureError(`is a damaged zip archive (its end record counts ${diskEntries} entries on this disk but ${entries} in all)`);
  }
  if (offset + size > end) throw new ZipStructureError('is a damaged zip archive (its central directory runs past its end record)');
  return { entries, offset, size, zip64 };
}

/** Read the local file header at `offset` (the central directory's pointer). */
export async function readLocalHeader(handle: FileHandle, offset: number): Promise<LocalHeader> {
  const fixed = await readAt(handle, offset, LOCAL_HEADER_SIZE);
  if (fixed.length < LOCAL_HEADER_SIZE || fixed.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) {
    throw new ZipStructureError(`has no local header at offset ${offset}`);
  }
  const nameLength = fixed.readUInt16LE(26);
  const extraLength = fixed.readUInt16LE(28);
  return {
    flags: fixed.readUInt16LE(6),
    method: fixed.readUInt16LE(8),
    name: await readAt(handle, offset + LOCAL_HEADER_SIZE, nameLength),
    dataStart: offset + LOCAL_HEADER_SIZE + nameLength + extraLength,
  };
}
