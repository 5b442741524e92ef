/**
 * bench/pipeline: duhdr encode and restore against plain ffmpeg doing the classical job on the
 * same clip with the same encoder settings, side by side in one run (alternating, median of N).
 *
 *   npx tsx bench/pipeline.ts [--size 1920x1080] [--frames 48] [--runs 3] [--model classical-soft]
 *
 * Both sides run as commands (`node bin/duhdr.js`, as users run it, start-up included), so the
 * bench's own process (tsx) weighs on neither.
 *
 * encode:  ffmpeg: zscale to linear -> tonemap hable -> BT.709 -> x264 (preset x264-crf)
 *          duhdr:  encode with the model -> same x264 settings (+ manifest remux)
 * restore: ffmpeg: zscale SDR -> linear -> PQ BT.2020 -> x265 10-bit (preset hdr10-x265)
 *          duhdr:  restore with the model -> same x265 settings
 * x265's speed depends on the content: an inverse tone map stretches SDR highlights (and their
 * 8-bit coding noise) up to 1000 cd/m², which costs x265 far more than ffmpeg's plain SDR-in-PQ
 * (white at 100 cd/m²). So restore is also timed against ffmpeg encoding duhdr's own restored
 * HDR with the same x265 settings ("content-matched"): the same x265 work, so the ratio shows
 * what duhdr's model and pipes add.
 * Prints fps of each (medians), the output sizes, and the ratios duhdr/ffmpeg: of the medians and
 * of each run's side-by-side pair.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { binaries, probe, runToCompletion } from '../src/io/index.js';
import { SDR_TO_PQ, TONEMAP_TO_SDR, benchSource, presetEncoders } from './ffmpeg-routes.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1920x1080' },
    frames: { type: 'string', default: '48' },
    runs: { type: 'string', default: '3' },
    model: { type: 'string', default: 'classical-soft' },
  },
});
const [width, height] = values.size.split('x').map(Number) as [number, number];
const frames = Number(values.frames);
const runs = Number(values.runs);
const dir = mkdtempSync(join(tmpdir(), 'duhdr-bench-pipeline-'));
const ffmpegPath = binaries().ffmpeg.path;
const ff = (args: string[]): Promise<string> =>
  runToCompletion(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { label: 'bench' });
// The built command (npm run build), as users run it.
const cli = fileURLToPath(new URL('../bin/duhdr.js', import.meta.url));
const duhdr = (args: string[]): Promise<string> => runToCompletion(process.execPath, [cli, ...args], { label: 'bench' });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return frames / ((performance.now() - t0) / 1000);
}

try {
  const source = await benchSource(ffmpegPath, dir, frames, width, height);
  const { x264, x265 } = await presetEncoders();
  const sdr = join(dir, 'duhdr-sdr.mkv');
  const results = {
    encode: { ours: [] as number[], theirs: [] as number[] },
    restore: { ours: [] as number[], theirs: [] as number[] },
    'restore (content-matched)': { ours: [] as number[], theirs: [] as number[] },
  };
  console.log(`bench/pipeline: ${frames} frames ${width}x${height} HDR10, model ${values.model}, ${runs} alternating runs, ffmpeg ${ffmpegPath}`);
  for (let i = 0; i < runs; i++) {
    results.encode.theirs.push(await timed(() => ff([
      '-i', source, '-map', '0:v',
      '-vf', TONEMAP_TO_SDR,
      ...x264, join(dir, 'ffmpeg-sdr.mkv'),
    ])));
    rmSync(sdr, { force: true });
    results.encode.ours.push(await timed(() => duhdr(['encode', source, '-o', sdr, '--preset', 'x264-crf', '--model', values.model])));
    results.restore.theirs.push(await timed(() => ff([
      '-i', sdr, '-map', '0:v',
      '-vf', SDR_TO_PQ,
      ...x265, join(dir, 'ffmpeg-hdr.mkv'),
    ])));
    rmSync(join(dir, 'duhdr-hdr.mkv'), { force: true });
    const ours = await timed(() => duhdr(['restore', sdr, '-o', join(dir, 'duhdr-hdr.mkv'), '--preset', 'hdr10-x265']));
    results.restore.ours.push(ours);
    results['restore (content-matched)'].ours.push(ours);
    results['restore (content-matched)'].theirs.push(await timed(() => ff([
      '-i', join(dir, 'duhdr-hdr.mkv'), '-map', '0:v', ...x265, join(dir, 'ffmpeg-reencoded-hdr.mkv'),
    ])));
  }
  for (const [job, r] of Object.entries(results)) {
    const [o, t] = [median(r.ours), median(r.theirs)];
    // Each run's own pair too: this machine's speed drifts between runs, and the spread shows by how much.
    const pairs = r.ours.map((x, i) => (x / r.theirs[i]!).toFixed(3)).join(', ');
    console.log(`${job.padEnd(26)} ffmpeg ${t.toFixed(2)} fps   duhdr ${o.toFixed(2)} fps   ratio ${(o / t).toFixed(3)}   (runs: ${pairs})`);
  }
  const size = async (f: string): Promise<string> => `${((await probe(f, { countFrames: false })).size / 1e6).toFixed(2)} MB`;
  console.log(`output sizes: SDR ffmpeg ${await size(join(dir, 'ffmpeg-sdr.mkv'))}, duhdr ${await size(sdr)}; ` +
    `HDR ffmpeg ${await size(join(dir, 'ffmpeg-hdr.mkv'))}, ffmpeg re-encoding duhdr's ${await size(join(dir, 'ffmpeg-reencoded-hdr.mkv'))}, duhdr ${await size(join(dir, 'duhdr-hdr.mkv'))}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
