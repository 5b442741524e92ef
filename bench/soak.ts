/**
 * bench/soak: a long synthetic HDR10 stream (default 20,000 frames, 128x72) through encode and
 * restore, sampling this process's RSS and open file descriptors every 250 ms. Both must stay
 * flat: prints first/peak/last of each, per job.
 *
 *   npx tsx bench/soak.ts [--frames 20000] [--size 128x72]
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { binaries, runToCompletion } from '../src/io/index.js';
import { encode, restore } from '../src/pipeline/index.js';

const { values } = parseArgs({ options: { frames: { type: 'string', default: '20000' }, size: { type: 'string', default: '128x72' } } });
const frames = Number(values.frames);
const dir = mkdtempSync(join(tmpdir(), 'duhdr-soak-'));
const src = join(dir, 'long-pq.mkv');

async function sampled(job: string, run: () => Promise<{ frames: number; fps: number }>): Promise<void> {
  const rss: number[] = [];
  const fds: number[] = [];
  const sample = (): void => {
    rss.push(process.memoryUsage().rss / 2 ** 20);
    fds.push(readdirSync('/proc/self/fd').length);
  };
  sample();
  const timer = setInterval(sample, 250);
  const r = await run().finally(() => clearInterval(timer));
  sample();
  // Skip the first second: start-up (worker, tables, first buffers) is not growth.
  const steady = (xs: number[]): number[] => xs.slice(Math.min(4, xs.length - 1));
  const [r0, rl] = [steady(rss)[0]!, rss.at(-1)!];
  console.log(
    `${job.padEnd(8)} ${r.frames} frames at ${r.fps.toFixed(0)} fps   RSS MiB first ${r0.toFixed(0)} peak ${Math.max(...steady(rss)).toFixed(0)} last ${rl.toFixed(0)}` +
      `   open fds first ${steady(fds)[0]} max ${Math.max(...steady(fds))} last ${fds.at(-1)}   (${rss.length} samples)`,
  );
}

try {
  const [w, h] = values.size.split('x');
  await runToCompletion(binaries().ffmpeg.path, [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=s=${w}x${h}:r=25`, '-frames:v', String(frames),
    '-pix_fmt', 'yuv420p10le', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params',
    'log-level=error:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,400',
    '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', src,
  ], { label: 'soak source' });
  console.log(`bench/soak: ${frames} frames of ${values.size} HDR10 through encode and restore`);
  const preset = new URL('./presets/x264-ultrafast.json', import.meta.url).pathname;
  await sampled('encode', () => encode({ input: src, output: join(dir, 'sdr.mkv'), preset }));
  const hdrPreset = new URL('./presets/hdr10-x265-ultrafast.json', import.meta.url).pathname;
  await sampled('restore', () => restore({ input: join(dir, 'sdr.mkv'), output: join(dir, 'hdr.mkv'), preset: hdrPreset }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
