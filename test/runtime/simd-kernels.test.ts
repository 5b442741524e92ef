// The WebAssembly SIMD kernels against their JS twins (src/color's Y'CbCr conversions,
// learned-model.ts's thumbnail, full-res.ts's passes) on a real frame, at a width that is a
// multiple of 4 and at one that is not (rows padded to whole vectors).

import { beforeAll, describe, expect, it } from 'vitest';
import { HDR_LAYOUT, SDR_LAYOUT, YuvFrameConverter, type RgbPlanes } from '../../src/color/index.js';
import { forwardFullRes, reverseFullRes, type LowResOutputs } from '../../src/runtime/learned/full-res.js';
import { areaThumbnailPlanes, hdrPlanes } from '../../src/runtime/learned/learned-model.js';
import { FrameWorkspace } from '../../src/runtime/learned/simd-kernels.js';
import type { HdrSourceInfo } from '../../src/runtime/index.js';
import { decodeAll } from '../helpers/frames.js';
import { sample } from '../helpers/media.js';

let frame: Uint16Array;

beforeAll(async () => {
  const data = (await decodeAll(sample('city-pq.mkv')))[10]!;
  frame = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
});

/** The 640x360 sample frame cropped to w x h, as 4:2:0 planes. */
function crop(w: number, h: number): Uint16Array[] {
  const [cw, ch] = [w / 2, h / 2];
  const y = new Uint16Array(w * h);
  const u = new Uint16Array(cw * ch);
  const v = new Uint16Array(cw * ch);
  for (let r = 0; r < h; r++) y.set(frame.subarray(r * 640, r * 640 + w), r * w);
  for (let r = 0; r < ch; r++) {
    u.set(frame.subarray(640 * 360 + r * 320, 640 * 360 + r * 320 + cw), r * cw);
    v.set(frame.subarray(640 * 450 + r * 320, 640 * 450 + r * 320 + cw), r * cw);
  }
  return [y, u, v];
}

const planes = (n: number): RgbPlanes => ({ r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) });

/** Largest difference between JS planes (w a row) and the workspace's (stride a row), over the picture. */
function maxDiff(js: RgbPlanes, ws: FrameWorkspace, i: number): number {
  const p = ws.planes(i);
  let m = 0;
  for (const c of ['r', 'g', 'b'] as const) {
    for (let y = 0; y < ws.height; y++) {
      for (let x = 0; x < ws.width; x++) m = Math.max(m, Math.abs(js[c][y * ws.width + x]! - p[c][y * ws.stride + x]!));
    }
  }
  return m;
}

/** Largest code difference and the share of codes that differ. */
function codeDiff(a: readonly (Uint8Array | Uint16Array)[], b: readonly (Uint8Array | Uint16Array)[]): { max: number; share: number } {
  let max = 0;
  let n = 0;
  let total = 0;
  a.forEach((pa, c) => {
    for (let i = 0; i < pa.length; i++) {
      const d = Math.abs(pa[i]! - b[c]![i]!);
      max = Math.max(max, d);
      if (d) n++;
    }
    total += pa.length;
  });
  return { max, share: n / total };
}

// Grids and a curve that do something everywhere: contrast and saturation gains away from 1.
const lowRes: LowResOutputs = {
  base: Float32Array.from({ length: 64 }, (_, i) => 0.3 + 0.3 * Math.sin(i)),
  baseCells: 8,
  gains: Float32Array.from({ length: 128 }, (_, i) => (i < 64 ? 0.8 + 0.4 * Math.cos(i) : 0.9 + 0.3 * Math.sin(0.7 * i))),
  gainCells: 8,
  inc: [0.02, 0.03, 0.05, 0.08, 0.1, 0.12, 0.1, 0.09, 0.08, 0.07, 0.06, 0.06, 0.05, 0.04, 0.03, 0.02],
};
const peakPq = 0.7518;

