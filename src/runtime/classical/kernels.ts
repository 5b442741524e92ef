// The classical model's pixel loops: integer Y'CbCr 4:2:0 in, integer Y'CbCr 4:2:0 out, a pair
// of luma rows at a time, with O(width) scratch. The model runs their WebAssembly SIMD twin
// (simd/kernels.ts, through simd-kernels.ts: ~1.8x faster); these float64 loops are the readable
// version it is tested against, and the tables both read are built here.
//
// For each luma row the two chroma rows it sits between are blended (3/4 nearest + 1/4 other)
// into a row buffer; the first step's loop gives even columns that sample and odd ones the mean
// of their two neighbours (src/color/chroma.ts's upsampling). The colour chain then runs in
// float64 in three row steps (decode to light, tone map, encode), which V8 compiles to tighter
// code than one loop doing everything (~15% faster here); the last step writes the luma codes
// and sums B'−Y', R'−Y' over the row pair, which are then filtered [1, 2, 1] around even
// columns (downsampleChroma's filter) into one chroma row. The results match YuvFrameConverter
// plus the plane functions of src/color (reference.ts) to ±1 code at rounding ties.
//
// Speed (V8, measured with bench/classical-model.ts): a typed array that is a module-level
// `const` is a constant to TurboFan, so reading it skips the map check and the base/length
// reloads a parameter or a field costs (~1.2 ns against ~2.4 ns a table lookup here). So every
// table and row buffer the loops touch lives at module level; per-frame tables (the EETF's, the
// HLG OOTF's) are copied in (tens of KB) before a frame when they change; lookups are written out
// inline. Tables are laid out so the loops test nothing: signal → light tables are padded past
// any signal integer codes can give, light → signal tables are indexed by a float32's bits over
// every non-negative float up to a bound the chain guarantees. The loops are synchronous: two
// frames never interleave inside them.

import {
  BT2020_TO_BT709, BT709_TO_BT2020, hlgInverseOetf, hlgOetf, lumaCoefficients, pqDecode, pqEncode,
} from '../../color/index.js';
import type { EetfLut } from './bt2390-eetf.js';
import { BitTable, UniformLut } from './curve-lut.js';
import type { HlgDisplayTables } from './transfer-tables.js';

const K2020 = lumaCoefficients('bt2020nc');
const K709 = lumaCoefficients('bt709');

/** Widest frame the loops take (row buffers are sized for it: ~1 MB in all). */
export const MAX_WIDTH = 16384;

/** BT.1886 display gamma (Lb = 0: L = Lw·V^2.4). */
export const SDR_GAMMA = 2.4;

const gammaEncodeExact = (x: number): number => (x > 0 ? Math.exp(Math.log(x) / SDR_GAMMA) : 0);
const gammaDecodeExact = (v: number): number => (v > 0 ? Math.exp(Math.log(v) * SDR_GAMMA) : 0);

// ---- Static tables (built at load, ~10 ms) ------------------------------------------------
// Signal → light: uniform in the signal, 4096 segments per unit, over [-1.25, 2.25] — wider than
// any R'G'B' that integer Y'CbCr codes give (limited-range foot/headroom plus extreme chroma
// reach −1.15 … 2.17), so no clamping in the loops: the padding holds the clamped curve (PQ,
// BT.1886) or its own extension (HLG, like hlgInverseOetf).
const SIG_LO = -1.25;
const SIG_HI = 2.25;
const SIG_SEGMENTS = Math.round((SIG_HI - SIG_LO) * 4096);
const SIG_S = SIG_SEGMENTS / (SIG_HI - SIG_LO);
const SIG_O = -SIG_LO * SIG_S;
// PQ signal → cd/m² (within ~1e-6 relative above 0.01 cd/m²).
const PQ_DEC = new UniformLut(pqDecode, SIG_LO, SIG_HI, SIG_SEGMENTS).table;
// BT.1886 signal → relative light V^2.4, signal clamped to [0, 1] (≤ 3e-8 relative near white).
const GAMMA_DEC = new UniformLut((v) => gammaDecodeExact(v >= 1 ? 1 : v), SIG_LO, SIG_HI, SIG_SEGMENTS).table;
// HLG signal → normalised scene light.
const HLG_DEC = new UniformLut(hlgInverseOetf, SIG_LO, SIG_HI, SIG_SEGMENTS).table;
// Light → signal: bit-indexed (BitTable). Relative SDR light → BT.1886 signal L^(1/2.4), 128 knots
// an octave (≤ 2e-6 relative); the light is at most peakOut/dstPeak = 1 up to rounding.
const GE = new BitTable(gammaEncodeExact, 1, 7);
const GE_T = GE.table;
const GE_SHIFT = GE.shift;
const GE_MASK = GE.mask;
const GE_FRAC = GE.fracScale;
// cd/m² → PQ signal, 64 knots an octave (≤ 3e-6 of the signal). Light reaching it is at most
// srcMax ≤ 10⁴ cd/m² (gains ≤ srcMax, BT.709 → BT.2020 rows sum to 1) < 2^14.
const PE = new BitTable(pqEncode, 14, 6);
const PE_T = PE.table;
const PE_SHIFT = PE.shift;
const PE_MASK = PE.mask;
const PE_FRAC = PE.fracScale;
// Normalised scene light → HLG signal, 128 knots an octave, clamped at 2^7 (scene light 128
// times the display's peak: beyond any mastering range).
const HO = new BitTable(hlgOetf, 7, 7);
const HO_T = HO.table;
const HO_SHIFT = HO.shift;
const HO_MASK = HO.mask;
const HO_FRAC = HO.fracScale;
const HO_LAST = HO.last;

