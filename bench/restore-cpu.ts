/**
 * bench/restore-cpu: where a restore's CPU time goes — the `duhdr` command's process split by
 * thread (main, then the others largest first: the model workers, then V8's GC and compiler
 * helpers) and each ffmpeg it starts (read from /proc while they run) — next to the job's wall
 * time. On a 2-core machine, a job that keeps both cores busy is bounded by the sum. The command
 * runs with `node --trace-gc`, so the main isolate's full (mark-compact) GCs are counted too.
 *
 *   npx tsx bench/restore-cpu.ts SDR [--job restore|encode] [--model classical-soft] [--cli bin/duhdr.js] [--ffmpeg]
 *   (SDR: a file made by encode; with --job encode, an HDR source. --cli: another build's
 *   bin/duhdr.js, e.g. of a `git worktree` of an earlier commit, to compare the two.
 *   --ffmpeg, restore: then ffmpeg's own route on the same SDR (bench/pipeline.ts's baseline),
 *   once whole and once without its x265, so the CPU of everything but x265 compares too)
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { binaries } from '../src/io/index.js';
import { SDR_TO_PQ, presetEncoders } from './ffmpeg-routes.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    job: { type: 'string', default: 'restore' },
    model: { type: 'string', default: 'classical-soft' },
    cli: { type: 'string', default: fileURLToPath(new URL('../bin/duhdr.js', import.meta.url)) },
    ffmpeg: { type: 'boolean', default: false },
  },
});
const input = positionals[0];
if (!input) throw new Error('usage: npx tsx bench/restore-cpu.ts INPUT [--job restore|encode] [--cli PATH]');
if (values.ffmpeg && values.job !== 'restore') throw new Error('--ffmpeg compares a restore: leave out --job encode');
const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

/** The fields of a /proc stat line after the command name (ppid at 1, utime and stime at 11 and 12). */
function statFields(path: string): string[] {
  const stat = readFileSync(path, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
const cpuSeconds = (f: string[]): number => (Number(f[11]) + Number(f[12])) / TICKS;

/** CPU seconds at their last reading: the command's threads by id, its ffmpeg children by pid (exited ones keep theirs). */
const threads = new Map<string, number>();
const children = new Map<string, { cmd: string; seconds: number }>();

function poll(pid: number): void {
  for (const tid of readdirSync(`/proc/${pid}/task`, { withFileTypes: false }).map(String)) {
    try {
      threads.set(tid, cpuSeconds(statFields(`/proc/${pid}/task/${tid}/stat`)));
    } catch {
      // the thread ended between readdir and read
    }
  }
  for (const child of readdirSync('/proc')) {
    if (!/^\d+$/.test(child)) continue;
    try {
      const f = statFields(`/proc/${child}/stat`);
      if (Number(f[1]) !== pid) continue;
      const cmd = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0');
      if (!cmd[0]) continue; // exited, not yet reaped: its last reading stands
      const role = cmd.includes('-i') && cmd[cmd.indexOf('-i') + 1] === 'pipe:0' ? 'encoder (ffmpeg reading frames)' : cmd.some((a) => a === 'pipe:1') ? 'decoder (ffmpeg writing frames)' : cmd[0]!.split('/').at(-1)!;
      children.set(child, { cmd: role, seconds: cpuSeconds(f) });
    } catch {
      // the process ended between readdir and read
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), 'duhdr-restore-cpu-'));
try {
  const args = [values.job!, input, '-o', join(dir, 'out.mkv'), '--json', ...(values.job === 'encode' ? ['--model', values.model!] : [])];
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--trace-gc', values.cli!, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  const timer = setInterval(() => {
    try {
      poll(child.pid!);
    } catch {
      // the command is exiting
    }
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(timer);
  const wall = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`${values.cli} ${args.join(' ')} exited with ${code}`);
  const lines = out.split('\n');
  const summary = JSON.parse(lines.filter((l) => l.startsWith('{')).at(-1)!) as { frames: number; stages: Record<string, number> };
  // --trace-gc lines start with [pid:isolate]; the main isolate is the first to report.
  const gcLines = lines.filter((l) => l.startsWith('['));
  const mainIsolate = gcLines[0]?.split(']')[0];
  const majorGcs = gcLines.filter((l) => l.split(']')[0] === mainIsolate && l.includes('Mark-Compact')).length;
  const main = threads.get(String(child.pid)) ?? 0;
  const others = [...threads.entries()].filter(([tid]) => tid !== String(child.pid)).map(([, s]) => s).sort((a, b) => b - a);
  const own = main + others.reduce((a, b) => a + b, 0);
  const kids = [...children.values()];
  const total = own + kids.reduce((a, k) => a + k.seconds, 0);
  const top = others.slice(0, 3);
  console.log(`${values.job} ${input} (${values.cli}): ${summary.frames} frames, wall ${wall.toFixed(2)} s, CPU ${total.toFixed(2)} s (${((100 * total) / wall).toFixed(0)} % of one core)`);
  console.log(`  duhdr process                 ${own.toFixed(2)} s (${((1000 * own) / summary.frames).toFixed(1)} ms a frame)`);
  console.log(`    main thread ${main.toFixed(2)} s; other threads, largest first: ${top.map((t) => t.toFixed(2)).join(', ')} s, then ${others.length - top.length} more ${others.slice(3).reduce((a, b) => a + b, 0).toFixed(2)} s; full GCs of the main isolate: ${majorGcs}`);
  for (const k of kids.filter((c) => c.seconds > 0.05)) console.log(`  ${k.cmd.padEnd(29)} ${k.seconds.toFixed(2)} s`);
  console.log(`  stage waits: ${Object.entries(summary.stages).map(([k, v]) => `${k} ${v.toFixed(2)} s`).join(', ')}`);
  if (values.ffmpeg && values.job === 'restore') await ffmpegRoute(join(dir, 'ffmpeg.mkv'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** ffmpeg's `-benchmark` line (on stderr): its process's user + system CPU and wall seconds. */
async function benchmarked(args: string[]): Promise<{ cpu: number; wall: number }> {
  const { stderr } = await promisify(execFile)(binaries().ffmpeg.path, ['-hide_banner', '-nostats', '-nostdin', '-y', '-benchmark', ...args], { maxBuffer: 1 << 24 });
  const m = /bench: utime=([\d.]+)s stime=([\d.]+)s rtime=([\d.]+)s/.exec(stderr);
  if (!m) throw new Error(`ffmpeg printed no -benchmark line:\n${stderr}`);
  return { cpu: Number(m[1]) + Number(m[2]), wall: Number(m[3]) };
}

/** bench/pipeline.ts's ffmpeg restore of the same SDR: whole, then decode + conversion alone. */
async function ffmpegRoute(output: string): Promise<void> {
  const { x265 } = await presetEncoders();
  const whole = await benchmarked(['-i', input!, '-map', '0:v', '-vf', SDR_TO_PQ, ...x265, output]);
  const convert = await benchmarked(['-i', input!, '-map', '0:v', '-vf', SDR_TO_PQ, '-f', 'null', '-']);
  console.log(`ffmpeg's route (zscale SDR -> PQ, same x265): wall ${whole.wall.toFixed(2)} s, CPU ${whole.cpu.toFixed(2)} s (${((100 * whole.cpu) / whole.wall).toFixed(0)} % of one core)`);
  console.log(`  decode + zscale alone         ${convert.cpu.toFixed(2)} s; so x265 and its input ${(whole.cpu - convert.cpu).toFixed(2)} s`);
}
