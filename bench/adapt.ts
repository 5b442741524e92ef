/**
 * bench/adapt: what `encode --adapt` buys. Each HDR sample is encoded with dual-v1 twice — plain,
 * and with the forward network tuned on the clip for SECONDS — then both are restored (lossless
 * x265, so only the SDR step and the model cost) and measured against the source. The SDR
 * streams are identical; the difference is the shipped F alone.
 *
 *   npx tsx bench/adapt.ts [--seconds 30] [--samples city-pq.mkv,...]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluate } from '../src/eval/index.js';
import { encode, restore } from '../src/pipeline/index.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    samples: { type: 'string', default: 'city-pq.mkv,forest-pq-720p.mkv,interior-pq.mp4,sunset-hlg.mkv' },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'duhdr-adapt-'));
const samples = new URL('../samples/', import.meta.url).pathname;

async function measure(src: string, hdr: string): Promise<{ pu21: number; de: number }> {
  const e = await evaluate(src, hdr);
  if (e.mode !== 'hdr') throw new Error('expected an HDR evaluation');
  return { pu21: e.pu21_psnr, de: e.delta_e_itp };
}

try {
  console.log(`bench/adapt: dual-v1, x264-crf SDR, lossless restore; --adapt ${values.seconds} s`);
  for (const name of values.samples.split(',')) {
    const src = join(samples, name);
    const preset = name.includes('hlg') ? 'hlg-x265' : 'hdr10-x265-lossless';
    const [plain, tuned] = [join(dir, `${name}.plain.mkv`), join(dir, `${name}.adapt.mkv`)];
    const base = await encode({ input: src, output: plain, model: 'dual-v1' });
    const ad = await encode({ input: src, output: tuned, model: 'dual-v1', adapt: { seconds: Number(values.seconds) } });
    await restore({ input: plain, output: `${plain}.hdr.mkv`, preset });
    await restore({ input: tuned, output: `${tuned}.hdr.mkv`, preset });
    const [a, b] = [await measure(src, `${plain}.hdr.mkv`), await measure(src, `${tuned}.hdr.mkv`)];
    const extra = (await stat(tuned)).size - (await stat(plain)).size;
    const r = ad.adapt!;
    console.log(
      `${name.padEnd(20)} ${base.frames} frames  PU21-PSNR ${a.pu21.toFixed(2)} -> ${b.pu21.toFixed(2)} dB (${(b.pu21 - a.pu21 >= 0 ? '+' : '')}${(b.pu21 - a.pu21).toFixed(2)})  ` +
        `ΔE_ITP ${a.de.toFixed(2)} -> ${b.de.toFixed(2)}  held-out ${r.heldOutBefore.toFixed(2)} -> ${r.heldOutAfter.toFixed(2)} dB  ` +
        `${r.shipped ? `shipped, +${extra} bytes (${((100 * extra) / (await stat(plain)).size).toFixed(0)} % of this clip)` : 'not shipped'}  ${r.steps} steps in ${r.seconds.toFixed(0)} s`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