/** The static tables and their geometry, for the SIMD kernels (../simd-kernels.ts) to copy. */
export const TABLES = {
  /** Signal → light, uniform: segment = signal·sigScale + sigOffset, `sigSegments` segments. */
  sigScale: SIG_S,
  sigOffset: SIG_O,
  sigSegments: SIG_SEGMENTS,
  pqDecode: PQ_DEC,
  gammaDecode: GAMMA_DEC,
  hlgDecode: HLG_DEC,
  gammaEncode: GE,
  pqEncode: PE,
  hlgOetf: HO,
} as const;

// ---- Per-frame tables, copied in before a frame --------------------------------------------
// Reverse maxRGB gain E(m)/m, bit-indexed over every float32 m below 2^14 cd/m² (EetfLut.mapGain).
const REV_GAIN = new Float64Array(141 * 256 + 2);
// Forward maxRGB gain against s = peakOut − L, bit-indexed over every float32 s below the top
// table's end (s under 2^-40 cd/m² takes the gain at the peak).
const FWD_GAIN = new Float64Array(160 * 64 + 2);
// HLG OOTF gain and inverse-OOTF scale (BitTables of 138·128 and 135·128 knots).
const OOTF = new Float64Array(138 * 128 + 2);
const INV_OOTF = new Float64Array(135 * 128 + 2);
let loadedRevGain: Float64Array | null = null;
let loadedFwdGain: { table: Float64Array; dstPeak: number } | null = null;
let loadedOotf: Float64Array | null = null;
let loadedInvOotf: Float64Array | null = null;

function load(dst: Float64Array, src: Float64Array, what: string): void {
  if (src.length > dst.length) throw new RangeError(`classical kernels: ${what} table has ${src.length} entries, room for ${dst.length}`);
  dst.set(src);
}

// ---- Row buffers ---------------------------------------------------------------------------
const ROW_U = new Float64Array((MAX_WIDTH >> 1) + 2);
const ROW_V = new Float64Array((MAX_WIDTH >> 1) + 2);
// B'−Y' and R'−Y' summed over the two rows of a pair.
const D_U = new Float64Array(MAX_WIDTH);
const D_V = new Float64Array(MAX_WIDTH);
// Light of one row, between the steps of a pass.
const LR = new Float64Array(MAX_WIDTH);
const LG = new Float64Array(MAX_WIDTH);
const LB = new Float64Array(MAX_WIDTH);
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** Integer 4:2:0 Y'CbCr planes of one frame. */
export type Planes<T extends Uint8Array | Uint16Array> = { y: T; cb: T; cr: T };

export function checkSetup(width: number, height: number, eetf: EetfLut): void {
  if (!(Number.isInteger(width) && width > 0 && width <= MAX_WIDTH && Number.isInteger(height) && height > 0)) {
    throw new RangeError(`classical kernels: frame must be 1..${MAX_WIDTH} pixels wide and at least 1 high, got ${width}x${height}`);
  }
  // The loops take the EETF as the identity below its knee.
  if (!eetf.identityBelowKnee) {
    throw new RangeError('classical kernels: the EETF must have no black lift (srcMin = dstMin = 0 cd/m²)');
  }
}

