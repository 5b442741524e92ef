/**
 * bench/stream-latency: `duhdr restore IN -o -` as a player would consume it: time to the first
 * byte on stdout, frames/s, and the real-time factor at the clip's frame rate.
 *
 *   npm run build && npx tsx bench/stream-latency.ts SDR_FILE_MADE_BY_ENCODE [--preset NAME_OR_JSON]
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { probe } from '../src/io/index.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { preset: { type: 'string', default: 'hdr10-x265' } } });
const input = positionals[0];
if (!input) throw new Error('usage: npx tsx bench/stream-latency.ts SDR_FILE [--preset NAME]');
const v = (await probe(input)).video!;
const bin = new URL('../bin/duhdr.js', import.meta.url).pathname;
const t0 = performance.now();
const child = spawn(process.execPath, [bin, 'restore', input, '-o', '-', '--preset', values.preset], { stdio: ['ignore', 'pipe', 'inherit'] });
let first: number | null = null;
let bytes = 0;
child.stdout.on('data', (d: Buffer) => {
  first ??= performance.now() - t0;
  bytes += d.length;
});
const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
const seconds = (performance.now() - t0) / 1000;
const fps = (v.frameCount ?? 0) / seconds;
console.log(`bench/stream-latency: ${input} ${v.width}x${v.height} ${v.frameCount} frames, preset ${values.preset}: exit ${code}, ` +
  `first byte ${Math.round(first ?? NaN)} ms, ${fps.toFixed(1)} fps, real-time factor ${(fps / v.frameRate).toFixed(2)} at ${v.frameRate} fps, ${(bytes / 1e6).toFixed(2)} MB`);
