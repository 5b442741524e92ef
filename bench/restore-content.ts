/**
 * bench/restore-content: how much of restore's time is x265 working on what the model restores.
 * Times x265 alone (same settings as the hdr10-x265 preset, from raw frames on disk) on four
 * versions of the same 1080p clip, side by side: ffmpeg's SDR-in-PQ (what bench/pipeline's
 * ffmpeg restore encodes), duhdr's restored HDR (restored losslessly, then decoded), the same
 * restore of a lossless SDR (no x264 coding noise to stretch), and the HDR source itself.
 * Prints x265 fps, output sizes and PQ-PSNR (Y) of each against the source.
 *
 *   npx tsx bench/restore-content.ts [--frames 96] [--runs 2] [--model classical-soft] [--denoise 'F;G']
 *   (--model classical-slope-0.15: the classical model with that top slope, see slope-models.ts;
 *   --denoise: also restore the SDR after each ffmpeg filter F, G (e.g. hqdn3d=0:0:4:4), applied
 *   to the decoded SDR and kept losslessly with its manifest: does cleaning x264's noise before
 *   the forward model stretches it save x265 more than it costs in fidelity?)
 *
 * If x265 alone on duhdr's restore is slower than ffmpeg's whole restore route, no speed-up of
 * duhdr's own work reaches the route's speed: the restored content has to cost x265 less.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { binaries, runToCompletion } from '../src/io/index.js';
// The built pipeline, as the duhdr command runs it (see bench/pipeline.ts).
import { encode, loadPreset, restore } from '../dist/pipeline/index.js';
import { ClassicalToneModel, MODEL_TABLE } from '../dist/runtime/index.js';
import { SDR_TO_PQ, benchSource, presetEncoders } from './ffmpeg-routes.js';
import { registerSlopeModels } from './slope-models.js';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '96' },
    runs: { type: 'string', default: '2' },
    model: { type: 'string', default: 'classical-soft' },
    denoise: { type: 'string', default: '' },
  },
});
registerSlopeModels([values.model], MODEL_TABLE, ClassicalToneModel);
const frames = Number(values.frames);
const runs = Number(values.runs);
const dir = mkdtempSync(join(tmpdir(), 'duhdr-bench-restore-content-'));
const ffmpegPath = binaries().ffmpeg.path;
const ff = (args: string[]): Promise<string> =>
  runToCompletion(ffmpegPath, ['-hide_banner', '-nostdin', '-y', ...args], { label: 'bench' });
const quiet = ['-loglevel', 'error'];

try {
  // The same source as bench/pipeline.
  const source = await benchSource(ffmpegPath, dir, frames);
  const sdr = join(dir, 'sdr.mkv');
  await encode({ input: source, output: sdr, preset: 'x264-crf', model: values.model });
  const restored = join(dir, 'restored-lossless.mkv');
  await restore({ input: sdr, output: restored, preset: 'hdr10-x265-lossless' });
  // The same model on a lossless SDR: what is left when x264's coding noise is not there.
  const losslessPreset = join(dir, 'x264-lossless.json');
  writeFileSync(losslessPreset, JSON.stringify({ description: 'x264 lossless', kind: 'sdr', encoder: { codec: 'libx264', pixelFormat: 'yuv420p', preset: 'ultrafast', crf: 0 } }));
  const sdrLossless = join(dir, 'sdr-lossless.mkv');
  await encode({ input: source, output: sdrLossless, preset: losslessPreset, model: values.model });
  const restoredFromLossless = join(dir, 'restored-from-lossless.mkv');
  await restore({ input: sdrLossless, output: restoredFromLossless, preset: 'hdr10-x265-lossless' });
  // Raw 10-bit frames of each version, so x265 is all that is timed.
  const raw: Record<string, string> = {
    'ffmpeg SDR-in-PQ': join(dir, 'ffmpeg.y4m'), "duhdr's restore": join(dir, 'duhdr.y4m'),
    'restore, lossless SDR': join(dir, 'duhdr-lossless.y4m'), 'HDR source': join(dir, 'source.y4m'),
  };
  const y4m = ['-pix_fmt', 'yuv420p10le', '-f', 'yuv4mpegpipe', '-strict', '-1'];
  // The same SDR through each filter, re-encoded losslessly; the other streams (the manifest) copied.
  for (const [i, filter] of values.denoise.split(';').filter(Boolean).entries()) {
    const filtered = join(dir, `sdr-filtered-${i}.mkv`);
    await ff([...quiet, '-i', sdr, '-map', '0', '-c', 'copy', '-vf', filter, '-c:v', 'libx264', '-qp', '0', '-preset', 'ultrafast',
      '-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709', '-color_range', 'tv', filtered]);
    const back = join(dir, `restored-filtered-${i}.mkv`);
    await restore({ input: filtered, output: back, preset: 'hdr10-x265-lossless' });
    raw[`restore, SDR ${filter}`] = join(dir, `duhdr-filtered-${i}.y4m`);
    await ff([...quiet, '-i', back, '-map', '0:v', ...y4m, raw[`restore, SDR ${filter}`]!]);
  }
  await ff([...quiet, '-i', sdr, '-map', '0:v', '-vf', SDR_TO_PQ, ...y4m, raw['ffmpeg SDR-in-PQ']!]);
  await ff([...quiet, '-i', restored, '-map', '0:v', ...y4m, raw["duhdr's restore"]!]);
  await ff([...quiet, '-i', restoredFromLossless, '-map', '0:v', ...y4m, raw['restore, lossless SDR']!]);
  await ff([...quiet, '-i', source, '-map', '0:v', ...y4m, raw['HDR source']!]);
  const p = await loadPreset('hdr10-x265', 'hdr');
  const { x265 } = await presetEncoders();
  const fps: Record<string, number[]> = {};
  console.log(`bench/restore-content: ${frames} frames 1920x1080, model ${values.model}, x265 preset ${p.encoder.preset} CRF ${p.encoder.crf}, ${runs} alternating runs`);
  for (let i = 0; i < runs; i++) {
    for (const [name, file] of Object.entries(raw)) {
      const t0 = performance.now();
      await ff([...quiet, '-i', file, ...x265, join(dir, `${i}-${name.replace(/\W/g, '')}.mkv`)]);
      (fps[name] ??= []).push(frames / ((performance.now() - t0) / 1000));
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(fps['ffmpeg SDR-in-PQ']!);
  for (const [name, file] of Object.entries(raw)) {
    const f = median(fps[name]!);
    const bytes = statSync(join(dir, `0-${name.replace(/\W/g, '')}.mkv`)).size;
    // Per-frame luma MSE from ffmpeg's psnr filter, pooled over the clip (10-bit codes).
    const stats = await ff([...quiet, '-i', file, '-i', raw['HDR source']!, '-lavfi', 'psnr=stats_file=-', '-f', 'null', '-']);
    const mse = [...stats.matchAll(/mse_y:([\d.]+)/g)].map((m) => Number(m[1]));
    const mean = mse.reduce((a, b) => a + b, 0) / mse.length;
    const y = mean > 0 ? (10 * Math.log10(1023 ** 2 / mean)).toFixed(2) : 'inf';
    console.log(`${name.padEnd(30)} x265 ${f.toFixed(2)} fps (${(f / base).toFixed(3)}x of SDR-in-PQ)   ${(bytes / 1e6).toFixed(2)} MB   Y PSNR vs source ${y} dB`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