/**
 * Blends chroma rows for luma row `y` into ROW_U/ROW_V as offsets from the zero code (not
 * scaled), with one padding sample repeating the last so odd columns need no edge test.
 */
function blendChromaRow(
  cb: Uint8Array | Uint16Array, cr: Uint8Array | Uint16Array, zero: number, y: number, cw: number, ch: number,
): void {
  const near = y >> 1;
  const far = (y & 1) === 0 ? (near > 0 ? near - 1 : 0) : near < ch - 1 ? near + 1 : ch - 1;
  const rn = near * cw;
  const rf = far * cw;
  for (let cx = 0; cx < cw; cx++) {
    ROW_U[cx] = 0.75 * cb[rn + cx]! + 0.25 * cb[rf + cx]! - zero;
    ROW_V[cx] = 0.75 * cr[rn + cx]! + 0.25 * cr[rf + cx]! - zero;
  }
  ROW_U[cw] = ROW_U[cw - 1]!;
  ROW_V[cw] = ROW_V[cw - 1]!;
}

/**
 * Chroma row `cy` from D_U/D_V (sums over the row pair): [1, 2, 1] around each even column
 * (edges clamped), times `mul`, plus the zero code; rounded and clamped to [0, max]
 * (quantizeYcbcrPlane's rule).
 */
function writeChromaRow(
  width: number, cw: number, cy: number, mul: number, crScale: number, zero: number, max: number,
  outCb: Uint8Array | Uint16Array, outCr: Uint8Array | Uint16Array,
): void {
  const lastX = width - 1;
  const off = zero + 0.5;
  const row = cy * cw;
  const mulV = mul * crScale;
  for (let cx = 0; cx < cw; cx++) {
    const x = 2 * cx;
    const xl = x > 0 ? x - 1 : 0;
    const xr = x < lastX ? x + 1 : lastX;
    const u = off + mul * (D_U[xl]! + 2 * D_U[x]! + D_U[xr]!);
    const v = off + mulV * (D_V[xl]! + 2 * D_V[x]! + D_V[xr]!);
    // `>= 1` (not `> 0`) also sends NaN to 0.
    outCb[row + cx] = u >= 1 ? (u >= max ? max : Math.floor(u)) : 0;
    outCr[row + cx] = v >= 1 ? (v >= max ? max : Math.floor(v)) : 0;
  }
}

/** Odd height: the missing second row of the last pair counts as the first (downsampleChroma's rule). */
function doubleRow(width: number): void {
  for (let x = 0; x < width; x++) {
    D_U[x] = 2 * D_U[x]!;
    D_V[x] = 2 * D_V[x]!;
  }
}

// ---- Reverse (HDR → SDR), one luma row at a time through LR/LG/LB --------------------------

// BT.2020 NCL 10-bit limited range in: Y' = (code − 64)/876, Cb/Cr = (code − 512)/896.
const H_YMUL = 1 / 876;
const H_CR_R = (2 * (1 - K2020.kr)) / 896;
const H_CB_B = (2 * (1 - K2020.kb)) / 896;
const H_CR_G = -(2 * K2020.kr * (1 - K2020.kr)) / K2020.kg / 896;
const H_CB_G = -(2 * K2020.kb * (1 - K2020.kb)) / K2020.kg / 896;
// BT.709 8-bit limited range in.
const S_YMUL = 1 / 219;
const S_CR_R = (2 * (1 - K709.kr)) / 224;
const S_CB_B = (2 * (1 - K709.kb)) / 224;
const S_CR_G = -(2 * K709.kr * (1 - K709.kr)) / K709.kg / 224;
const S_CB_G = -(2 * K709.kb * (1 - K709.kb)) / K709.kg / 224;
const [A0, A1, A2, A3, A4, A5, A6, A7, A8] = BT2020_TO_BT709;
const [B0, B1, B2, B3, B4, B5, B6, B7, B8] = BT709_TO_BT2020;

