import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
