import { join } from 'node:path';
import { ffmpeg, sample } from './media.js';

/**
 * A 16-frame 320x180 HDR10 cut of samples/city-pq.mkv, lossless x265 with its PQ tags and
 * HDR10 metadata (TMQI needs at least 161 pixels a side, so 256x144 is too small).
 */
export async function makeRoundtripClip(dir: string): Promise<string> {
  const out = join(dir, 'city-cut.mkv');
  await ffmpeg([
    '-i', sample('city-pq.mkv'), '-map', '0:v:0', '-frames:v', '16', '-vf', 'scale=320:180',
    '-c:v', 'libx265', '-pix_fmt', 'yuv420p10le',
    '-x265-params', 'lossless=1:log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,162',
    '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', '-color_range', 'tv',
    out,
  ]);
  return out;
}