/** PQ Y'CbCr row → BT.2020 light, cd/m², into LR/LG/LB (chroma from ROW_U/ROW_V). */
function pqRowToLight(yIn: Uint16Array, row: number, width: number): void {
  for (let x = 0; x < width; x++) {
    const cx = x >> 1;
    let u: number;
    let v: number;
    if ((x & 1) === 0) {
      u = ROW_U[cx]!;
      v = ROW_V[cx]!;
    } else {
      u = 0.5 * (ROW_U[cx]! + ROW_U[cx + 1]!);
      v = 0.5 * (ROW_V[cx]! + ROW_V[cx + 1]!);
    }
    const yn = (yIn[row + x]! - 64) * H_YMUL;
    // PQ EOTF; the padded table clamps the signal to [0, 1] as pqDecode does.
    let t = (yn + H_CR_R * v) * SIG_S + SIG_O;
    let i = t | 0;
    let a = PQ_DEC[i]!;
    LR[x] = a + (t - i) * (PQ_DEC[i + 1]! - a);
    t = (yn + H_CB_G * u + H_CR_G * v) * SIG_S + SIG_O;
    i = t | 0;
    a = PQ_DEC[i]!;
    LG[x] = a + (t - i) * (PQ_DEC[i + 1]! - a);
    t = (yn + H_CB_B * u) * SIG_S + SIG_O;
    i = t | 0;
    a = PQ_DEC[i]!;
    LB[x] = a + (t - i) * (PQ_DEC[i + 1]! - a);
  }
}

/**
 * HLG Y'CbCr row → BT.2020 display light, cd/m², into LR/LG/LB: inverse OETF, then BT.2100's
 * luminance-based OOTF (gain Lw·Ys^(γ−1) from OOTF, a copy of `ootf`'s table).
 */
function hlgRowToLight(yIn: Uint16Array, row: number, width: number, ootf: BitTable): void {
  const shift = ootf.shift;
  const mask = ootf.mask;
  const frac = ootf.fracScale;
  const kr = K2020.kr;
  const kg = K2020.kg;
  const kb = K2020.kb;
  for (let x = 0; x < width; x++) {
    const cx = x >> 1;
    let u: number;
    let v: number;
    if ((x & 1) === 0) {
      u = ROW_U[cx]!;
      v = ROW_V[cx]!;
    } else {
      u = 0.5 * (ROW_U[cx]! + ROW_U[cx + 1]!);
      v = 0.5 * (ROW_V[cx]! + ROW_V[cx + 1]!);
    }
    const yn = (yIn[row + x]! - 64) * H_YMUL;
    let t = (yn + H_CR_R * v) * SIG_S + SIG_O;
    let i = t | 0;
    let a = HLG_DEC[i]!;
    const er = a + (t - i) * (HLG_DEC[i + 1]! - a);
    t = (yn + H_CB_G * u + H_CR_G * v) * SIG_S + SIG_O;
    i = t | 0;
    a = HLG_DEC[i]!;
    const eg = a + (t - i) * (HLG_DEC[i + 1]! - a);
    t = (yn + H_CB_B * u) * SIG_S + SIG_O;
    i = t | 0;
    a = HLG_DEC[i]!;
    const eb = a + (t - i) * (HLG_DEC[i + 1]! - a);
    // Ys ∈ [0, ~1065): inside the table, which holds gain 0 at Ys = 0.
    F32[0] = kr * er + kg * eg + kb * eb;
    const bits = U32[0]!;
    const j = bits >>> shift;
    const o = OOTF[j]!;
    const gain = o + (bits & mask) * frac * (OOTF[j + 1]! - o);
    LR[x] = gain * er;
    LG[x] = gain * eg;
    LB[x] = gain * eb;
  }
}

/**
 * BT.2020 cd/m² in LR/LG/LB → BT.709, negatives clipped, then every channel times the maxRGB
 * gain EETF(m)/m / dstPeak: relative SDR light in [0, 1], in place.
 */
function toneMapRow(width: number, knee: number, shift: number, mask: number, frac: number, invPeak: number): void {
  for (let x = 0; x < width; x++) {
    const r20 = LR[x]!;
    const g20 = LG[x]!;
    const b20 = LB[x]!;
    let r = A0 * r20 + A1 * g20 + A2 * b20;
    let g = A3 * r20 + A4 * g20 + A5 * b20;
    let b = A6 * r20 + A7 * g20 + A8 * b20;
    if (!(r > 0)) r = 0;
    if (!(g > 0)) g = 0;
    if (!(b > 0)) b = 0;
    const m = r > g ? (r > b ? r : b) : g > b ? g : b;
    // One gain for all three channels keeps hue and saturation. m < 10⁴·1.0001 < 2^14: inside
    // the table, which also holds peakOut/m above srcMax.
    let gain = invPeak;
    if (m > knee) {
      F32[0] = m;
      const bits = U32[0]!;
      const j = bits >>> shift;
      const a = REV_GAIN[j]!;
      gain = (a + (bits & mask) * frac * (REV_GAIN[j + 1]! - a)) * invPeak;
    }
    LR[x] = r * gain;
    LG[x] = g * gain;
    LB[x] = b * gain;
  }
}

