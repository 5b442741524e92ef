// The classical model's fused pixel loops: one pass per frame from integer Y'CbCr 4:2:0 to
// integer Y'CbCr 4:2:0, row by row, with O(width) scratch.
//
// Each luma row gets its chroma upsampled into a row buffer (the linear filter of
// src/color/chroma.ts: 3/4 nearest chroma row + 1/4 the other, even columns copied, odd ones
// averaged), then every pixel runs the whole colour chain in float64 with the tables of
// transfer-tables.ts and the frame's EetfLut, writes its luma code, and adds its B'−Y' and
// R'−Y' to a row-pair accumulator; after each pair of rows the accumulator is filtered
// [1, 2, 1]/4 horizontally and averaged vertically (downsampleChroma's filter) into one chroma
// row. The result matches YuvFrameConverter + the plane functions of src/color (the
// reference path in reference.ts) to ±1 code at rounding ties.

import { BT2020_TO_BT709, BT709_TO_BT2020, lumaCoefficients } from '../../color/index.js';
import type { EetfLut } from './bt2390-eetf.js';
import type { HlgDisplayTables, TransferTables } from './transfer-tables.js';

const K2020 = lumaCoefficients('bt2020nc');
const K709 = lumaCoefficients('bt709');

/** Row buffers for one frame width; reused across frames (never shared by two running loops). */
export class RowScratch {
  readonly width: number;
  readonly upU: Float64Array;
  readonly upV: Float64Array;
  readonly accU: Float64Array;
  readonly accV: Float64Array;
  readonly rowU: Float64Array;
  readonly rowV: Float64Array;

  constructor(width: number) {
    this.width = width;
    const cw = (width + 1) >> 1;
    this.upU = new Float64Array(width);
    this.upV = new Float64Array(width);
    this.accU = new Float64Array(width);
    this.accV = new Float64Array(width);
    this.rowU = new Float64Array(cw);
    this.rowV = new Float64Array(cw);
  }
}

/** Integer 4:2:0 Y'CbCr planes of one frame. */
export type Planes<T extends Uint8Array | Uint16Array> = { y: T; cb: T; cr: T };

/**
 * Upsamples the chroma of luma row `y` into `s.upU`/`s.upV`, as offsets from the chroma zero
 * code (not yet scaled).
 */
function upsampleRow(
  cb: Uint8Array | Uint16Array, cr: Uint8Array | Uint16Array, zero: number,
  y: number, width: number, cw: number, ch: number, s: RowScratch,
): void {
  const near = y >> 1;
  const far = (y & 1) === 0 ? (near > 0 ? near - 1 : 0) : near < ch - 1 ? near + 1 : ch - 1;
  const rn = near * cw;
  const rf = far * cw;
  const { rowU, rowV, upU, upV } = s;
  for (let cx = 0; cx < cw; cx++) {
    rowU[cx] = 0.75 * cb[rn + cx]! + 0.25 * cb[rf + cx]! - zero;
    rowV[cx] = 0.75 * cr[rn + cx]! + 0.25 * cr[rf + cx]! - zero;
  }
  const last = cw - 1;
  for (let cx = 0; cx < cw; cx++) {
    const x = 2 * cx;
    const u0 = rowU[cx]!;
    const v0 = rowV[cx]!;
    upU[x] = u0;
    upV[x] = v0;
    if (x + 1 < width) {
      const n = cx < last ? cx + 1 : last;
      upU[x + 1] = 0.5 * (u0 + rowU[n]!);
      upV[x + 1] = 0.5 * (v0 + rowV[n]!);
    }
  }
}

/**
 * Writes chroma row `cy` from the row-pair accumulators: [1, 2, 1] horizontally around each
 * even column (edges clamped), times `mul`, plus the zero code; rounded and clamped to [0, max].
 */
function downsampleRow(
  s: RowScratch, width: number, cw: number, cy: number, mul: number, zero: number, max: number,
  outCb: Uint8Array | Uint16Array, outCr: Uint8Array | Uint16Array,
): void {
  const { accU, accV } = s;
  const lastX = width - 1;
  const off = zero + 0.5;
  const row = cy * cw;
  for (let cx = 0; cx < cw; cx++) {
    const x = 2 * cx;
    const xl = x > 0 ? x - 1 : 0;
    const xr = x < lastX ? x + 1 : lastX;
    const u = off + mul * (accU[xl]! + 2 * accU[x]! + accU[xr]!);
    const v = off + mul * (accV[xl]! + 2 * accV[x]! + accV[xr]!);
    // `>= 1` (not `> 0`) also sends NaN to 0, as quantizeYcbcrPlane does.
    outCb[row + cx] = u >= 1 ? (u >= max ? max : Math.floor(u)) : 0;
    outCr[row + cx] = v >= 1 ? (v >= max ? max : Math.floor(v)) : 0;
  }
}

