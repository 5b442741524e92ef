import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaries, runToCompletion } from '../../src/io/index.js';

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'duhdr-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run the resolved ffmpeg with arguments (fixtures only). */
export async function ffmpeg(args: string[]): Promise<void> {
  await runToCompletion(binaries().ffmpeg.path, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], {
    label: 'making a test fixture',
  });
}

/** PIDs of live processes whose command line mentions `marker` (a unique path), excluding us. */
export function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Zombies (state Z) have exited; they are not running work.
      if (cmdline.includes(marker) && !/\) Z /.test(stat)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** The committed samples (see samples/README.md). */
export const SAMPLES = new URL('../../samples/', import.meta.url).pathname;
export const sample = (name: string): string => join(SAMPLES, name);

/** The names of an MP4/MOV file's top-level boxes, in file order (faststart: moov before mdat). */
export function topLevelBoxes(file: string): string[] {
  const data = readFileSync(file);
  const names: string[] = [];
  for (let at = 0; at + 8 <= data.length; ) {
    let size = data.readUInt32BE(at);
    if (size === 1) size = Number(data.readBigUInt64BE(at + 8)); // 64-bit size follows the name
    names.push(data.toString('latin1', at + 4, at + 8));
    if (size < 8) break; // 0: the box runs to the end of the file
    at += size;
  }
  return names;
}

/**
 * Make a short HDR10 MP4 (x265, `hvc1`) that says it is Dolby Vision: a dvcC box (profile,
 * level 6, RPU and base layer present, the base layer's compatibility id) added to its sample
 * entry, as a camera or a streaming service's file carries it. The picture stays plain HDR10
 * (the npm ffmpeg writes no Dolby Vision); what duhdr reads is the container's record.
 */
export async function dolbyVisionMp4(file: string, profile: number, compatibility: number): Promise<void> {
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=128x72:r=24:d=0.5', '-pix_fmt', 'yuv420p10le', '-c:v', 'libx265', '-preset', 'ultrafast',
    '-x265-params', 'log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc', '-tag:v', 'hvc1',
    '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', file]);
  const data = readFileSync(file);
  // Walk moov > trak > mdia > minf > stbl > stsd > hvc1 (no faststart: moov follows the media,
  // so growing it moves no sample offsets), remembering each box to grow.
  const path: number[] = [];
  let [start, end] = [0, data.length];
  for (const name of ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'hvc1']) {
    let at = start;
    while (at < end && data.toString('latin1', at + 4, at + 8) !== name) at += data.readUInt32BE(at);
    if (at >= end) throw new Error(`${file}: no ${name} box`);
    path.push(at);
    // Children start after the header: stsd is a full box with an entry count, hvc1 a visual sample entry.
    [start, end] = [at + 8 + (name === 'stsd' ? 8 : name === 'hvc1' ? 78 : 0), at + data.readUInt32BE(at)];
  }
  const record = Buffer.alloc(32);
  record.writeUInt32BE(32, 0);
  record.write('dvcC', 4, 'latin1');
  record.writeUInt8(1, 8); // version 1.0
  record.writeUInt16BE((profile << 9) | (6 << 3) | 0b101, 10); // profile, level 6, RPU, no EL, BL
  record.writeUInt8(compatibility << 4, 12);
  const entry = path.at(-1)!;
  const out = Buffer.concat([data.subarray(0, entry + data.readUInt32BE(entry)), record, data.subarray(entry + data.readUInt32BE(entry))]);
  for (const at of path) out.writeUInt32BE(out.readUInt32BE(at) + record.length, at);
  writeFileSync(file, out);
}