/** Relative SDR light in LR/LG/LB → BT.1886 signals → luma codes (8-bit) and B'−Y', R'−Y' into D_U/D_V (added to what is there for the `second` row of a pair). */
function sdrEncodeRow(yOut: Uint8Array, row: number, width: number, second: boolean): void {
  const kr = K709.kr;
  const kg = K709.kg;
  const kb = K709.kb;
  for (let x = 0; x < width; x++) {
    F32[0] = LR[x]!;
    let bits = U32[0]!;
    let j = bits >>> GE_SHIFT;
    let a = GE_T[j]!;
    const vr = a + (bits & GE_MASK) * GE_FRAC * (GE_T[j + 1]! - a);
    F32[0] = LG[x]!;
    bits = U32[0]!;
    j = bits >>> GE_SHIFT;
    a = GE_T[j]!;
    const vg = a + (bits & GE_MASK) * GE_FRAC * (GE_T[j + 1]! - a);
    F32[0] = LB[x]!;
    bits = U32[0]!;
    j = bits >>> GE_SHIFT;
    a = GE_T[j]!;
    const vb = a + (bits & GE_MASK) * GE_FRAC * (GE_T[j + 1]! - a);
    const yl = kr * vr + kg * vg + kb * vb;
    // V ∈ [0, 1], so the code is in [16, 235]: no clamping.
    yOut[row + x] = (16.5 + 219 * yl) | 0;
    if (second) {
      D_U[x] = D_U[x]! + (vb - yl);
      D_V[x] = D_V[x]! + (vr - yl);
    } else {
      D_U[x] = vb - yl;
      D_V[x] = vr - yl;
    }
  }
}

/** What a reverse (HDR → SDR) pass needs besides the pixels. */
export type ReverseSetup = {
  /** Null for PQ input; the display tables (Lw = mastering peak) for HLG. */
  readonly hlg: HlgDisplayTables | null;
  readonly eetf: EetfLut;
  /** SDR display peak, cd/m² (BT.1886 Lw; Lb = 0). */
  readonly dstPeak: number;
};

/**
 * HDR (BT.2020 NCL, limited, 10-bit, PQ or HLG) → SDR (BT.709, limited, 8-bit, BT.1886), 4:2:0,
 * tone mapped on maxRGB with the frame's EETF.
 */
export function reverseKernel(
  width: number, height: number, src: Planes<Uint16Array>, dst: Planes<Uint8Array>, setup: ReverseSetup,
): void {
  const { hlg, eetf } = setup;
  checkSetup(width, height, eetf);
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const gainLut = eetf.mapGain;
  if (loadedRevGain !== gainLut.table) {
    load(REV_GAIN, gainLut.table, 'EETF gain');
    loadedRevGain = gainLut.table;
  }
  if (hlg !== null && loadedOotf !== hlg.ootfGain.table) {
    load(OOTF, hlg.ootfGain.table, 'HLG OOTF');
    loadedOotf = hlg.ootfGain.table;
  }
  // Below the knee the EETF is the identity: one constant gain.
  const knee = eetf.kneeNits;
  const invPeak = 1 / setup.dstPeak;
  // 8-bit limited chroma out: 128 + 224·(B'−Y')/(2(1−kb)), the 1/8 of the 2×[1, 2, 1] filter folded in.
  const cbMul = 224 / (2 * (1 - K709.kb)) / 8;
  const crScale = (2 * (1 - K709.kb)) / (2 * (1 - K709.kr));
  for (let cy = 0; cy < ch; cy++) {
    for (let k = 0; k < 2; k++) {
      const yy = 2 * cy + k;
      if (yy >= height) {
        doubleRow(width);
        break;
      }
      blendChromaRow(src.cb, src.cr, 512, yy, cw, ch);
      const row = yy * width;
      if (hlg === null) pqRowToLight(src.y, row, width);
      else hlgRowToLight(src.y, row, width, hlg.ootfGain);
      toneMapRow(width, knee, gainLut.shift, gainLut.mask, gainLut.fracScale, invPeak);
      sdrEncodeRow(dst.y, row, width, k === 1);
    }
    writeChromaRow(width, cw, cy, cbMul, crScale, 128, 255, dst.cb, dst.cr);
  }
}