/** What a reverse (HDR → SDR) pass needs besides the pixels. */
export type ReverseSetup = {
  readonly tables: TransferTables;
  /** Null for PQ input; the display tables (Lw = mastering peak) for HLG. */
  readonly hlg: HlgDisplayTables | null;
  readonly eetf: EetfLut;
  /** SDR display peak, cd/m² (BT.1886 Lw; Lb = 0). */
  readonly dstPeak: number;
};

/**
 * HDR (BT.2020 NCL, limited, 10-bit, PQ or HLG) → SDR (BT.709, limited, 8-bit, BT.1886), 4:2:0,
 * tone mapped on maxRGB with the frame's EETF. Both planes sets are width×height 4:2:0.
 */
export function reverseKernel(
  width: number, height: number, src: Planes<Uint16Array>, dst: Planes<Uint8Array>,
  setup: ReverseSetup, s: RowScratch,
): void {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const { tables, hlg, eetf } = setup;
  const pq = tables.pqDecode;
  const hlgInv = tables.hlgInverseOetf;
  const gammaEnc = tables.gammaEncode;
  const ootf = hlg?.ootfGain ?? null;
  // 10-bit limited range: Y' = (code − 64)/876, Cb/Cr = (code − 512)/896.
  const yMul = 1 / 876;
  const cMul = 1 / 896;
  const crToR = (2 * (1 - K2020.kr)) * cMul;
  const cbToB = (2 * (1 - K2020.kb)) * cMul;
  const crToG = (-(2 * K2020.kr * (1 - K2020.kr)) / K2020.kg) * cMul;
  const cbToG = (-(2 * K2020.kb * (1 - K2020.kb)) / K2020.kg) * cMul;
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = BT2020_TO_BT709;
  const kr = K709.kr;
  const kg = K709.kg;
  const kb = K709.kb;
  const sr = K2020.kr;
  const sg = K2020.kg;
  const sb = K2020.kb;
  // 8-bit limited output: Y = 16 + 219·Y'; chroma = 128 + 224·(B'−Y')/(2(1−kb)), with the
  // 1/8 of the 2×[1, 2, 1] downsampling filter folded in.
  const cbMul = 224 / (2 * (1 - kb)) / 8;
  const crMul = 224 / (2 * (1 - kr)) / 8;
  const crScale = crMul / cbMul;
  // Below the knee the EETF is the identity (when it has no black lift): a constant gain.
  const knee = eetf.identityBelowKnee ? eetf.kneeNits : 0;
  const invPeak = 1 / setup.dstPeak;
  const { upU, upV, accU, accV } = s;
  const yIn = src.y;
  const yOut = dst.y;
  for (let cy = 0; cy < ch; cy++) {
    accU.fill(0);
    accV.fill(0);
    for (let k = 0; k < 2; k++) {
      const yy = 2 * cy + k;
      if (yy >= height) {
        // Odd height: the missing row counts as the one above (downsampleChroma's rule).
        for (let x = 0; x < width; x++) {
          accU[x] = 2 * accU[x]!;
          accV[x] = 2 * accV[x]!;
        }
        break;
      }
      upsampleRow(src.cb, src.cr, 512, yy, width, cw, ch, s);
      const row = yy * width;
      for (let x = 0; x < width; x++) {
        const yn = (yIn[row + x]! - 64) * yMul;
        const u = upU[x]!;
        const v = upV[x]!;
        const rs = yn + crToR * v;
        const gs = yn + cbToG * u + crToG * v;
        const bs = yn + cbToB * u;
        let r20: number;
        let g20: number;
        let b20: number;
        if (ootf === null) {
          r20 = pq.at(rs);
          g20 = pq.at(gs);
          b20 = pq.at(bs);
        } else {
          // HLG: inverse OETF to scene light, then BT.2100's luminance-based OOTF.
          const er = hlgInv.at(rs);
          const eg = hlgInv.at(gs);
          const eb = hlgInv.at(bs);
          const ys = sr * er + sg * eg + sb * eb;
          const gain = ys > 0 ? ootf.at(ys) : 0;
          r20 = gain * er;
          g20 = gain * eg;
          b20 = gain * eb;
        }
        // BT.2020 → BT.709, then clip what falls outside BT.709 (negative components).
        let r = m0 * r20 + m1 * g20 + m2 * b20;
        let g = m3 * r20 + m4 * g20 + m5 * b20;
        let b = m6 * r20 + m7 * g20 + m8 * b20;
        if (!(r > 0)) r = 0;
        if (!(g > 0)) g = 0;
        if (!(b > 0)) b = 0;
        const m = r > g ? (r > b ? r : b) : g > b ? g : b;
        let vr = 0;
        let vg = 0;
        let vb = 0;
        if (m > 0) {
          // maxRGB tone mapping: one gain for all three channels keeps hue and saturation.
          const gain = m <= knee ? invPeak : (eetf.map(m) / m) * invPeak;
          vr = gammaEnc.at(r * gain);
          vg = gammaEnc.at(g * gain);
          vb = gammaEnc.at(b * gain);
        }
        const yl = kr * vr + kg * vg + kb * vb;
        const yc = 16.5 + 219 * yl;
        yOut[row + x] = yc >= 1 ? (yc >= 255 ? 255 : Math.floor(yc)) : 0;
        accU[x] = accU[x]! + (vb - yl);
        accV[x] = accV[x]! + (vr - yl) * crScale;
      }
    }
    downsampleRow(s, width, cw, cy, cbMul, 128, 255, dst.cb, dst.cr);
  }
}

