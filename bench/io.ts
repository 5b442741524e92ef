/**
 * bench/io: decode -> (no-op in JS) -> encode of a 1080p 10-bit clip through duhdr's FrameReader
 * and FrameWriter, against the same work done by one ffmpeg command line, side by side in one
 * run (alternating, median of N). Prints frames/s of each and the ratio duhdr/ffmpeg.
 *
 *   npx tsx bench/io.ts [--frames 96] [--runs 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  FrameReader, FrameWriter, HDR10_PQ, binaries, frameByteLength, runToCompletion, type EncoderSettings,
} from '../src/io/index.js';

const { values } = parseArgs({ options: { frames: { type: 'string', default: '96' }, runs: { type: 'string', default: '3' } } });
const frames = Number(values.frames);
const runs = Number(values.runs);
const dir = mkdtempSync(join(tmpdir(), 'duhdr-bench-io-'));
const ffmpeg = binaries().ffmpeg.path;
const run = (args: string[]): Promise<string> =>
  runToCompletion(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { label: 'bench' });

const source = join(dir, 'source-1080p-pq.mkv');
await run([
  '-f', 'lavfi', '-i', `testsrc2=s=1920x1080:r=24,noise=alls=12:allf=t`, '-frames:v', String(frames),
  '-pix_fmt', 'yuv420p10le', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error',
  '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', source,
]);

const CASES: { name: string; encoder: EncoderSettings; direct: string[] }[] = [
  {
    name: 'x265 ultrafast 10-bit',
    encoder: { codec: 'libx265', pixelFormat: 'yuv420p10le', crf: 22, preset: 'ultrafast' },
    direct: ['-c:v', 'libx265', '-preset', 'ultrafast', '-crf', '22', '-pix_fmt', 'yuv420p10le'],
  },
  {
    name: 'ffv1 10-bit lossless',
    encoder: { codec: 'ffv1', pixelFormat: 'yuv420p10le' },
    direct: ['-c:v', 'ffv1', '-level', '3', '-slices', '4', '-slicecrc', '1', '-pix_fmt', 'yuv420p10le'],
  },
];

async function viaDuhdr(c: (typeof CASES)[number]): Promise<number> {
  const t0 = performance.now();
  const reader = await FrameReader.open(source, { format: 'yuv420p10le', expectedFrames: frames });
  const writer = await FrameWriter.open({
    output: join(dir, 'duhdr.mkv'), width: 1920, height: 1080, format: 'yuv420p10le', frameRate: 24,
    encoder: c.encoder, color: HDR10_PQ,
  });
  for await (const f of reader) await writer.write(f.data);
  await writer.finish();
  return frames / ((performance.now() - t0) / 1000);
}

async function viaFfmpeg(c: (typeof CASES)[number]): Promise<number> {
  const t0 = performance.now();
  await run(['-i', source, '-map', '0:v', ...c.direct, join(dir, 'direct.mkv')]);
  return frames / ((performance.now() - t0) / 1000);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`bench/io: ${frames} frames of 1920x1080 yuv420p10le (${(frameByteLength('yuv420p10le', 1920, 1080) / 1e6).toFixed(1)} MB/frame), ${runs} alternating runs, ffmpeg ${ffmpeg}`);
try {
  for (const c of CASES) {
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < runs; i++) {
      theirs.push(await viaFfmpeg(c));
      ours.push(await viaDuhdr(c));
    }
    const [d, f] = [median(ours), median(theirs)];
    console.log(`${c.name.padEnd(26)} ffmpeg ${f.toFixed(1)} fps   duhdr ${d.toFixed(1)} fps   ratio ${(d / f).toFixed(3)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