// ---- Forward (SDR → HDR) -------------------------------------------------------------------

/** SDR Y'CbCr row → relative BT.709 light V^2.4 (signals clamped to [0, 1]) into LR/LG/LB. */
function sdrRowToLight(yIn: Uint8Array, row: number, width: number): void {
  for (let x = 0; x < width; x++) {
    const cx = x >> 1;
    let u: number;
    let v: number;
    if ((x & 1) === 0) {
      u = ROW_U[cx]!;
      v = ROW_V[cx]!;
    } else {
      u = 0.5 * (ROW_U[cx]! + ROW_U[cx + 1]!);
      v = 0.5 * (ROW_V[cx]! + ROW_V[cx + 1]!);
    }
    const yn = (yIn[row + x]! - 16) * S_YMUL;
    // The padded table clamps the signals to [0, 1].
    let t = (yn + S_CR_R * v) * SIG_S + SIG_O;
    let i = t | 0;
    let a = GAMMA_DEC[i]!;
    LR[x] = a + (t - i) * (GAMMA_DEC[i + 1]! - a);
    t = (yn + S_CB_G * u + S_CR_G * v) * SIG_S + SIG_O;
    i = t | 0;
    a = GAMMA_DEC[i]!;
    LG[x] = a + (t - i) * (GAMMA_DEC[i + 1]! - a);
    t = (yn + S_CB_B * u) * SIG_S + SIG_O;
    i = t | 0;
    a = GAMMA_DEC[i]!;
    LB[x] = a + (t - i) * (GAMMA_DEC[i + 1]! - a);
  }
}

/**
 * The forward gain table of `eetf` (same knots as `eetf.unmapTop`: no exact evaluations): at
 * s = peakOut − L, bit-indexed by s like a BitTable, the gain E⁻¹(L)·dstPeak/L that turns
 * relative SDR light L/dstPeak into source cd/m². Also read by the SIMD kernels.
 */
export function forwardGainTable(eetf: EetfLut, dstPeak: number): Float64Array {
  const top = eetf.unmapTop;
  const perOctave = 2 ** (23 - top.shift);
  const maxExp = (top.hiBits >>> 23) - 127;
  const n = (maxExp + 127) * perOctave + 1;
  const table = new Float64Array(n + 1);
  const peakOut = eetf.peakOutNits;
  for (let k = 0; k <= n; k++) {
    const e = Math.floor(k / perOctave);
    const s = e === 0 ? 0 : 2 ** (e - 127) * (1 + (k % perOctave) / perOctave);
    const j = k - top.firstSegment;
    const nits = j < 0 ? top.atZero : top.table[Math.min(j, top.table.length - 1)]!;
    const l = peakOut - s;
    table[k] = l > 0 ? (nits * dstPeak) / l : 0;
  }
  return table;
}

/** FWD_GAIN from {@link forwardGainTable}, unless it holds that table already. */
function loadForwardGain(eetf: EetfLut, dstPeak: number): void {
  const top = eetf.unmapTop;
  if (loadedFwdGain !== null && loadedFwdGain.table === top.table && loadedFwdGain.dstPeak === dstPeak) return;
  const table = forwardGainTable(eetf, dstPeak);
  if (table.length + 1 > FWD_GAIN.length) throw new RangeError(`classical kernels: inverse EETF table needs ${table.length + 1} entries, room for ${FWD_GAIN.length}`);
  FWD_GAIN.fill(0);
  FWD_GAIN.set(table);
  loadedFwdGain = { table: top.table, dstPeak };
}

/**
 * Relative SDR light in LR/LG/LB → maxRGB inverse EETF (identity below the knee, FWD_GAIN above
 * it) → BT.2020 cd/m², in place.
 */
