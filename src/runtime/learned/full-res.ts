// The full-resolution half of the dual camera networks (src/model/dual-camera.ts) as one fused
// pass over R'G'B' planes. The low-resolution branch (convs, heads, attention) runs elsewhere
// (ONNX Runtime, the `-grid` graphs) and hands over per frame: the curve increments, an 8x8 grid
// of local means (the contrast pivot) and the attention's contrast and saturation gain grids.
// Everything here is per-pixel arithmetic: two bilinear grid lookups, the curve, transfer
// functions through tables, a 3x3 matrix. ORT runs the same arithmetic as ~60 separate passes
// over memory; these loops make two, 2-2.4x faster than the whole graph in ORT at 1080p.
//
// The ORT engine runs their WebAssembly SIMD twin (simd/kernels.ts, through simd-kernels.ts,
// which also takes its tables from here); these float64 loops are the readable reference the
// SIMD kernels are tested against, timed as `duhdr bench model --engine ort-js`.
//
// Each function mirrors src/model/color-ops.ts, clamps (TINY) included, so the result equals
// the TF.js network's within table precision (the parity test checks 1e-4 on real frames). As
// in the classical kernels: tables are module-level constants (TurboFan treats them as
// constants: no map checks or base reloads in the loops), lookups are written out inline (a
// call per lookup was not always inlined and boxed its result), each row runs as two short
// loops through float64 row buffers, and the loops are synchronous.

import { BT2020_TO_BT709, BT709_TO_BT2020, type RgbPlanes } from '../../color/index.js';
import { BT709_LUMA, PQ_CONSTANTS } from '../../model/index.js';

// Constants of src/model/color-ops.ts.
const { M1, M2, C1, C2, C3, TINY } = PQ_CONSTANTS;
const GAMMA = 2.4;
const [LR, LG, LB] = BT709_LUMA;

const clampUnit = (x: number): number => (x < TINY ? TINY : x > 1 ? 1 : x);
/** color-ops pqEotf: PQ signal -> linear light in units of 10000 cd/m². */
const pqEotf = (e: number): number => {
  const ep = clampUnit(e) ** (1 / M2);
  const num = ep - C1 > 0 ? ep - C1 : 0;
  const v = num / (C2 - ep * C3);
  return (v > TINY ? v : TINY) ** (1 / M1);
};
/** color-ops pqOetf. */
const pqOetf = (y: number): number => {
  const ym = clampUnit(y) ** M1;
  return ((ym * C2 + C1) / (ym * C3 + 1)) ** M2;
};
const gammaDecode = (v: number): number => clampUnit(v) ** GAMMA;
const gammaEncode = (l: number): number => clampUnit(l) ** (1 / GAMMA);

// Tables are small Float32Arrays so that all of them stay in cache together (float64 tables
// spanning every float exponent were 1.2 MB and made the loop ~2x slower here).
//
// PQ signal -> light: 16384 uniform knots over [0, 1] (≤ 3e-6 relative above 0.01 cd/m²; 4096
// left 4e-5, which the PQ encode's steep foot turned into 1e-4 errors). The lookup clamps the
// signal to [0, 1]; the clamp to TINY is in the table.
export const SIG_SEG = 16384;
const PQ_DEC = Float32Array.from({ length: SIG_SEG + 2 }, (_, i) => pqEotf(Math.min(i, SIG_SEG) / SIG_SEG));

// Power laws both ways and light -> PQ: knots at float32 bit patterns, 256 an octave over
// [2^-40, 1] (relative accuracy where a uniform table has none near 0: the chroma ratios of dark
// pixels need it); below 2^-40 (black) the table's first knot, above 1 its last (clampUnit).
export const MIN_EXP = -40;
export const BITS = 8;
const SHIFT = 23 - BITS;
const MASK = (1 << SHIFT) - 1;
const FRAC = 1 / (1 << SHIFT);
const FIRST = (MIN_EXP + 127) << BITS;
const LO_BITS = (MIN_EXP + 127) << 23;
const HI_BITS = 127 << 23;
const KNOTS = -MIN_EXP << BITS;
function bitTable(f: (x: number) => number): Float32Array {
  const t = new Float32Array(KNOTS + 2);
  for (let j = 0; j <= KNOTS; j++) {
    const k = FIRST + j;
    t[j] = f(2 ** ((k >> BITS) - 127) * (1 + (k & ((1 << BITS) - 1)) / (1 << BITS)));
  }
  t[KNOTS + 1] = t[KNOTS]!;
  return t;
}
const PE_T = bitTable(pqOetf);
const GE_T = bitTable(gammaEncode);
const GD_T = bitTable(gammaDecode);
/** The tables, for the WebAssembly twin of these loops (simd-kernels.ts). */
export const TABLES = { pqDecode: PQ_DEC, pqEncode: PE_T, gammaEncode: GE_T, gammaDecode: GD_T } as const;
// A lookup: F32[0] = x; q = I32[0], clamped to [LO_BITS, HI_BITS]; the segment is
// (q >> SHIFT) - FIRST and (q & MASK)·FRAC the weight. The signed view makes negative floats
// (sign bit set) negative ints, so they clamp to the first knot like black.
const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);


