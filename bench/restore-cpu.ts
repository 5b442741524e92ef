/**
 * bench/restore-cpu: where a restore's CPU time goes, per process — this Node process (main and
 * model worker threads) and each ffmpeg child (read from /proc while they run) — next to the
 * job's wall time. On a 2-core machine, a job that keeps both cores busy is bounded by the sum.
 * This process is also split by thread (main, then the others largest first: the model workers,
 * then V8's GC and compiler helpers), with the main isolate's full (mark-compact) GCs counted.
 *
 *   npx tsx bench/restore-cpu.ts SDR [--job restore|encode] [--model classical-soft]
 *   (SDR: a file made by encode; with --job encode, an HDR source)
 */
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
// The built pipeline (npm run build), as the duhdr command runs it (see bench/pipeline.ts).
import { encode, restore } from '../dist/pipeline/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { job: { type: 'string', default: 'restore' }, model: { type: 'string', default: 'classical-soft' } },
});
const input = positionals[0];
if (!input) throw new Error('usage: npx tsx bench/restore-cpu.ts INPUT [--job restore|encode]');
const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s
const children = new Map<string, { cmd: string; seconds: number }>();
/** CPU seconds of this process's threads at their last reading, by thread id (exited threads keep theirs). */
const threads = new Map<string, number>();

function pollThreads(): void {
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(tid, (Number(f[11]) + Number(f[12])) / TICKS);
    } catch {
      // the thread ended between readdir and read
    }
  }
}

function poll(): void {
  pollThreads();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) !== process.pid) continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!cmd[0]) continue; // exited, not yet reaped: its last reading stands
      const role = cmd.includes('-i') && cmd[cmd.indexOf('-i') + 1] === 'pipe:0' ? 'encoder (ffmpeg reading frames)' : cmd.some((a) => a === 'pipe:1') ? 'decoder (ffmpeg writing frames)' : cmd[0]!.split('/').at(-1)!;
      children.set(pid, { cmd: role, seconds: (Number(f[11]) + Number(f[12])) / TICKS });
    } catch {
      // the process ended between readdir and read
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), 'duhdr-restore-cpu-'));
let majorGcs = 0;
const gcs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if ((e as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) majorGcs++;
});
gcs.observe({ entryTypes: ['gc'] });
try {
  const timer = setInterval(poll, 100);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = values.job === 'encode'
    ? await encode({ input, output: join(dir, 'out.mkv'), model: values.model })
    : await restore({ input, output: join(dir, 'out.mkv') });
  clearInterval(timer);
  pollThreads();
  gcs.disconnect();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const own = (cpu.user + cpu.system) / 1e6;
  const kids = [...children.values()];
  const total = own + kids.reduce((a, k) => a + k.seconds, 0);
  console.log(`${values.job} ${input}: ${r.frames} frames, wall ${wall.toFixed(2)} s, CPU ${total.toFixed(2)} s (${((100 * total) / wall).toFixed(0)} % of one core)`);
  console.log(`  node (main + model worker)  ${own.toFixed(2)} s`);
  const main = threads.get(String(process.pid)) ?? 0;
  const others = [...threads.entries()].filter(([tid]) => tid !== String(process.pid)).map(([, s]) => s).sort((a, b) => b - a);
  const top = others.slice(0, 3);
  const rest = others.slice(3).reduce((a, b) => a + b, 0);
  console.log(`    main thread ${main.toFixed(2)} s; other threads, largest first: ${top.map((t) => t.toFixed(2)).join(', ')} s, then ${others.length - top.length} more ${rest.toFixed(2)} s; full GCs of the main isolate: ${majorGcs}`);
  for (const k of kids.filter((c) => c.seconds > 0.05)) console.log(`  ${k.cmd.padEnd(27)} ${k.seconds.toFixed(2)} s`);
  console.log(`  stage waits: ${Object.entries(r.stages).map(([k, v]) => `${k} ${v.toFixed(2)} s`).join(', ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