function inverseToneMapRow(width: number, eetf: EetfLut, dstPeak: number): void {
  const shift = eetf.unmapTop.shift;
  const mask = eetf.unmapTop.mask;
  const frac = eetf.unmapTop.fracScale;
  const peakOut = eetf.peakOutNits;
  const kneeOut = eetf.kneeOutNits;
  const srcMax = eetf.srcMax;
  // Relative light above which the knee has been passed (below it the EETF is the identity).
  const kneeRel = kneeOut / dstPeak;
  for (let x = 0; x < width; x++) {
    const lr = LR[x]!;
    const lg = LG[x]!;
    const lb = LB[x]!;
    let gain = dstPeak;
    const m = lr > lg ? (lr > lb ? lr : lb) : lg > lb ? lg : lb;
    if (m > kneeRel) {
      const lm = m * dstPeak;
      if (lm >= peakOut) {
        gain = srcMax / m;
      } else if (lm > kneeOut) {
        F32[0] = peakOut - lm;
        const bits = U32[0]!;
        const j = bits >>> shift;
        const a = FWD_GAIN[j]!;
        gain = a + (bits & mask) * frac * (FWD_GAIN[j + 1]! - a);
      } else {
        gain = eetf.unmap(lm) / m;
      }
    }
    const r = lr * gain;
    const g = lg * gain;
    const b = lb * gain;
    // BT.709 → BT.2020: all coefficients positive, so no negative light comes out.
    LR[x] = B0 * r + B1 * g + B2 * b;
    LG[x] = B3 * r + B4 * g + B5 * b;
    LB[x] = B6 * r + B7 * g + B8 * b;
  }
}

/** BT.2020 cd/m² in LR/LG/LB → PQ signals → luma codes (10-bit) and B'−Y', R'−Y' into D_U/D_V (added to what is there for the `second` row of a pair). */
function pqEncodeRow(yOut: Uint16Array, row: number, width: number, second: boolean): void {
  const kr = K2020.kr;
  const kg = K2020.kg;
  const kb = K2020.kb;
  for (let x = 0; x < width; x++) {
    F32[0] = LR[x]!;
    let bits = U32[0]!;
    let j = bits >>> PE_SHIFT;
    let a = PE_T[j]!;
    const er = a + (bits & PE_MASK) * PE_FRAC * (PE_T[j + 1]! - a);
    F32[0] = LG[x]!;
    bits = U32[0]!;
    j = bits >>> PE_SHIFT;
    a = PE_T[j]!;
    const eg = a + (bits & PE_MASK) * PE_FRAC * (PE_T[j + 1]! - a);
    F32[0] = LB[x]!;
    bits = U32[0]!;
    j = bits >>> PE_SHIFT;
    a = PE_T[j]!;
    const eb = a + (bits & PE_MASK) * PE_FRAC * (PE_T[j + 1]! - a);
    const yl = kr * er + kg * eg + kb * eb;
    // Signals in [0, 1]: the code is in [64, 940], no clamping.
    yOut[row + x] = (64.5 + 876 * yl) | 0;
    if (second) {
      D_U[x] = D_U[x]! + (eb - yl);
      D_V[x] = D_V[x]! + (er - yl);
    } else {
      D_U[x] = eb - yl;
      D_V[x] = er - yl;
    }
  }
}

/**
 * BT.2020 display cd/m² in LR/LG/LB → HLG: luminance-based inverse OOTF (scale from INV_OOTF, a
 * copy of `inv`'s table), OETF → luma codes (10-bit) and chroma differences into D_U/D_V (added
 * for the `second` row).
 */
function hlgEncodeRow(yOut: Uint16Array, row: number, width: number, second: boolean, inv: BitTable, invLw: number): void {
  const shift = inv.shift;
  const mask = inv.mask;
  const frac = inv.fracScale;
  const last = inv.last;
  const kr = K2020.kr;
  const kg = K2020.kg;
  const kb = K2020.kb;
  for (let x = 0; x < width; x++) {
    const r20 = LR[x]!;
    const g20 = LG[x]!;
    const b20 = LB[x]!;
    F32[0] = (kr * r20 + kg * g20 + kb * b20) * invLw;
    let bits = U32[0]!;
    let j = bits >>> shift;
    if (j > last) j = last;
    const o = INV_OOTF[j]!;
    const scale = o + (bits & mask) * frac * (INV_OOTF[j + 1]! - o);
    F32[0] = r20 * scale;
    bits = U32[0]!;
    j = bits >>> HO_SHIFT;
    if (j > HO_LAST) j = HO_LAST;
    let a = HO_T[j]!;
    const er = a + (bits & HO_MASK) * HO_FRAC * (HO_T[j + 1]! - a);
    F32[0] = g20 * scale;
    bits = U32[0]!;
    j = bits >>> HO_SHIFT;
    if (j > HO_LAST) j = HO_LAST;
    a = HO_T[j]!;
    const eg = a + (bits & HO_MASK) * HO_FRAC * (HO_T[j + 1]! - a);
    F32[0] = b20 * scale;
    bits = U32[0]!;
    j = bits >>> HO_SHIFT;
    if (j > HO_LAST) j = HO_LAST;
    a = HO_T[j]!;
    const eb = a + (bits & HO_MASK) * HO_FRAC * (HO_T[j + 1]! - a);
    const yl = kr * er + kg * eg + kb * eb;
    const yc = 64.5 + 876 * yl;
    yOut[row + x] = yc >= 1023 ? 1023 : yc | 0;
    if (second) {
      D_U[x] = D_U[x]! + (eb - yl);
      D_V[x] = D_V[x]! + (er - yl);
    } else {
      D_U[x] = eb - yl;
      D_V[x] = er - yl;
    }
  }
}