/** What the low-resolution branch hands over for one frame. */
export type LowResOutputs = {
  /** Local-mean grid, `baseCells`² values, row-major. */
  base: Float32Array;
  baseCells: number;
  /** Contrast gain grid then saturation gain grid, `gainCells`² values each (NCHW). */
  gains: Float32Array;
  gainCells: number;
  /** Curve increments (R's side info, or F's own blind curve). */
  inc: ArrayLike<number>;
};

/** Column taps of a bilinear resize from `cells` to `size` (TF.js: src = dst·in/out, no half-pixel offset). */
export type Taps = { i0: Int32Array; i1: Int32Array; w: Float64Array };

function taps(cells: number, size: number): Taps {
  const t: Taps = { i0: new Int32Array(size), i1: new Int32Array(size), w: new Float64Array(size) };
  for (let x = 0; x < size; x++) {
    const src = (x * cells) / size;
    const i0 = Math.floor(src);
    t.i0[x] = i0;
    t.i1[x] = Math.min(i0 + 1, cells - 1);
    t.w[x] = src - i0;
  }
  return t;
}

const tapCache = new Map<string, Taps>();
export function cachedTaps(cells: number, size: number): Taps {
  const key = `${cells}/${size}`;
  let t = tapCache.get(key);
  if (!t) {
    if (tapCache.size > 16) tapCache.clear();
    tapCache.set(key, (t = taps(cells, size)));
  }
  return t;
}

/** Prefix sums of the increments: below[i] = Σ_{j<i} inc_j (curves.ts segment starts). */
export function starts(inc: ArrayLike<number>): Float64Array {
  const below = new Float64Array(inc.length + 1);
  for (let i = 0; i < inc.length; i++) below[i + 1] = below[i]! + inc[i]!;
  return below;
}

/**
 * The grids upsampled across the frame's width, one full-width row per grid row: bilinear
 * interpolation is separable, so a pixel's value is a lerp between two of these rows. Reading
 * them in the pixel loop costs less than filling a full-width row per image row.
 */
type Upsampled = { base: Float64Array[]; con: Float64Array[]; sat: Float64Array[]; baseY: Taps; gainY: Taps };

function upsampleAcross(g: LowResOutputs, width: number, height: number): Upsampled {
  const across = (grid: Float32Array, offset: number, cells: number): Float64Array[] => {
    const t = cachedTaps(cells, width);
    return Array.from({ length: cells }, (_, row) => {
      const out = new Float64Array(width);
      const o = offset + row * cells;
      for (let x = 0; x < width; x++) {
        const a = grid[o + t.i0[x]!]!;
        out[x] = a + t.w[x]! * (grid[o + t.i1[x]!]! - a);
      }
      return out;
    });
  };
  const gc = g.gainCells;
  return {
    base: across(g.base, 0, g.baseCells),
    con: across(g.gains, 0, gc),
    sat: across(g.gains, gc * gc, gc),
    baseY: cachedTaps(g.baseCells, height),
    gainY: cachedTaps(gc, height),
  };
}

// Row-major 3x3 matrices of src/color.
const [A0, A1, A2, A3, A4, A5, A6, A7, A8] = BT2020_TO_BT709 as unknown as number[] as [number, number, number, number, number, number, number, number, number];
const [B0, B1, B2, B3, B4, B5, B6, B7, B8] = BT709_TO_BT2020 as unknown as number[] as [number, number, number, number, number, number, number, number, number];

type RowScratch = { a: Float64Array; b: Float64Array; c: Float64Array; d: Float64Array; e: Float64Array };
let scratch: RowScratch | null = null;
/** Five float64 rows of at least `width`, shared by every call (the loops are synchronous). */
function rowScratch(width: number): RowScratch {
  if (!scratch || scratch.a.length < width) {
    const row = () => new Float64Array(width);
    scratch = { a: row(), b: row(), c: row(), d: row(), e: row() };
  }
  return scratch;
}