/** What a forward (SDR → HDR) pass needs besides the pixels. */
export type ForwardSetup = {
  readonly tables: TransferTables;
  /** Null for PQ output; the display tables (Lw = target mastering peak) for HLG. */
  readonly hlg: HlgDisplayTables | null;
  readonly eetf: EetfLut;
  readonly dstPeak: number;
};

/**
 * SDR (BT.709, limited, 8-bit, BT.1886) → HDR (BT.2020 NCL, limited, 10-bit, PQ or HLG), 4:2:0:
 * the exact inverse chain of {@link reverseKernel}.
 */
export function forwardKernel(
  width: number, height: number, src: Planes<Uint8Array>, dst: Planes<Uint16Array>,
  setup: ForwardSetup, s: RowScratch,
): void {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const { tables, hlg, eetf } = setup;
  const gammaDec = tables.gammaDecode;
  const pqEnc = tables.pqEncode;
  const oetf = tables.hlgOetf;
  const invOotf = hlg?.inverseOotfScale ?? null;
  const invLw = hlg === null ? 0 : 1 / hlg.lw;
  // 8-bit limited range in.
  const yMul = 1 / 219;
  const cMul = 1 / 224;
  const crToR = (2 * (1 - K709.kr)) * cMul;
  const cbToB = (2 * (1 - K709.kb)) * cMul;
  const crToG = (-(2 * K709.kr * (1 - K709.kr)) / K709.kg) * cMul;
  const cbToG = (-(2 * K709.kb * (1 - K709.kb)) / K709.kg) * cMul;
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = BT709_TO_BT2020;
  const kr = K2020.kr;
  const kg = K2020.kg;
  const kb = K2020.kb;
  // 10-bit limited out.
  const cbMul = 896 / (2 * (1 - kb)) / 8;
  const crMul = 896 / (2 * (1 - kr)) / 8;
  const crScale = crMul / cbMul;
  const dstPeak = setup.dstPeak;
  // Above this signal the EETF's knee has been passed (below it the EETF is the identity).
  const kneeSignal = eetf.identityBelowKnee ? Math.exp(Math.log(eetf.kneeOutNits / dstPeak) / 2.4) : -1;
  const { upU, upV, accU, accV } = s;
  const yIn = src.y;
  const yOut = dst.y;
  for (let cy = 0; cy < ch; cy++) {
    accU.fill(0);
    accV.fill(0);
    for (let k = 0; k < 2; k++) {
      const yy = 2 * cy + k;
      if (yy >= height) {
        for (let x = 0; x < width; x++) {
          accU[x] = 2 * accU[x]!;
          accV[x] = 2 * accV[x]!;
        }
        break;
      }
      upsampleRow(src.cb, src.cr, 128, yy, width, cw, ch, s);
      const row = yy * width;
      for (let x = 0; x < width; x++) {
        const yn = (yIn[row + x]! - 16) * yMul;
        const u = upU[x]!;
        const v = upV[x]!;
        // BT.1886 signals, clamped to [0, 1] by the table.
        const rs = yn + crToR * v;
        const gs = yn + cbToG * u + crToG * v;
        const bs = yn + cbToB * u;
        const lr = gammaDec.at(rs);
        const lg = gammaDec.at(gs);
        const lb = gammaDec.at(bs);
        const vmax = rs > gs ? (rs > bs ? rs : bs) : gs > bs ? gs : bs;
        let gain = dstPeak;
        if (vmax > kneeSignal) {
          const m = lr > lg ? (lr > lb ? lr : lb) : lg > lb ? lg : lb;
          if (m > 0) gain = eetf.unmap(m * dstPeak) / m;
        }
        const r = lr * gain;
        const g = lg * gain;
        const b = lb * gain;
        // BT.709 → BT.2020: all coefficients positive, so no negative light comes out.
        const r20 = m0 * r + m1 * g + m2 * b;
        const g20 = m3 * r + m4 * g + m5 * b;
        const b20 = m6 * r + m7 * g + m8 * b;
        let es: number;
        let gsig: number;
        let bsig: number;
        if (invOotf === null) {
          es = pqEnc.at(r20);
          gsig = pqEnc.at(g20);
          bsig = pqEnc.at(b20);
        } else {
          const yd = kr * r20 + kg * g20 + kb * b20;
          const scale = yd > 0 ? invOotf.at(yd * invLw) : 0;
          es = oetf.at(r20 * scale);
          gsig = oetf.at(g20 * scale);
          bsig = oetf.at(b20 * scale);
        }
        const yl = kr * es + kg * gsig + kb * bsig;
        const yc = 64.5 + 876 * yl;
        yOut[row + x] = yc >= 1 ? (yc >= 1023 ? 1023 : Math.floor(yc)) : 0;
        accU[x] = accU[x]! + (bsig - yl);
        accV[x] = accV[x]! + (es - yl) * crScale;
      }
    }
    downsampleRow(s, width, cw, cy, cbMul, 512, 1023, dst.cb, dst.cr);
  }
}