/** What a forward (SDR → HDR) pass needs besides the pixels. */
export type ForwardSetup = {
  /** Null for PQ output; the display tables (Lw = target mastering peak) for HLG. */
  readonly hlg: HlgDisplayTables | null;
  readonly eetf: EetfLut;
  /** SDR display peak, cd/m². */
  readonly dstPeak: number;
};

/**
 * SDR (BT.709, limited, 8-bit, BT.1886) → HDR (BT.2020 NCL, limited, 10-bit, PQ or HLG), 4:2:0:
 * the inverse chain of {@link reverseKernel}, signals clamped to [0, 1] first.
 */
export function forwardKernel(
  width: number, height: number, src: Planes<Uint8Array>, dst: Planes<Uint16Array>, setup: ForwardSetup,
): void {
  const { hlg, eetf } = setup;
  checkSetup(width, height, eetf);
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  loadForwardGain(eetf, setup.dstPeak);
  if (hlg !== null && loadedInvOotf !== hlg.inverseOotfScale.table) {
    load(INV_OOTF, hlg.inverseOotfScale.table, 'HLG inverse OOTF');
    loadedInvOotf = hlg.inverseOotfScale.table;
  }
  // 10-bit limited chroma out.
  const cbMul = 896 / (2 * (1 - K2020.kb)) / 8;
  const crScale = (2 * (1 - K2020.kb)) / (2 * (1 - K2020.kr));
  for (let cy = 0; cy < ch; cy++) {
    for (let k = 0; k < 2; k++) {
      const yy = 2 * cy + k;
      if (yy >= height) {
        doubleRow(width);
        break;
      }
      blendChromaRow(src.cb, src.cr, 128, yy, cw, ch);
      const row = yy * width;
      sdrRowToLight(src.y, row, width);
      inverseToneMapRow(width, eetf, setup.dstPeak);
      if (hlg === null) pqEncodeRow(dst.y, row, width, k === 1);
      else hlgEncodeRow(dst.y, row, width, k === 1, hlg.inverseOotfScale, 1 / hlg.lw);
    }
    writeChromaRow(width, cw, cy, cbMul, crScale, 512, 1023, dst.cb, dst.cr);
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
 * Frame statistics from a sparse grid: every other chroma sample in each direction, i.e. luma
 * columns and rows 0, 4, 8, … (1/16 of the pixels), each read as the luma code there and its
 * co-sited chroma sample without interpolation.
 */
export function measureKernel(
  width: number, height: number, src: Planes<Uint16Array>, hlg: HlgDisplayTables | null,
): FrameStats {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const yMul = 1 / 876;
  const cMul = 1 / 896;
  const crToR = 2 * (1 - K2020.kr) * cMul;
  const cbToB = 2 * (1 - K2020.kb) * cMul;
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
      const table = hlg === null ? PQ_DEC : HLG_DEC;
      let t = rs * SIG_S + SIG_O;
      let i = t | 0;
      let a = table[i]!;
      r20 = a + (t - i) * (table[i + 1]! - a);
      t = gs * SIG_S + SIG_O;
      i = t | 0;
      a = table[i]!;
      g20 = a + (t - i) * (table[i + 1]! - a);
      t = bs * SIG_S + SIG_O;
      i = t | 0;
      a = table[i]!;
      b20 = a + (t - i) * (table[i + 1]! - a);
      if (hlg !== null) {
        // Scene light → display light (BT.2100 luminance-based OOTF).
        const gain = hlg.ootfGain.at(sr * r20 + sg * g20 + sb * b20);
        r20 *= gain;
        g20 *= gain;
        b20 *= gain;
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
