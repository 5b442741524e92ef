/**
 * bench/progress-eta: how true a job's progress is. Runs `duhdr restore --json` (or encode) as
 * users run it and compares each progress line's ETA with the time the job really had left, at a
 * quarter, half, three quarters and 90 % of its run, and the last line's fps with the summary's.
 *
 *   npx tsx bench/progress-eta.ts INPUT [--job restore|encode] [--cli bin/duhdr.js]
 *   (INPUT: an SDR made by encode, or an HDR source with --job encode. --cli: another build's
 *   bin/duhdr.js, e.g. of a `git worktree` of an earlier commit, to compare the two.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    job: { type: 'string', default: 'restore' },
    cli: { type: 'string', default: fileURLToPath(new URL('../bin/duhdr.js', import.meta.url)) },
  },
});
const input = positionals[0];
if (!input) throw new Error('usage: npx tsx bench/progress-eta.ts INPUT [--job restore|encode] [--cli PATH]');

type Line = { type: string; frames: number; elapsed: number; eta: number | null; fps: number; seconds: number };
const dir = mkdtempSync(join(tmpdir(), 'duhdr-bench-eta-'));
try {
  const child = spawn(process.execPath, [values.cli, values.job, input, '-o', join(dir, 'out.mkv'), '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${values.cli} ${values.job} exited with ${code}`);
  const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Line);
  const progress = lines.filter((l) => l.type === 'progress');
  const summary = lines.at(-1)!;
  const total = summary.seconds;
  const at = [0.25, 0.5, 0.75, 0.9].map((share) => {
    const p = progress.reduce((a, b) => (Math.abs(b.elapsed - share * total) < Math.abs(a.elapsed - share * total) ? b : a));
    return `${Math.round(share * 100)} %: ETA ${p.eta === null ? 'none' : `${p.eta.toFixed(1)} s`}, left ${(total - p.elapsed).toFixed(1)} s`;
  });
  const last = progress.at(-1)!;
  console.log(`${values.job} ${input} (${values.cli}): ${summary.frames} frames in ${total.toFixed(1)} s`);
  console.log(`  ${at.join('; ')}`);
  console.log(`  last progress line: ${last.frames} frames, ${last.fps.toFixed(2)} fps; summary ${summary.fps.toFixed(2)} fps`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