/** Per-frame statistics of {@link measureKernel}. */
export type FrameStats = {
  /** Largest maxRGB (BT.709, negatives clipped) over the sampled pixels, cd/m². */
  peakNits: number;
  /** Mean BT.2020 luminance over the sampled pixels, cd/m². */
  meanNits: number;
  samples: number;
};

/**
 * Frame statistics from a sparse grid: every other chroma sample in each direction (every
 * 4th luma pixel: columns and rows 0, 4, 8, …), each read as luma at that position and its
 * co-located chroma sample without interpolation. 1/16 of the pixels.
 */
export function measureKernel(
  width: number, height: number, src: Planes<Uint16Array>,
  tables: TransferTables, hlg: HlgDisplayTables | null,
): FrameStats {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const pq = tables.pqDecode;
  const hlgInv = tables.hlgInverseOetf;
  const ootf = hlg?.ootfGain ?? null;
  const yMul = 1 / 876;
  const cMul = 1 / 896;
  const crToR = (2 * (1 - K2020.kr)) * cMul;
  const cbToB = (2 * (1 - K2020.kb)) * cMul;
  const crToG = (-(2 * K2020.kr * (1 - K2020.kr)) / K2020.kg) * cMul;
  const cbToG = (-(2 * K2020.kb * (1 - K2020.kb)) / K2020.kg) * cMul;
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = BT2020_TO_BT709;
  const sr = K2020.kr;
  const sg = K2020.kg;
  const sb = K2020.kb;
  const { y: yIn, cb, cr } = src;
  let peak = 0;
  let sum = 0;
  let n = 0;
  for (let cy = 0; cy < ch; cy += 2) {
    const lrow = 2 * cy * width;
    const crow = cy * cw;
    for (let cx = 0; cx < cw; cx += 2) {
      const yn = (yIn[lrow + 2 * cx]! - 64) * yMul;
      const u = cb[crow + cx]! - 512;
      const v = cr[crow + cx]! - 512;
      const rs = yn + crToR * v;
      const gs = yn + cbToG * u + crToG * v;
      const bs = yn + cbToB * u;
      let r20: number;
      let g20: number;
      let b20: number;
      if (ootf === null) {
        r20 = pq.at(rs);
        g20 = pq.at(gs);
        b20 = pq.at(bs);
      } else {
        const er = hlgInv.at(rs);
        const eg = hlgInv.at(gs);
        const eb = hlgInv.at(bs);
        const ys = sr * er + sg * eg + sb * eb;
        const gain = ys > 0 ? ootf.at(ys) : 0;
        r20 = gain * er;
        g20 = gain * eg;
        b20 = gain * eb;
      }
      sum += sr * r20 + sg * g20 + sb * b20;
      const r = m0 * r20 + m1 * g20 + m2 * b20;
      const g = m3 * r20 + m4 * g20 + m5 * b20;
      const b = m6 * r20 + m7 * g20 + m8 * b20;
      const m = r > g ? (r > b ? r : b) : g > b ? g : b;
      if (m > peak) peak = m;
      n++;
    }
  }
  return { peakNits: peak, meanNits: n > 0 ? sum / n : 0, samples: n };
}
