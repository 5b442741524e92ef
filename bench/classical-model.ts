/**
 * bench/classical-model: ms per 1080p frame of the classical tone model's analyze, reverse
 * (HDR → SDR) and forward (SDR → HDR), PQ and HLG, median and best of N runs, next to the
 * same passes on the JS kernels (kernels.ts, the reference the SIMD ones replace); the cost of a
 * peak change (new EETF tables); the EETF tables' error against the exact curve; and rough
 * work/traffic figures. Runs on one thread, as the pipeline does.
 *
 *   npx tsx bench/classical-model.ts [--runs 9] [--width 1920] [--height 1080] [--reference]
 */
import { parseArgs } from 'node:util';
import { pqEncode } from '../src/color/index.js';
import { frameByteLength, planeViews } from '../src/io/index.js';
import { Bt2390Eetf, ClassicalToneModel, EetfLut, type HdrSourceInfo, type ModelFrame } from '../src/runtime/index.js';
import { forwardKernel, reverseKernel, type Planes } from '../src/runtime/classical/kernels.js';
import { forwardReference, reverseReference } from '../src/runtime/classical/reference.js';
import { hlgDisplayTables } from '../src/runtime/classical/transfer-tables.js';
import { encodeHdrFrame, modelFrame, psnr10, syntheticImage } from '../test/runtime/classical/synthetic-frame.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    width: { type: 'string', default: '1920' },
    height: { type: 'string', default: '1080' },
    reference: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const width = Number(values.width);
const height = Number(values.height);

function stats(times: number[]): { median: number; best: number } {
  const s = [...times].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, best: s[0]! };
}

async function time(fn: () => unknown | Promise<unknown>, n = runs): Promise<{ median: number; best: number }> {
  // Two warm-up calls let TurboFan optimise the loops before timing.
  await fn();
  await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return stats(times);
}

/** Fresh 4:2:0 planes of `format`. */
function planesOf(format: 'yuv420p' | 'yuv420p10le', w: number, h: number): Planes<Uint8Array | Uint16Array> {
  const [y, cb, cr] = planeViews(format, w, h, new Uint8Array(frameByteLength(format, w, h)));
  return { y: y!, cb: cb!, cr: cr! } as Planes<Uint8Array | Uint16Array>;
}

const fmt = (r: { median: number; best: number }): string => `${r.median.toFixed(1).padStart(6)} ms  (best ${r.best.toFixed(1)})`;

console.log(`classical-bt2390 at ${width}x${height}, ${runs} runs each, node ${process.version}`);
for (const transfer of ['pq', 'hlg'] as const) {
  const info: HdrSourceInfo = { width, height, transfer, masteringPeak: 1000, maxCll: null };
  const model = new ClassicalToneModel();
  const frame = encodeHdrFrame(syntheticImage(width, height), transfer);
  const side = model.analyze([frame], info);
  let sdr: Uint8Array = new Uint8Array(0);
  const analyze = await time(() => model.analyze([frame], info));
  const reverse = await time(async () => {
    [sdr] = (await model.reverse([frame], side, info)) as [Uint8Array];
  });
  const sdrFrame: ModelFrame = modelFrame('yuv420p', width, height, sdr);
  let hdr: Uint8Array = new Uint8Array(0);
  const forward = await time(async () => {
    [hdr] = (await model.forward([sdrFrame], side, info)) as [Uint8Array];
  });
  console.log(`\n${transfer.toUpperCase()} (peak ${side[0]![0]} cd/m²; round trip PQ-PSNR ${psnr10(frame.data, hdr, width, height).toFixed(2)} dB)`);
  console.log(`  analyze  ${fmt(analyze)}`);
  // The JS kernels on the same frames and tables, into buffers of their own.
  const setup = { hlg: transfer === 'hlg' ? hlgDisplayTables(1000) : null, eetf: new EetfLut({ srcMin: 0, srcMax: side[0]![0]!, dstMin: 0, dstMax: 100 }), dstPeak: 100 };
  const u16 = frame.planes as Uint16Array[];
  const u8 = sdrFrame.planes as Uint8Array[];
  const sdrOut = planesOf('yuv420p', width, height) as Planes<Uint8Array>;
  const hdrOut = planesOf('yuv420p10le', width, height) as Planes<Uint16Array>;
  const reverseJs = await time(() => reverseKernel(width, height, { y: u16[0]!, cb: u16[1]!, cr: u16[2]! }, sdrOut, setup));
  const forwardJs = await time(() => forwardKernel(width, height, { y: u8[0]!, cb: u8[1]!, cr: u8[2]! }, hdrOut, setup));
  console.log(`  reverse  ${fmt(reverse)}   JS kernels ${fmt(reverseJs)}   ratio ${(reverseJs.median / reverse.median).toFixed(2)}x`);
  console.log(`  forward  ${fmt(forward)}   JS kernels ${fmt(forwardJs)}   ratio ${(forwardJs.median / forward.median).toFixed(2)}x`);
  if (transfer === 'pq') {
    // A new peak every frame (the release after a bright shot): the EETF tables are rebuilt.
    let p = 500;
    const fresh = await time(() => model.reverse([frame], [[(p += 0.1)]], info));
    const freshF = await time(() => model.forward([sdrFrame], [[(p += 0.1)]], info));
    console.log(`  reverse, new peak each frame  ${fmt(fresh)}`);
    console.log(`  forward, new peak each frame  ${fmt(freshF)}`);
    const build = await time(() => new EetfLut({ srcMin: 0, srcMax: (p += 0.1), dstMin: 0, dstMax: 100 }), 20);
    console.log(`  EetfLut build                 ${fmt(build)}`);
    if (values.reference) {
      const exact = new Bt2390Eetf({ srcMin: 0, srcMax: side[0]![0]!, dstMin: 0, dstMax: 100 });
      const planes = { y: frame.planes[0] as Uint16Array, cb: frame.planes[1] as Uint16Array, cr: frame.planes[2] as Uint16Array };
      const ref = await time(() => reverseReference(width, height, planes, { transfer }, exact, 100), 3);
      const s = sdrFrame.planes as Uint8Array[];
      const refF = await time(() => forwardReference(width, height, { y: s[0]!, cb: s[1]!, cr: s[2]! }, { transfer }, exact, 100), 3);
      console.log(`  reference reverse (src/color planes + exact EETF)  ${fmt(ref)}`);
      console.log(`  reference forward                                  ${fmt(refF)}`);
    }
  }
}

