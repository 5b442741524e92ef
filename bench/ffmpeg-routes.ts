/**
 * What the benches compare duhdr with, in one place: the 1080p HDR10 source they share and
 * plain ffmpeg doing the classical jobs with the encoder settings of duhdr's presets.
 */
import { join } from 'node:path';
import { probe, runToCompletion, x265MasterDisplay } from '../src/io/index.js';
import { loadPreset } from '../src/pipeline/index.js';

/** ffmpeg's classical encode: zscale to linear light -> tonemap hable -> BT.709 8-bit. */
export const TONEMAP_TO_SDR = 'zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p';

/** ffmpeg's restore: the SDR's light (100 cd/m² white) placed in PQ BT.2020 10-bit, no expansion. */
export const SDR_TO_PQ = 'zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt2020:t=smpte2084:m=bt2020nc:r=tv,format=yuv420p10le';

/** ffmpeg's encoder options for the x264-crf (SDR) and hdr10-x265 (HDR) presets. */
export async function presetEncoders(): Promise<{ x264: string[]; x265: string[] }> {
  const sdr = await loadPreset('x264-crf', 'sdr');
  const hdr = await loadPreset('hdr10-x265', 'hdr');
  return {
    x264: ['-c:v', 'libx264', '-preset', sdr.encoder.preset!, '-crf', String(sdr.encoder.crf), '-pix_fmt', 'yuv420p'],
    x265: ['-c:v', 'libx265', '-preset', hdr.encoder.preset!, '-crf', String(hdr.encoder.crf), '-pix_fmt', 'yuv420p10le', '-x265-params', 'log-level=error'],
  };
}

/**
 * A real HDR10 clip of `frames` frames at width x height in `dir`: the 720p forest sample, scaled
 * (bicubic) and looped, x265 fast CRF 16, with the sample's HDR10 metadata.
 */
export async function benchSource(ffmpegPath: string, dir: string, frames: number, width = 1920, height = 1080): Promise<string> {
  const sample = new URL('../samples/forest-pq-720p.mkv', import.meta.url).pathname;
  const hdr10 = (await probe(sample)).video!.hdr10;
  const out = join(dir, `source-${width}x${height}.mkv`);
  await runToCompletion(ffmpegPath, [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-stream_loop', '-1', '-i', sample, '-frames:v', String(frames), '-vf', `scale=${width}:${height}:flags=bicubic`,
    '-pix_fmt', 'yuv420p10le', '-c:v', 'libx265', '-preset', 'fast', '-crf', '16',
    '-x265-params', `log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=${x265MasterDisplay(hdr10.masteringDisplay!)}:max-cll=${hdr10.contentLightLevel!.maxCll},${hdr10.contentLightLevel!.maxFall}`,
    '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', out,
  ], { label: 'bench source' });
  return out;
}