describe('SIMD kernels', () => {
  for (const [w, h] of [[640, 360], [634, 358]] as const) {
    it(`${w}x${h}: Y'CbCr in and out, thumbnail, R and F (guided, blind) equal the JS passes`, () => {
      const px = w * h;
      const yuv = crop(w, h);
      const ws = new FrameWorkspace(w, h, 2);
      try {
        expect(ws.stride % 4).toBe(0);
        const hdrConv = new YuvFrameConverter(w, h, HDR_LAYOUT);
        const sdrConv = new YuvFrameConverter(w, h, SDR_LAYOUT);
        const js = hdrConv.toRgb(yuv, planes(px));
        ws.fromYuv(0, yuv, HDR_LAYOUT);
        expect(maxDiff(js, ws, 0)).toBeLessThan(3e-7); // float32 rounding, one ulp

        const thumb = ws.thumbnail(0, 64);
        const thumbJs = areaThumbnailPlanes(js, w, h, 64);
        expect(Math.max(...thumb.map((v, i) => Math.abs(v - thumbJs[i]!)))).toBeLessThan(1e-6);

        reverseFullRes(js, w, h, lowRes, peakPq);
        ws.reverse(0, lowRes, peakPq);
        expect(maxDiff(js, ws, 0)).toBeLessThan(1e-5);

        const sdrJs = [new Uint8Array(px), new Uint8Array(px / 4), new Uint8Array(px / 4)];
        const sdr = [new Uint8Array(px), new Uint8Array(px / 4), new Uint8Array(px / 4)];
        sdrConv.fromRgb(js, sdrJs);
        ws.toYuv(0, SDR_LAYOUT, sdr);
        const d8 = codeDiff(sdr, sdrJs);
        expect(d8.max).toBeLessThanOrEqual(1); // a rounding tie decided the other way
        expect(d8.share).toBeLessThan(1e-3);

        for (const guided of [true, false]) {
          const fjs = sdrConv.toRgb(sdrJs, planes(px));
          ws.fromYuv(1, sdrJs, SDR_LAYOUT);
          expect(maxDiff(fjs, ws, 1)).toBeLessThan(3e-7);
          forwardFullRes(fjs, w, h, lowRes, guided, peakPq);
          ws.forward(1, lowRes, guided, peakPq);
          expect(maxDiff(fjs, ws, 1), guided ? 'guided' : 'blind').toBeLessThan(1e-5);
          const hdrJs = [new Uint16Array(px), new Uint16Array(px / 4), new Uint16Array(px / 4)];
          const hdr = [new Uint16Array(px), new Uint16Array(px / 4), new Uint16Array(px / 4)];
          hdrConv.fromRgb(fjs, hdrJs);
          ws.toYuv(1, HDR_LAYOUT, hdr);
          const d10 = codeDiff(hdr, hdrJs);
          expect(d10.max).toBeLessThanOrEqual(1);
          expect(d10.share).toBeLessThan(1e-3);
        }
      } finally {
        ws.release();
      }
    });
  }

  it('converts an HLG frame through the BT.2100 OOTF to PQ like the JS path', () => {
    const [w, h] = [634, 358];
    const info: HdrSourceInfo = { width: w, height: h, transfer: 'hlg', masteringPeak: 1000, maxCll: null };
    const yuv = crop(w, h);
    const js = hdrPlanes({ hdrConv: new YuvFrameConverter(w, h, HDR_LAYOUT), planes: planes(w * h) }, { data: new Uint8Array(0), planes: yuv }, info);
    const ws = new FrameWorkspace(w, h, 1);
    try {
      ws.fromHdr(0, { data: new Uint8Array(0), planes: yuv }, info);
      expect(maxDiff(js, ws, 0)).toBe(0);
      // Not the PQ reading of the same codes.
      ws.fromHdr(0, { data: new Uint8Array(0), planes: yuv }, { ...info, transfer: 'pq' });
      expect(maxDiff(js, ws, 0)).toBeGreaterThan(0.01);
    } finally {
      ws.release();
    }
  });

  it('refuses frames 4:2:0 cannot hold, and planes of the wrong size or sample width', () => {
    expect(() => new FrameWorkspace(641, 360, 1)).toThrow('even size, got 641x360');
    const ws = new FrameWorkspace(64, 32, 1);
    try {
      const wrong = 'a 64x32 10-bit 4:2:0 frame needs planes of 2048, 512 and 512 Uint16 samples';
      expect(() => ws.fromYuv(0, [new Uint16Array(2048), new Uint16Array(512)], HDR_LAYOUT)).toThrow(wrong);
      expect(() => ws.fromYuv(0, [new Uint16Array(2048), new Uint16Array(512), new Uint16Array(511)], HDR_LAYOUT)).toThrow(wrong);
      expect(() => ws.fromYuv(0, [new Uint8Array(2048), new Uint8Array(512), new Uint8Array(512)], HDR_LAYOUT)).toThrow(wrong);
      expect(() => ws.toYuv(0, SDR_LAYOUT, [new Uint8Array(2048), new Uint8Array(512), new Uint8Array(500)])).toThrow('Uint8 samples');
    } finally {
      ws.release();
    }
  });
});