/**
 * R at full resolution, in place: `p` holds PQ BT.2020 R'G'B' and gets BT.709 gamma-2.4 R'G'B'.
 * @example reverseFullRes(planes, 1920, 1080, grids, pqEncode(1000))
 */
export function reverseFullRes(p: RgbPlanes, width: number, height: number, g: LowResOutputs, peakPq: number): void {
  const { r, g: gp, b } = p;
  const k = g.inc.length;
  const inc = Float64Array.from(g.inc as ArrayLike<number>);
  const below = starts(inc);
  const up = upsampleAcross(g, width, height);
  const { a: rowR, b: rowG, c: rowB, d: rowY, e: rowS } = rowScratch(width);
  const invPeak = 1 / peakPq;
  let t: number;
  let i: number;
  let q: number;
  let a: number;
  for (let y = 0; y < height; y++) {
    const o = y * width;
    const b0 = up.base[up.baseY.i0[y]!]!;
    const b1 = up.base[up.baseY.i1[y]!]!;
    const bw = up.baseY.w[y]!;
    const c0 = up.con[up.gainY.i0[y]!]!;
    const c1 = up.con[up.gainY.i1[y]!]!;
    const s0r = up.sat[up.gainY.i0[y]!]!;
    const s1r = up.sat[up.gainY.i1[y]!]!;
    const gw = up.gainY.w[y]!;
    // Step 1, hdrLuminance + curve + modulate: PQ -> linear BT.2020 -> relu(BT.709) ->
    // luminance -> PQ position vs peak -> the curve's segment (curves.ts applyCurve) ->
    // contrast about the local mean -> display gamma.
    for (let x = 0; x < width; x++) {
      t = r[o + x]! * SIG_SEG;
      t = t > 0 ? (t < SIG_SEG ? t : SIG_SEG) : 0;
      i = t | 0;
      a = PQ_DEC[i]!;
      const lr = a + (t - i) * (PQ_DEC[i + 1]! - a);
      t = gp[o + x]! * SIG_SEG;
      t = t > 0 ? (t < SIG_SEG ? t : SIG_SEG) : 0;
      i = t | 0;
      a = PQ_DEC[i]!;
      const lg = a + (t - i) * (PQ_DEC[i + 1]! - a);
      t = b[o + x]! * SIG_SEG;
      t = t > 0 ? (t < SIG_SEG ? t : SIG_SEG) : 0;
      i = t | 0;
      a = PQ_DEC[i]!;
      const lb = a + (t - i) * (PQ_DEC[i + 1]! - a);
      let r7 = A0 * lr + A1 * lg + A2 * lb;
      let g7 = A3 * lr + A4 * lg + A5 * lb;
      let b7 = A6 * lr + A7 * lg + A8 * lb;
      if (r7 < 0) r7 = 0;
      if (g7 < 0) g7 = 0;
      if (b7 < 0) b7 = 0;
      const yl = LR * r7 + LG * g7 + LB * b7;
      F32[0] = yl;
      q = I32[0]!;
      q = q < LO_BITS ? LO_BITS : q > HI_BITS ? HI_BITS : q;
      i = (q >> SHIFT) - FIRST;
      a = PE_T[i]!;
      let u = (a + (q & MASK) * FRAC * (PE_T[i + 1]! - a)) * invPeak;
      if (u > 1) u = 1;
      const xk = u * k;
      let seg = xk | 0;
      if (seg > k - 1) seg = k - 1;
      t = xk - seg;
      if (t > 1) t = 1;
      const c = below[seg]! + inc[seg]! * t;
      const base = b0[x]! + bw * (b1[x]! - b0[x]!);
      let s = base + (c0[x]! + gw * (c1[x]! - c0[x]!)) * (c - base);
      s = s > 0 ? (s < 1 ? s : 1) : 0;
      F32[0] = s;
      q = I32[0]!;
      q = q < LO_BITS ? LO_BITS : q > HI_BITS ? HI_BITS : q;
      i = (q >> SHIFT) - FIRST;
      a = GD_T[i]!;
      rowS[x] = a + (q & MASK) * FRAC * (GD_T[i + 1]! - a);
      rowR[x] = r7;
      rowG[x] = g7;
      rowB[x] = b7;
      rowY[x] = yl;
    }
    // Step 2, saturate + gamutFit + gamma encode: chroma ratios scaled about grey, then
    // fitted into [0,1] keeping luminance and hue.
    for (let x = 0; x < width; x++) {
      const ys = rowS[x]!;
      const sat = s0r[x]! + gw * (s1r[x]! - s0r[x]!);
      const iy = 1 / (rowY[x]! + 1e-6);
      const qr = 1 + sat * (rowR[x]! * iy - 1);
      const qg = 1 + sat * (rowG[x]! * iy - 1);
      const qb = 1 + sat * (rowB[x]! * iy - 1);
      const maxR = qr > qg ? (qr > qb ? qr : qb) : qg > qb ? qg : qb;
      const minR = qr < qg ? (qr < qb ? qr : qb) : qg < qb ? qg : qb;
      const hiK = (ys < 1 ? 1 - ys : 0) / (ys * (maxR > 1 ? maxR - 1 : 0) + 1e-6);
      const loK = 1 / ((minR < 1 ? 1 - minR : 0) + 1e-6);
      let kk = hiK < loK ? hiK : loK;
      if (kk > 1) kk = 1;
      F32[0] = ys * (1 + kk * (qr - 1));
      q = I32[0]!;
      q = q < LO_BITS ? LO_BITS : q > HI_BITS ? HI_BITS : q;
      i = (q >> SHIFT) - FIRST;
      a = GE_T[i]!;
      r[o + x] = a + (q & MASK) * FRAC * (GE_T[i + 1]! - a);
      F32[0] = ys * (1 + kk * (qg - 1));
      q = I32[0]!;
      q = q < LO_BITS ? LO_BITS : q > HI_BITS ? HI_BITS : q;
      i = (q >> SHIFT) - FIRST;
      a = GE_T[i]!;
      gp[o + x] = a + (q & MASK) * FRAC * (GE_T[i + 1]! - a);
      F32[0] = ys * (1 + kk * (qb - 1));
      q = I32[0]!;
      q = q < LO_BITS ? LO_BITS : q > HI_BITS ? HI_BITS : q;
      i = (q >> SHIFT) - FIRST;
      a = GE_T[i]!;
      b[o + x] = a + (q & MASK) * FRAC * (GE_T[i + 1]! - a);
    }
  }
}

