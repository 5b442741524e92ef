/**
 * bench/rss: peak RSS of the duhdr process for encode and restore, on a clip and on one 5x
 * longer, at 1080p and 4K. Memory must not grow with length (goal: longer within 10% of the
 * shorter) and stay under 1 GiB at 1080p. Each job is the `duhdr` command as users run it; its
 * --json summary reports the process's peak RSS (model workers included; ffmpeg children are
 * separate processes, not counted).
 *
 *   npx tsx bench/rss.ts [--frames 24] [--sizes 1920x1080,3840x2160] [--model classical-soft]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { binaries, probe, runToCompletion, x265MasterDisplay } from '../src/io/index.js';

const { values } = parseArgs({ options: { frames: { type: 'string', default: '24' }, sizes: { type: 'string', default: '1920x1080,3840x2160' }, model: { type: 'string', default: 'classical-soft' } } });
const base = Number(values.frames);
const dir = mkdtempSync(join(tmpdir(), 'duhdr-bench-rss-'));
const sample = new URL('../samples/forest-pq-720p.mkv', import.meta.url).pathname;

async function source(size: string, frames: number): Promise<string> {
  const hdr10 = (await probe(sample)).video!.hdr10;
  const out = join(dir, `src-${size}-${frames}.mkv`);
  await runToCompletion(binaries().ffmpeg.path, [
    '-v', 'error', '-y', '-stream_loop', '-1', '-i', sample, '-frames:v', String(frames), '-vf', `scale=${size.replace('x', ':')}`,
    '-pix_fmt', 'yuv420p10le', '-c:v', 'libx265', '-preset', 'ultrafast', '-crf', '20',
    '-x265-params', `log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=${x265MasterDisplay(hdr10.masteringDisplay!)}:max-cll=1000,200`,
    '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', out,
  ], { label: 'bench source' });
  return out;
}

const cli = new URL('../bin/duhdr.js', import.meta.url).pathname;
function child(job: 'encode' | 'restore', input: string, output: string, preset: string): { frames: number; fps: number; peakRssMiB: number } {
  const model = job === 'encode' ? ['--model', values.model] : [];
  const out = execFileSync(process.execPath, [cli, job, input, '-o', output, '--preset', preset, ...model, '--json'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { frames: number; fps: number; peakRssMiB: number };
}

try {
  console.log(`bench/rss: peak RSS of the duhdr process (MiB), model ${values.model}; clips of ${base} and ${5 * base} frames`);
  for (const size of values.sizes.split(',')) {
    for (const frames of [base, 5 * base]) {
      const src = await source(size, frames);
      const sdr = join(dir, `sdr-${size}-${frames}.mkv`);
      // ultrafast-like presets keep the bench short; memory does not depend on the preset much.
      const e = child('encode', src, sdr, new URL('./presets/x264-ultrafast.json', import.meta.url).pathname);
      const r = child('restore', sdr, join(dir, `hdr-${size}-${frames}.mkv`), new URL('./presets/hdr10-x265-ultrafast.json', import.meta.url).pathname);
      console.log(`${size.padEnd(10)} ${String(frames).padStart(4)} frames   encode ${e.peakRssMiB} MiB (${e.fps.toFixed(1)} fps)   restore ${r.peakRssMiB} MiB (${r.fps.toFixed(1)} fps)`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
