// The classical model's WebAssembly SIMD kernels (what ClassicalToneModel runs) against their
// JS twins in kernels.ts (which the model tests check against src/color's reference chain):
// a real frame of city-pq, and synthetic frames with 1000 cd/m² highlights and saturated
// colours at sizes that are not whole vectors (odd too), PQ and HLG, two EETF peaks.

import { beforeAll, describe, expect, it } from 'vitest';
import { FrameReader, planeViews } from '../../../src/io/index.js';
import { EetfLut } from '../../../src/runtime/index.js';
import { forwardKernel, reverseKernel, type Planes } from '../../../src/runtime/classical/kernels.js';
import { forwardSimd, reverseSimd } from '../../../src/runtime/classical/simd-kernels.js';
import { hlgDisplayTables } from '../../../src/runtime/classical/transfer-tables.js';
import { sample } from '../../helpers/media.js';
import { encodeHdrFrame, syntheticImage } from './synthetic-frame.js';

type Frame = { width: number; height: number; transfer: 'pq' | 'hlg'; planes: Planes<Uint16Array> };

const chroma = (w: number, h: number): number => ((w + 1) >> 1) * ((h + 1) >> 1);
const sdrPlanes = (w: number, h: number): Planes<Uint8Array> => {
  const [y, cb, cr] = planeViews('yuv420p', w, h, new Uint8Array(w * h + 2 * chroma(w, h))) as Uint8Array[];
  return { y: y!, cb: cb!, cr: cr! };
};
const hdrPlanes = (w: number, h: number): Planes<Uint16Array> => {
  const [y, cb, cr] = planeViews('yuv420p10le', w, h, new Uint8Array(2 * (w * h + 2 * chroma(w, h)))) as Uint16Array[];
  return { y: y!, cb: cb!, cr: cr! };
};

/** Largest code difference over the three planes and the share of codes that differ. */
function codeDiff(a: Planes<Uint8Array | Uint16Array>, b: Planes<Uint8Array | Uint16Array>): { max: number; share: number } {
  let max = 0;
  let n = 0;
  let total = 0;
  for (const k of ['y', 'cb', 'cr'] as const) {
    for (let i = 0; i < a[k].length; i++) {
      const d = Math.abs(a[k][i]! - b[k][i]!);
      if (d > 0) n++;
      if (d > max) max = d;
    }
    total += a[k].length;
  }
  return { max, share: n / total };
}

let city: Frame;

beforeAll(async () => {
  const reader = await FrameReader.open(sample('city-pq.mkv'), { format: 'yuv420p10le', maxFrames: 1 });
  for await (const f of reader) {
    const [y, cb, cr] = planeViews('yuv420p10le', reader.width, reader.height, new Uint8Array(f.data)) as Uint16Array[];
    city = { width: reader.width, height: reader.height, transfer: 'pq', planes: { y: y!, cb: cb!, cr: cr! } };
  }
});

function synthetic(width: number, height: number, transfer: 'pq' | 'hlg'): Frame {
  const f = encodeHdrFrame(syntheticImage(width, height), transfer);
  const [y, cb, cr] = planeViews('yuv420p10le', width, height, f.data) as Uint16Array[];
  return { width, height, transfer, planes: { y: y!, cb: cb!, cr: cr! } };
}

describe('classical SIMD kernels', () => {
  const cases = [
    { name: 'city-pq frame', frame: (): Frame => city },
    { name: 'synthetic PQ 322x182', frame: (): Frame => synthetic(322, 182, 'pq') },
    { name: 'synthetic PQ 321x181', frame: (): Frame => synthetic(321, 181, 'pq') },
    { name: 'synthetic HLG 322x182', frame: (): Frame => synthetic(322, 182, 'hlg') },
    { name: 'synthetic HLG 321x181', frame: (): Frame => synthetic(321, 181, 'hlg') },
    { name: 'synthetic PQ 7x3', frame: (): Frame => synthetic(7, 3, 'pq') },
  ];
  it.each(cases)('match the JS kernels to ±1 code at rounding ties, both ways ($name)', ({ frame }) => {
    const f = frame();
    const { width: w, height: h } = f;
    const hlg = f.transfer === 'hlg' ? hlgDisplayTables(1000) : null;
    // Peaks in turn, so the per-frame tables are swapped between calls; the last with the
    // classical-soft curve (topSlope 0.1), whose top is not flat.
    for (const [peak, topSlope] of [[1000, 0], [403.7, 0], [1000, 0], [1000, 0.1]] as const) {
      const setup = { hlg, eetf: new EetfLut({ srcMin: 0, srcMax: peak, dstMin: 0, dstMax: 100, topSlope }), dstPeak: 100 };
      const js = sdrPlanes(w, h);
      const simd = sdrPlanes(w, h);
      reverseKernel(w, h, f.planes, js, setup);
      reverseSimd(w, h, f.planes, simd, setup);
      const r = codeDiff(js, simd);
      expect(r.max).toBeLessThanOrEqual(1);
      expect(r.share).toBeLessThan(5e-4);
      // Forward from the same SDR.
      const jsHdr = hdrPlanes(w, h);
      const simdHdr = hdrPlanes(w, h);
      forwardKernel(w, h, js, jsHdr, setup);
      forwardSimd(w, h, js, simdHdr, setup);
      const d = codeDiff(jsHdr, simdHdr);
      expect(d.max).toBeLessThanOrEqual(1);
      expect(d.share).toBeLessThan(5e-4);
    }
  });

  it('give the same output for the same frame whatever came before (other sizes, other tables)', () => {
    const f = synthetic(64, 36, 'pq');
    const setup = { hlg: null, eetf: new EetfLut({ srcMin: 0, srcMax: 1000, dstMin: 0, dstMax: 100 }), dstPeak: 100 };
    const first = sdrPlanes(64, 36);
    reverseSimd(64, 36, f.planes, first, setup);
    const other = synthetic(322, 182, 'hlg');
    reverseSimd(322, 182, other.planes, sdrPlanes(322, 182), { ...setup, hlg: hlgDisplayTables(1000) });
    const again = sdrPlanes(64, 36);
    reverseSimd(64, 36, f.planes, again, setup);
    expect(codeDiff(first, again).max).toBe(0);
  });

  it('refuse planes of the wrong size or sample width, naming what was expected', () => {
    const f = synthetic(64, 36, 'pq');
    const setup = { hlg: null, eetf: new EetfLut({ srcMin: 0, srcMax: 1000, dstMin: 0, dstMax: 100 }), dstPeak: 100 };
    expect(() => reverseSimd(64, 36, f.planes, sdrPlanes(64, 34), setup)).toThrow(/the SDR planes of a 64x36 frame must be 2304\/576\/576 Uint8 samples/);
    expect(() => forwardSimd(64, 36, f.planes as unknown as Planes<Uint8Array>, hdrPlanes(64, 36), setup)).toThrow(/the SDR planes .* Uint8/);
    expect(() => reverseSimd(0, 36, f.planes, sdrPlanes(64, 36), setup)).toThrow(/frame must be 1\.\.16384 pixels wide/);
  });
});