/**
 * F at full resolution, in place: `p` holds BT.709 gamma R'G'B' and gets PQ BT.2020 R'G'B'.
 * `guided`: g.inc is R's curve (side info), inverted exactly; else F's own curve, applied.
 * @example forwardFullRes(planes, 1920, 1080, grids, true, pqEncode(1000))
 */
export function forwardFullRes(p: RgbPlanes, width: number, height: number, g: LowResOutputs, guided: boolean, peakPq: number): void {
  const { r, g: gp, b } = p;
  const k = g.inc.length;
  const inc = Float64Array.from(g.inc as ArrayLike<number>);
  const below = starts(inc);
  // Guided: segment of a curve output by a coarse table, then a short walk (curves.ts invertCurve).
  const bins = 1024;
  const segOf = new Int32Array(bins + 1);
  for (let j = 0, seg = 0; j <= bins; j++) {
    while (seg < k - 1 && below[seg + 1]! <= j / bins) seg++;
    segOf[j] = seg;
  }
  const up = upsampleAcross(g, width, height);
  const { a: rowR, b: rowG, c: rowB, d: rowY, e: rowH } = rowScratch(width);
  let t: number;
  let i: number;
  let q: number;
  let a: number;
  for (let y = 0; y < height; y++) {
    const o = y * width;
    const b0 = up.base[up.baseY.i0[y]!]!;
    const b1 = up.base[up.baseY.i1[y]!]!;
    const bw = up.baseY.w[y]!;
    const c0 = up.con[up.gainY.i0[y]!]!;
    const c1 = up.con[up.gainY.i1[y]!]!;
    const s0r = up.sat[up.gainY.i0[y]!]!;
    const s1r = up.sat[up.gainY.i1[y]!]!;
    const gw = up.gainY.w[y]!;
    // Step 1: gamma -> linear BT.709 -> luminance -> its gamma signal, contrast undone about
    // the local mean, the curve inverted (guided) or F's own applied (blind) -> PQ -> light.
    for (let x = 0; x < width; x++) {
      F32[0] = r[o + x]!;
      q = I32[0]!;
      q = q < LO_BITS ? LO_BITS : q > HI_BITS ? HI_BITS : q;
      i = (q >> SHIFT) - FIRST;
      a = GD_T[i]!;
      const lr = a + (q & MASK) * FRAC * (GD_T[i + 1]! - a);
      F32[0] = gp[o + x]!;
      q = I32[0]!;
      q = q < LO_BITS ? LO_BITS : q > HI_BITS ? HI_BITS : q;
      i = (q >> SHIFT) - FIRST;
      a = GD_T[i]!;
      const lg = a + (q & MASK) * FRAC * (GD_T[i + 1]! - a);
      F32[0] = b[o + x]!;
      q = I32[0]!;
      q = q < LO_BITS ? LO_BITS : q > HI_BITS ? HI_BITS : q;
      i = (q >> SHIFT) - FIRST;
      a = GD_T[i]!;
      const lb = a + (q & MASK) * FRAC * (GD_T[i + 1]! - a);
      const yl = LR * lr + LG * lg + LB * lb;
      F32[0] = yl;
      q = I32[0]!;
      q = q < LO_BITS ? LO_BITS : q > HI_BITS ? HI_BITS : q;
      i = (q >> SHIFT) - FIRST;
      a = GE_T[i]!;
      const s0 = a + (q & MASK) * FRAC * (GE_T[i + 1]! - a);
      const base = b0[x]! + bw * (b1[x]! - b0[x]!);
      let s = base + (c0[x]! + gw * (c1[x]! - c0[x]!)) * (s0 - base);
      s = s > 0 ? (s < 1 ? s : 1) : 0;
      let u: number;
      if (guided) {
        let seg = segOf[(s * bins) | 0]!;
        while (seg < k - 1 && below[seg + 1]! <= s) seg++;
        t = (s - below[seg]!) / inc[seg]!;
        u = (seg + (t > 0 ? (t < 1 ? t : 1) : 0)) / k;
      } else {
        const xk = s * k;
        let seg = xk | 0;
        if (seg > k - 1) seg = k - 1;
        t = xk - seg;
        u = below[seg]! + inc[seg]! * (t < 1 ? t : 1);
      }
      t = u * peakPq * SIG_SEG;
      t = t > 0 ? (t < SIG_SEG ? t : SIG_SEG) : 0;
      i = t | 0;
      a = PQ_DEC[i]!;
      rowH[x] = a + (t - i) * (PQ_DEC[i + 1]! - a);
      rowR[x] = lr;
      rowG[x] = lg;
      rowB[x] = lb;
      rowY[x] = yl;
    }
    // Step 2: chroma ratios re-saturated, times the restored light, BT.709 -> BT.2020, PQ.
    for (let x = 0; x < width; x++) {
      const yh = rowH[x]!;
      const sat = s0r[x]! + gw * (s1r[x]! - s0r[x]!);
      const iy = 1 / (rowY[x]! + 1e-6);
      let qr = 1 + sat * (rowR[x]! * iy - 1);
      let qg = 1 + sat * (rowG[x]! * iy - 1);
      let qb = 1 + sat * (rowB[x]! * iy - 1);
      if (qr < 0) qr = 0;
      if (qg < 0) qg = 0;
      if (qb < 0) qb = 0;
      const hr = yh * qr;
      const hg = yh * qg;
      const hb = yh * qb;
      F32[0] = B0 * hr + B1 * hg + B2 * hb;
      q = I32[0]!;
      q = q < LO_BITS ? LO_BITS : q > HI_BITS ? HI_BITS : q;
      i = (q >> SHIFT) - FIRST;
      a = PE_T[i]!;
      r[o + x] = a + (q & MASK) * FRAC * (PE_T[i + 1]! - a);
      F32[0] = B3 * hr + B4 * hg + B5 * hb;
      q = I32[0]!;
      q = q < LO_BITS ? LO_BITS : q > HI_BITS ? HI_BITS : q;
      i = (q >> SHIFT) - FIRST;
      a = PE_T[i]!;
      gp[o + x] = a + (q & MASK) * FRAC * (PE_T[i + 1]! - a);
      F32[0] = B6 * hr + B7 * hg + B8 * hb;
      q = I32[0]!;
      q = q < LO_BITS ? LO_BITS : q > HI_BITS ? HI_BITS : q;
      i = (q >> SHIFT) - FIRST;
      a = PE_T[i]!;
      b[o + x] = a + (q & MASK) * FRAC * (PE_T[i + 1]! - a);
    }
  }
}
