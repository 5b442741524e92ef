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
 * Prints fps of each, the output sizes, and the ratios duhdr/ffmpeg.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { binaries, probe, runToCompletion, x265MasterDisplay } from '../src/io/index.js';
import { loadPreset } from '../src/pipeline/index.js';

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

/** A real HDR10 clip at the bench size: the 720p forest sample, scaled and looped. */
async function makeSource(): Promise<string> {
  const sample = new URL('../samples/forest-pq-720p.mkv', import.meta.url).pathname;
  const hdr10 = (await probe(sample)).video!.hdr10;
  const out = join(dir, `source-${width}x${height}.mkv`);
  await ff([
    '-stream_loop', '-1', '-i', sample, '-frames:v', String(frames), '-vf', `scale=${width}:${height}:flags=bicubic`,
    '-pix_fmt', 'yuv420p10le', '-c:v', 'libx265', '-preset', 'fast', '-crf', '16',
    '-x265-params', `log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=${x265MasterDisplay(hdr10.masteringDisplay!)}:max-cll=${hdr10.contentLightLevel!.maxCll},${hdr10.contentLightLevel!.maxFall}`,
    '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', out,
  ]);
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return frames / ((performance.now() - t0) / 1000);
}

try {
  const source = await makeSource();
  const sdrPreset = await loadPreset('x264-crf', 'sdr');
  const hdrPreset = await loadPreset('hdr10-x265', 'hdr');
  const x264 = ['-c:v', 'libx264', '-preset', sdrPreset.encoder.preset!, '-crf', String(sdrPreset.encoder.crf), '-pix_fmt', 'yuv420p'];
  const x265 = ['-c:v', 'libx265', '-preset', hdrPreset.encoder.preset!, '-crf', String(hdrPreset.encoder.crf), '-pix_fmt', 'yuv420p10le', '-x265-params', 'log-level=error'];
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
      '-vf', 'zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p',
      ...x264, join(dir, 'ffmpeg-sdr.mkv'),
    ])));
    rmSync(sdr, { force: true });
    results.encode.ours.push(await timed(() => duhdr(['encode', source, '-o', sdr, '--preset', 'x264-crf', '--model', values.model])));
    results.restore.theirs.push(await timed(() => ff([
      '-i', sdr, '-map', '0:v',
      '-vf', 'zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt2020:t=smpte2084:m=bt2020nc:r=tv,format=yuv420p10le',
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
    console.log(`${job.padEnd(26)} ffmpeg ${t.toFixed(2)} fps   duhdr ${o.toFixed(2)} fps   ratio ${(o / t).toFixed(3)}`);
  }
  const size = async (f: string): Promise<string> => `${((await probe(f, { countFrames: false })).size / 1e6).toFixed(2)} MB`;
  console.log(`output sizes: SDR ffmpeg ${await size(join(dir, 'ffmpeg-sdr.mkv'))}, duhdr ${await size(sdr)}; ` +
    `HDR ffmpeg ${await size(join(dir, 'ffmpeg-hdr.mkv'))}, ffmpeg re-encoding duhdr's ${await size(join(dir, 'ffmpeg-reencoded-hdr.mkv'))}, duhdr ${await size(join(dir, 'duhdr-hdr.mkv'))}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