// EETF tables against the exact curve, for the model's typical curve (1000 → 100 cd/m²).
const exact = new Bt2390Eetf({ srcMin: 0, srcMax: 1000, dstMin: 0, dstMax: 100 });
const lut = new EetfLut(exact);
const sdrCode = (l: number): number => 16 + 219 * (l / 100) ** (1 / 2.4);
const pqCode = (l: number): number => 64 + 876 * pqEncode(l);
let mapNits = 0;
let mapRel = 0;
let mapCode = 0;
let mapFlips = 0;
let unmapNits = 0;
let unmapRel = 0;
let unmapCode = 0;
let unmapFlips = 0;
const n = 200000;
for (let i = 0; i < n; i++) {
  const l = 1e-3 * 1e6 ** (i / (n - 1));
  const a = lut.map(l);
  const b = exact.map(l);
  mapNits = Math.max(mapNits, Math.abs(a - b));
  mapRel = Math.max(mapRel, Math.abs(a / b - 1));
  mapCode = Math.max(mapCode, Math.abs(sdrCode(a) - sdrCode(b)));
  if (Math.round(sdrCode(a)) !== Math.round(sdrCode(b))) mapFlips++;
  const y = 1e-3 * 1e5 ** (i / (n - 1));
  const c = lut.unmap(y);
  const d = exact.unmap(y);
  unmapNits = Math.max(unmapNits, Math.abs(c - d));
  unmapRel = Math.max(unmapRel, Math.abs(c / d - 1));
  unmapCode = Math.max(unmapCode, Math.abs(pqCode(c) - pqCode(d)));
  if (Math.round(pqCode(c)) !== Math.round(pqCode(d))) unmapFlips++;
}
console.log('\nEetfLut vs exact BT.2390 (1000 → 100 cd/m², 200 000 log-spaced inputs each way):');
console.log(`  map   max |Δ| ${mapNits.toExponential(2)} cd/m², ${mapRel.toExponential(2)} relative, ${mapCode.toExponential(2)} 8-bit SDR code; rounded codes differ at ${mapFlips} inputs`);
console.log(`  unmap max |Δ| ${unmapNits.toExponential(2)} cd/m², ${unmapRel.toExponential(2)} relative, ${unmapCode.toExponential(2)} 10-bit PQ code; rounded codes differ at ${unmapFlips} inputs`);

const px = width * height;
const hdrBytes = frameByteLength('yuv420p10le', width, height);
const sdrBytes = frameByteLength('yuv420p', width, height);
console.log(`\nWork and traffic per ${width}x${height} frame (${(px / 1e6).toFixed(2)} Mpixel):`);
console.log(`  reverse: reads ${(hdrBytes / 1e6).toFixed(1)} MB, writes ${(sdrBytes / 1e6).toFixed(1)} MB; ~70 flops + 7 table lookups a pixel ≈ ${((70 * px) / 1e9).toFixed(2)} GFLOP`);
console.log(`  forward: reads ${(sdrBytes / 1e6).toFixed(1)} MB, writes ${(hdrBytes / 1e6).toFixed(1)} MB; ~65 flops + 7 table lookups a pixel ≈ ${((65 * px) / 1e9).toFixed(2)} GFLOP`);
console.log('  analyze: 1/16 of the pixels, ~35 flops + 3 lookups each');
console.log('  Row scratch and tables stay in L1/L2 (~1 MB); everything else streams once.');
