/**
 * bench/fuzz: mutations of the samples (bytes flipped, truncated, a block duplicated) through
 * `probe` and `restore`. Every run must end cleanly: success or a DuhdrError (the CLI's one
 * line), within a time bound, with no child process and no temp file left, and no unhandled
 * rejection. Prints the tally; exits 1 if any run was not clean.
 *
 *   npx tsx bench/fuzz.ts [--count 500] [--seed 1]
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuhdrError, TEMP_MARK, liveChildCount, probe } from '../src/io/index.js';
import { encode, restore } from '../src/pipeline/index.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '500' }, seed: { type: 'string', default: '1' } } });
const count = Number(values.count);
const dir = mkdtempSync(join(tmpdir(), 'duhdr-fuzz-'));
const samples = new URL('../samples/', import.meta.url).pathname;
const TIME_BOUND_MS = 60_000;

/** mulberry32: a small seeded PRNG so a failing mutation can be reproduced with --seed. */
let state = Number(values.seed) >>> 0;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n: number): number => Math.floor(random() * n);

function mutate(bytes: Buffer): { kind: string; data: Buffer } {
  const data = Buffer.from(bytes);
  const k = int(3);
  if (k === 0) {
    const n = 1 + int(64);
    for (let i = 0; i < n; i++) data[int(data.length)] = int(256);
    return { kind: `flip ${n}`, data };
  }
  if (k === 1) {
    const at = int(data.length);
    return { kind: `truncate at ${at}`, data: data.subarray(0, at) };
  }
  // Duplicate a block (an EBML element or MP4 box sized run of bytes, wherever it falls).
  const at = int(data.length);
  const len = 1 + int(Math.min(4096, data.length - at));
  return { kind: `duplicate ${len} bytes at ${at}`, data: Buffer.concat([data.subarray(0, at + len), data.subarray(at, at + len), data.subarray(at + len)]) };
}

const tally = { ok: 0, clean: 0, unclean: 0 };
const unclean: string[] = [];
let unhandled = 0;
process.on('unhandledRejection', (e) => {
  unhandled++;
  unclean.push(`unhandled rejection: ${String(e)}`);
});

async function bounded<T>(label: string, f: (signal: AbortSignal) => Promise<T>): Promise<void> {
  const signal = AbortSignal.timeout(TIME_BOUND_MS);
  try {
    await f(signal);
    tally.ok++;
  } catch (err) {
    if (err instanceof DuhdrError && !(signal.aborted)) tally.clean++;
    else {
      tally.unclean++;
      unclean.push(`${label}: ${signal.aborted ? `hung past ${TIME_BOUND_MS} ms` : (err as Error).stack ?? String(err)}`);
    }
  }
  const left = readdirSync(dir).filter((n) => n.includes(TEMP_MARK));
  if (liveChildCount() !== 0 || left.length) {
    tally.unclean++;
    unclean.push(`${label}: left ${liveChildCount()} children, temp files ${left.join(', ')}`);
  }
}

try {
  // A small SDR made by encode (with its manifest), so restore runs fast on every mutant.
  const small = join(dir, 'small-sdr.mkv');
  await encode({ input: join(samples, 'interior-pq.mp4'), output: small, preset: new URL('./presets/x264-ultrafast.json', import.meta.url).pathname });
  const sources = ['city-pq.mkv', 'interior-pq.mp4', 'sunset-hlg.mkv', 'city-sdr.mkv', 'city-sun.exr'].map((n) => join(samples, n));
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const useRestore = i % 2 === 0;
    const base = useRestore ? small : sources[int(sources.length)]!;
    const { kind, data } = mutate(readFileSync(base));
    const file = join(dir, `mutant-${i}${base.slice(base.lastIndexOf('.'))}`);
    writeFileSync(file, data);
    const label = `#${i} ${useRestore ? 'restore' : 'probe'} ${base.split('/').pop()} (${kind})`;
    if (useRestore) {
      await bounded(label, (signal) => restore({ input: file, output: join(dir, `out-${i}.mkv`), preset: 'hdr10-x265', signal }));
      rmSync(join(dir, `out-${i}.mkv`), { force: true });
    } else {
      await bounded(label, (signal) => probe(file, { signal }));
    }
    rmSync(file, { force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`bench/fuzz: ${count} mutations (seed ${values.seed}) in ${seconds.toFixed(0)} s: ${tally.ok} succeeded, ${tally.clean} failed cleanly, ${tally.unclean} not clean, ${unhandled} unhandled rejections`);
  for (const u of unclean.slice(0, 20)) console.log(`  ${u.split('\n')[0]}`);
  process.exitCode = tally.unclean || unhandled ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
