/**
 * bench/roundtrip-samples: encode -> restore every HDR sample with each model and the default
 * presets, and measure what survives: PSNR on the 10-bit Y'CbCr code values (as the test floor
 * uses) and `evaluate`'s PU21-PSNR, ΔE_ITP and PQ-PSNR against the source, plus the SDR's
 * bitrate and TMQI.
 *
 *   npx tsx bench/roundtrip-samples.ts [--models classical-bt2390,dual-v1]
 *   npx tsx bench/roundtrip-samples.ts --models classical-slope-0.05,classical-slope-0.15   (the top-slope sweep)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluate } from '../src/eval/index.js';
import { FrameReader } from '../src/io/index.js';
import { encode, restore } from '../src/pipeline/index.js';
import { ClassicalToneModel, MODEL_TABLE } from '../src/runtime/index.js';
import { registerSlopeModels } from './slope-models.js';

const { values } = parseArgs({ options: { models: { type: 'string', default: 'classical-bt2390,dual-v1' } } });
registerSlopeModels(values.models.split(','), MODEL_TABLE, ClassicalToneModel);
const dir = mkdtempSync(join(tmpdir(), 'duhdr-roundtrip-'));
const samples = new URL('../samples/', import.meta.url).pathname;

/** PSNR over every 10-bit code of two clips, peak 1023, frames streamed pairwise. */
async function codePsnr(a: string, b: string): Promise<number> {
  const ia = (await FrameReader.open(a, { format: 'yuv420p10le' }))[Symbol.asyncIterator]();
  const ib = (await FrameReader.open(b, { format: 'yuv420p10le' }))[Symbol.asyncIterator]();
  let se = 0;
  let n = 0;
  for (;;) {
    const [x, y] = await Promise.all([ia.next(), ib.next()]);
    if (x.done || y.done) break;
    const p = new Uint16Array(x.value.data.buffer);
    const q = new Uint16Array(y.value.data.buffer);
    for (let i = 0; i < p.length; i++) se += ((p[i]! - q[i]!) / 1023) ** 2;
    n += p.length;
  }
  return 10 * Math.log10(n / se);
}

try {
  console.log('bench/roundtrip-samples: encode (x264-crf) -> restore (lossless x265, so only the SDR step costs) per HDR sample');
  for (const name of ['city-pq.mkv', 'forest-pq-720p.mkv', 'interior-pq.mp4', 'sunset-hlg.mkv']) {
    for (const model of values.models.split(',')) {
      const src = join(samples, name);
      const sdr = join(dir, `${name}.${model}.sdr.mkv`);
      const hdr = join(dir, `${name}.${model}.hdr.mkv`);
      const e = await encode({ input: src, output: sdr, model });
      await restore({ input: sdr, output: hdr, preset: name.includes('hlg') ? 'hlg-x265' : 'hdr10-x265-lossless' });
      const m = await evaluate(src, hdr);
      const look = await evaluate(src, sdr);
      if (m.mode !== 'hdr' || look.mode !== 'sdr') throw new Error('expected an HDR and an SDR evaluation');
      console.log(
        `${name.padEnd(20)} ${model.padEnd(17)} SDR ${(e.bitrate / 1e6).toFixed(2)} Mb/s TMQI ${look.tmqi.toFixed(3)}   code PSNR ${(await codePsnr(src, hdr)).toFixed(2)} dB   ` +
          `PU21-PSNR ${m.pu21_psnr.toFixed(2)} dB   ΔE_ITP ${m.delta_e_itp.toFixed(2)}   PQ-PSNR ${m.pq_psnr.toFixed(2)} dB`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
