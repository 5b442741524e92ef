// AssemblyScript, compiled to WebAssembly with SIMD by `npm run build:wasm` (dist/simd/).
//
// The classical model's pixel loops, four pixels an instruction in float32:
// src/runtime/classical/kernels.ts is the readable JS twin (float64, one pixel at a time) and
// the reference these are tested against. The chain and the tables are the same; codes round
// ties to even (roundInt, far cheaper than V8's saturating float-to-int) where kernels.ts
// rounds them up. The lookups read (value, slope) pairs built from the JS tables by the loader
// (../simd-kernels.ts), one 64-bit load a lane (WebAssembly has no gather).
//
// Each luma row runs as three short loops through float rows (decode to light, tone map,
// encode), so consecutive iterations overlap: a pixel is a chain of dependent lookups. Rows
// are processed in whole vectors; what lies past the width is computed from neighbouring
// samples or zeros and never written out (rows are copied out at their true length).

import { gatherLerp, gatherUniform, roundInt } from '../../simd/gather';

export function alloc(bytes: usize): usize {
  const p = heap.alloc(bytes);
  memory.fill(p, 0, bytes);
  return p;
}

export function release(ptr: usize): void {
  heap.free(ptr);
}

// Table geometry of kernels.ts (checked by the loader).
// Signal -> light tables: uniform, SIG_SCALE segments a unit, signal 0 at SIG_OFFSET.
export const SIG_SCALE: f32 = 4096;
export const SIG_OFFSET: f32 = 5120;
export const SIG_SEGMENTS: i32 = 14336;
// Bit-indexed tables: knot = float32 bits >> shift.
export const GAMMA_ENC_SHIFT: i32 = 16;
export const PQ_ENC_SHIFT: i32 = 17;
export const HLG_OETF_SHIFT: i32 = 16;
export const EETF_GAIN_SHIFT: i32 = 15;
export const INV_EETF_SHIFT: i32 = 17;
export const HLG_OOTF_SHIFT: i32 = 16;

// Static tables (pointers to (value, slope) pairs) and their last knots.
let PQ_DEC: usize = 0;
let GAMMA_DEC: usize = 0;
let HLG_DEC: usize = 0;
let GAMMA_ENC: usize = 0;
let PQ_ENC: usize = 0;
let HLG_OETF: usize = 0;
let GAMMA_ENC_LAST: i32 = 0;
let PQ_ENC_LAST: i32 = 0;
let HLG_OETF_LAST: i32 = 0;
// Per-frame tables, set before each pass.
let EETF_GAIN: usize = 0;
let EETF_GAIN_LAST: i32 = 0;
let INV_EETF: usize = 0;
let INV_EETF_LAST: i32 = 0;
let HLG_OOTF: usize = 0;
let HLG_OOTF_LAST: i32 = 0;

export function setStaticTables(
  pqDec: usize, gammaDec: usize, hlgDec: usize,
  gammaEnc: usize, gammaEncLast: i32, pqEnc: usize, pqEncLast: i32, hlgOetf: usize, hlgOetfLast: i32,
): void {
  PQ_DEC = pqDec;
  GAMMA_DEC = gammaDec;
  HLG_DEC = hlgDec;
  GAMMA_ENC = gammaEnc;
  GAMMA_ENC_LAST = gammaEncLast;
  PQ_ENC = pqEnc;
  PQ_ENC_LAST = pqEncLast;
  HLG_OETF = hlgOetf;
  HLG_OETF_LAST = hlgOetfLast;
}

/**
 * The tables of the next pass: the EETF gain (reverse) or the inverse EETF gain (forward), and
 * the HLG OOTF gain (reverse) or inverse OOTF scale (forward).
 */
export function setFrameTables(gain: usize, gainLast: i32, ootf: usize, ootfLast: i32): void {
  EETF_GAIN = gain;
  EETF_GAIN_LAST = gainLast;
  INV_EETF = gain;
  INV_EETF_LAST = gainLast;
  HLG_OOTF = ootf;
  HLG_OOTF_LAST = ootfLast;
}


/** A uniform signal table at signal s (the table's padding holds the curve's clamping). */
@inline function lookSignal(tab: usize, s: v128): v128 {
  return gatherUniform(tab, f32x4.pmin(f32x4.splat(<f32>SIG_SEGMENTS), f32x4.pmax(f32x4.splat(0), f32x4.add(f32x4.mul(s, f32x4.splat(SIG_SCALE)), f32x4.splat(SIG_OFFSET)))));
}

/**
 * A bit-indexed table at non-negative x (BitTable.at: clamped at the last knot). The weight's
 * bits fit 31, so the signed conversion (one instruction; the unsigned one is emulated) is exact.
 */
@inline function lookBits(tab: usize, x: v128, shift: i32, last: i32): v128 {
  const j = i32x4.min_u(i32x4.shr_u(x, shift), i32x4.splat(last));
  const w = f32x4.mul(f32x4.convert_i32x4_s(v128.and(x, i32x4.splat((1 << shift) - 1))), f32x4.splat(<f32>1 / <f32>(1 << shift)));
  return gatherLerp(tab, j, w);
}

/** kr·r + kg·g + kb·b, lane by lane (coefficients splatted once, outside the loops). */
@inline function dot(kr: v128, kg: v128, kb: v128, r: v128, g: v128, b: v128): v128 {
  return f32x4.add(f32x4.add(f32x4.mul(kr, r), f32x4.mul(kg, g)), f32x4.mul(kb, b));
}

/** Four samples (8- or 16-bit) at byte address p, as floats (signed conversion: they fit 16 bits). */
@inline function load4(p: usize, wide: bool): v128 {
  if (wide) return f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(v128.load64_zero(p)));
  return f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p))));
}

/** Four codes to 8- or 16-bit samples at byte address p. */
@inline function store4(p: usize, q: v128, wide: bool): void {
  if (wide) v128.store64_lane(p, i16x8.narrow_i32x4_u(q, q), 0);
  else v128.store32_lane(p, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(q, q), q), 0);
}

// Scratch layout (floats, each row `span` long plus 4 floats of margin either side): chroma
// rows U, V (blended, as offsets from the zero code), light rows R, G, B, chroma sums DU, DV;
// then a row of output codes.
@inline function scratchRow(scratch: usize, span: i32, k: i32): usize {
  return scratch + (<usize>k * <usize>(span + 8) + 4) * 4;
}

/** Bytes of scratch for a frame `width` wide: eight rows of whole 8-pixel steps plus a chroma look-ahead. */
export function scratchBytes(width: i32): usize {
  const span = ((width + 7) & ~7) + 8;
  return <usize>(8 * (span + 8)) << 2;
}

/**
 * Chroma rows for luma row y: 3/4 of the nearest chroma row plus 1/4 of the other (edges
 * repeat), minus the zero code; one more sample repeats the last, for the odd columns' means.
 */
function blendChroma(cb: usize, cr: usize, wide: bool, zero: f32, y: i32, cw: i32, ch: i32, rowU: usize, rowV: usize): void {
  const near = y >> 1;
  const far = (y & 1) == 0 ? (near > 0 ? near - 1 : 0) : near < ch - 1 ? near + 1 : ch - 1;
  const bps: usize = wide ? 2 : 1;
  const rn = <usize>near * <usize>cw * bps, rf = <usize>far * <usize>cw * bps;
  const wn = f32x4.splat(0.75), wf = f32x4.splat(0.25), z = f32x4.splat(zero);
  for (let cx = 0; cx < cw; cx += 4) {
    const o = <usize>cx * bps;
    v128.store(rowU + (<usize>cx << 2), f32x4.sub(f32x4.add(f32x4.mul(wn, load4(cb + rn + o, wide)), f32x4.mul(wf, load4(cb + rf + o, wide))), z));
    v128.store(rowV + (<usize>cx << 2), f32x4.sub(f32x4.add(f32x4.mul(wn, load4(cr + rn + o, wide)), f32x4.mul(wf, load4(cr + rf + o, wide))), z));
  }
  store<f32>(rowU + (<usize>cw << 2), load<f32>(rowU + (<usize>(cw - 1) << 2)));
  store<f32>(rowV + (<usize>cw << 2), load<f32>(rowV + (<usize>(cw - 1) << 2)));
}

/** Chroma at pixels x..x+3 (x a multiple of 4): even columns take their sample, odd ones the mean of two. */
@inline function upsample(row: usize, x: i32): v128 {
  const p = row + (<usize>(x >> 1) << 2);
  const a = v128.load(p);
  const m = f32x4.mul(f32x4.splat(0.5), f32x4.add(a, v128.load(p + 4)));
  return v128.shuffle<f32>(a, m, 0, 4, 1, 5);
}

/**
 * Y'CbCr signals of pixels x..x+3 (luma codes at yp, chroma from the blended rows): R', G', B'
 * through `tab` into the light rows.
 */
@inline function decode4(
  yp: usize, x: i32, wide: bool, yOff: v128, yMul: v128, crR: v128, cbG: v128, crG: v128, cbB: v128,
  rowU: usize, rowV: usize, tab: usize, lr: usize, lg: usize, lb: usize,
): void {
  const bps: usize = wide ? 2 : 1;
  const yn = f32x4.mul(f32x4.sub(load4(yp + <usize>x * bps, wide), yOff), yMul);
  const u = upsample(rowU, x), v = upsample(rowV, x);
  const o = <usize>x << 2;
  v128.store(lr + o, lookSignal(tab, f32x4.add(yn, f32x4.mul(crR, v))));
  v128.store(lg + o, lookSignal(tab, f32x4.add(f32x4.add(yn, f32x4.mul(cbG, u)), f32x4.mul(crG, v))));
  v128.store(lb + o, lookSignal(tab, f32x4.add(yn, f32x4.mul(cbB, u))));
}

/**
 * Luma codes of signals r, g, b (weights kr, kg, kb) into the code row, and B'−Y', R'−Y' into
 * the chroma sums (added to the first row's for the second row of a pair). Codes round ties to
 * even, as writeChroma does.
 */
@inline function encode4(
  x: i32, r: v128, g: v128, b: v128, kr: v128, kg: v128, kb: v128, yScale: v128, yOff: v128, yMax: v128,
  wide: bool, second: bool, codes: usize, du: usize, dv: usize,
): void {
  const yl = dot(kr, kg, kb, r, g, b);
  const q = roundInt(f32x4.pmin(yMax, f32x4.add(yOff, f32x4.mul(yScale, yl))));
  store4(codes + (wide ? <usize>x << 1 : <usize>x), q, wide);
  const o = <usize>x << 2;
  let cu = f32x4.sub(b, yl), cv = f32x4.sub(r, yl);
  if (second) {
    cu = f32x4.add(cu, v128.load(du + o));
    cv = f32x4.add(cv, v128.load(dv + o));
  }
  v128.store(du + o, cu);
  v128.store(dv + o, cv);
}

/** [1, 2, 1] around the even columns 2cx .. 2cx+6 of a sums row (row[-1] and row[width] hold edge copies). */
@inline function taps121(row: usize, cx: i32): v128 {
  const p = row + (<usize>(2 * cx) << 2);
  const v0 = v128.load(p), v1 = v128.load(p + 16), vm = v128.load(p - 16);
  const even = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6), odd = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
  const left = v128.shuffle<f32>(vm, odd, 3, 4, 5, 6);
  return f32x4.add(f32x4.add(left, odd), f32x4.add(even, even));
}

/**
 * Chroma row cy from the sums of a row pair: [1, 2, 1] around each even column, times mul (Cr:
 * mul·crScale), plus zero, clamped to [0, max] and rounded (ties to even: kernels.ts rounds them
 * up, so the two may differ by one code at exact ties).
 */
function writeChroma(
  du: usize, dv: usize, width: i32, cw: i32, cy: i32, mul: f32, crScale: f32, zero: f32, max: f32, wide: bool,
  codes: usize, cb: usize, cr: usize,
): void {
  const bps: usize = wide ? 2 : 1;
  // Edge copies: x − 1 at column 0, x + 1 at the last column of an odd width.
  store<f32>(du - 4, load<f32>(du));
  store<f32>(dv - 4, load<f32>(dv));
  store<f32>(du + (<usize>width << 2), load<f32>(du + (<usize>(width - 1) << 2)));
  store<f32>(dv + (<usize>width << 2), load<f32>(dv + (<usize>(width - 1) << 2)));
  const off = f32x4.splat(zero), vmax = f32x4.splat(max), zeroV = f32x4.splat(0);
  const row = <usize>cy * <usize>cw * bps;
  for (let plane = 0; plane < 2; plane++) {
    const d = plane == 0 ? du : dv;
    const m = f32x4.splat(plane == 0 ? mul : mul * crScale);
    for (let cx = 0; cx < cw; cx += 4) {
      const q = roundInt(f32x4.pmin(vmax, f32x4.pmax(zeroV, f32x4.add(off, f32x4.mul(m, taps121(d, cx))))));
      store4(codes + <usize>cx * bps, q, wide);
    }
    memory.copy((plane == 0 ? cb : cr) + row, codes, <usize>cw * bps);
  }
}

/** Odd height: the missing second row of the last pair counts as the first. */
function doubleSums(du: usize, dv: usize, width: i32): void {
  const two = f32x4.splat(2);
  for (let x = 0; x < width; x += 4) {
    const o = <usize>x << 2;
    v128.store(du + o, f32x4.mul(two, v128.load(du + o)));
    v128.store(dv + o, f32x4.mul(two, v128.load(dv + o)));
  }
}

// Constants the loader sets: BT.2020 -> BT.709 (A) and BT.709 -> BT.2020 (B), row-major; luma
// weights of BT.2020 (K20) and BT.709 (K7).
const CONSTS = memory.data(24 * 4);

export function constants(): usize {
  return CONSTS;
}

@inline function k(i: i32): v128 {
  return f32x4.splat(load<f32>(CONSTS + (<usize>i << 2)));
}
@inline function kf(i: i32): f32 {
  return load<f32>(CONSTS + (<usize>i << 2));
}
/** Constant i times s, splatted. */
@inline function ks(i: i32, s: f32): v128 {
  return f32x4.splat(kf(i) * s);
}

/** r, g, b times gain into the light rows at byte offset o. */
@inline function scaleRows(lr: usize, lg: usize, lb: usize, o: usize, r: v128, g: v128, b: v128, gain: v128): void {
  v128.store(lr + o, f32x4.mul(r, gain));
  v128.store(lg + o, f32x4.mul(g, gain));
  v128.store(lb + o, f32x4.mul(b, gain));
}

/**
 * The light rows times the 3x3 matrix at constant `first` (row-major) times s, in place;
 * negatives clipped to 0 when `clip`. A loop of its own: its nine constants fill most of x86's
 * 16 vector registers.
 */
@inline function matrixRows(lr: usize, lg: usize, lb: usize, width: i32, first: i32, s: f32, clip: bool): void {
  const m0 = ks(first, s), m1 = ks(first + 1, s), m2 = ks(first + 2, s), m3 = ks(first + 3, s), m4 = ks(first + 4, s);
  const m5 = ks(first + 5, s), m6 = ks(first + 6, s), m7 = ks(first + 7, s), m8 = ks(first + 8, s);
  const zero = f32x4.splat(0);
  for (let x = 0; x < width; x += 4) {
    const o = <usize>x << 2;
    const r = v128.load(lr + o), g = v128.load(lg + o), b = v128.load(lb + o);
    let r2 = dot(m0, m1, m2, r, g, b), g2 = dot(m3, m4, m5, r, g, b), b2 = dot(m6, m7, m8, r, g, b);
    if (clip) {
      r2 = f32x4.pmax(zero, r2);
      g2 = f32x4.pmax(zero, g2);
      b2 = f32x4.pmax(zero, b2);
    }
    v128.store(lr + o, r2);
    v128.store(lg + o, g2);
    v128.store(lb + o, b2);
  }
}
const A0 = 0, B0 = 9, K20 = 18, K7 = 21;

/**
 * HDR (BT.2020 NCL, limited, 10-bit, PQ or HLG) -> SDR (BT.709, limited, 8-bit, BT.1886), 4:2:0:
 * kernels.ts reverseKernel. Light above `knee` cd/m² takes the EETF gain table (maxRGB); the
 * result is divided by the SDR peak (invPeak).
 */
export function reverse(
  yIn: usize, cbIn: usize, crIn: usize, width: i32, height: i32, hlg: bool, knee: f32, invPeak: f32,
  yOut: usize, cbOut: usize, crOut: usize, scratch: usize,
): void {
  const cw = (width + 1) >> 1, ch = (height + 1) >> 1;
  const span = ((width + 7) & ~7) + 8;
  const rowU = scratchRow(scratch, span, 0), rowV = scratchRow(scratch, span, 1);
  const lr = scratchRow(scratch, span, 2), lg = scratchRow(scratch, span, 3), lb = scratchRow(scratch, span, 4);
  const du = scratchRow(scratch, span, 5), dv = scratchRow(scratch, span, 6), codes = scratchRow(scratch, span, 7);
  // BT.2020 NCL 10-bit limited in: Y' = (code − 64)/876, Cb/Cr = (code − 512)/896.
  const kr = kf(K20), kg = kf(K20 + 1), kb = kf(K20 + 2);
  const yOff = f32x4.splat(64), yMul = f32x4.splat(<f32>1 / <f32>876);
  const crR = f32x4.splat((<f32>2 * (<f32>1 - kr)) / <f32>896), cbB = f32x4.splat((<f32>2 * (<f32>1 - kb)) / <f32>896);
  const cbG = f32x4.splat(-(<f32>2 * kb * (<f32>1 - kb)) / kg / <f32>896), crG = f32x4.splat(-(<f32>2 * kr * (<f32>1 - kr)) / kg / <f32>896);
  const w20r = k(K20), w20g = k(K20 + 1), w20b = k(K20 + 2), w7r = k(K7), w7g = k(K7 + 1), w7b = k(K7 + 2);
  const yScale = f32x4.splat(219), yZero = f32x4.splat(16), yMax = f32x4.splat(255);
  const tab = hlg ? HLG_DEC : PQ_DEC;
  const one = f32x4.splat(1), kneeV = f32x4.splat(knee), peak = f32x4.splat(<f32>1 / invPeak);
  // 8-bit limited chroma out: 128 + 224·(B'−Y')/(2(1−kb)), the 1/8 of the 2×[1, 2, 1] filter folded in.
  const k7r = kf(K7), k7b = kf(K7 + 2);
  const cbMul: f32 = <f32>224 / (<f32>2 * (<f32>1 - k7b)) / <f32>8;
  const crScale: f32 = (<f32>2 * (<f32>1 - k7b)) / (<f32>2 * (<f32>1 - k7r));
  for (let cy = 0; cy < ch; cy++) {
    for (let pair = 0; pair < 2; pair++) {
      const y = 2 * cy + pair;
      if (y >= height) {
        doubleSums(du, dv, width);
        break;
      }
      blendChroma(cbIn, crIn, true, 512, y, cw, ch, rowU, rowV);
      const yp = yIn + (<usize>y * <usize>width << 1);
      // 1. Signals to BT.2020 light, cd/m² (HLG: scene light, then the BT.2100 OOTF).
      for (let x = 0; x < width; x += 4) decode4(yp, x, true, yOff, yMul, crR, cbG, crG, cbB, rowU, rowV, tab, lr, lg, lb);
      if (hlg) {
        for (let x = 0; x < width; x += 4) {
          const o = <usize>x << 2;
          const er = v128.load(lr + o), eg = v128.load(lg + o), eb = v128.load(lb + o);
          const gain = lookBits(HLG_OOTF, dot(w20r, w20g, w20b, er, eg, eb), HLG_OOTF_SHIFT, HLG_OOTF_LAST);
          scaleRows(lr, lg, lb, o, er, eg, eb, gain);
        }
      }
      // 2. BT.709 over the SDR peak, negatives clipped; then the maxRGB gain (1 below the
      // knee: vectors wholly below it are left as they are).
      matrixRows(lr, lg, lb, width, A0, invPeak, true);
      for (let x = 0; x < width; x += 4) {
        const o = <usize>x << 2;
        const r = v128.load(lr + o), g = v128.load(lg + o), b = v128.load(lb + o);
        const m = f32x4.mul(f32x4.max(f32x4.max(r, g), b), peak);
        const above = f32x4.gt(m, kneeV);
        if (!v128.any_true(above)) continue;
        const gain = v128.bitselect(lookBits(EETF_GAIN, m, EETF_GAIN_SHIFT, EETF_GAIN_LAST), one, above);
        scaleRows(lr, lg, lb, o, r, g, b, gain);
      }
      // 3. BT.1886 signals, luma codes, chroma differences.
      for (let x = 0; x < width; x += 4) {
        const o = <usize>x << 2;
        const vr = lookBits(GAMMA_ENC, v128.load(lr + o), GAMMA_ENC_SHIFT, GAMMA_ENC_LAST);
        const vg = lookBits(GAMMA_ENC, v128.load(lg + o), GAMMA_ENC_SHIFT, GAMMA_ENC_LAST);
        const vb = lookBits(GAMMA_ENC, v128.load(lb + o), GAMMA_ENC_SHIFT, GAMMA_ENC_LAST);
        encode4(x, vr, vg, vb, w7r, w7g, w7b, yScale, yZero, yMax, false, pair == 1, codes, du, dv);
      }
      memory.copy(yOut + <usize>y * <usize>width, codes, <usize>width);
    }
    writeChroma(du, dv, width, cw, cy, cbMul, crScale, 128, 255, false, codes, cbOut, crOut);
  }
}

/**
 * SDR (BT.709, limited, 8-bit, BT.1886) -> HDR (BT.2020 NCL, limited, 10-bit, PQ or HLG), 4:2:0:
 * kernels.ts forwardKernel. The inverse EETF on maxRGB: gain dstPeak up to kneeRel of SDR
 * light, the inverse gain table against s = peakOut − L above kneeOut cd/m², srcMax/m from
 * peakOut on. HLG: the luminance-based inverse OOTF (scale table at Yd/Lw), then the OETF.
 */
export function forward(
  yIn: usize, cbIn: usize, crIn: usize, width: i32, height: i32, hlg: bool,
  dstPeak: f32, kneeRel: f32, kneeOut: f32, peakOut: f32, srcMax: f32, invLw: f32,
  yOut: usize, cbOut: usize, crOut: usize, scratch: usize,
): void {
  const cw = (width + 1) >> 1, ch = (height + 1) >> 1;
  const span = ((width + 7) & ~7) + 8;
  const rowU = scratchRow(scratch, span, 0), rowV = scratchRow(scratch, span, 1);
  const lr = scratchRow(scratch, span, 2), lg = scratchRow(scratch, span, 3), lb = scratchRow(scratch, span, 4);
  const du = scratchRow(scratch, span, 5), dv = scratchRow(scratch, span, 6), codes = scratchRow(scratch, span, 7);
  // BT.709 8-bit limited in.
  const kr = kf(K7), kg = kf(K7 + 1), kb = kf(K7 + 2);
  const yOff = f32x4.splat(16), yMul = f32x4.splat(<f32>1 / <f32>219);
  const crR = f32x4.splat((<f32>2 * (<f32>1 - kr)) / <f32>224), cbB = f32x4.splat((<f32>2 * (<f32>1 - kb)) / <f32>224);
  const cbG = f32x4.splat(-(<f32>2 * kb * (<f32>1 - kb)) / kg / <f32>224), crG = f32x4.splat(-(<f32>2 * kr * (<f32>1 - kr)) / kg / <f32>224);
  const w20r = k(K20), w20g = k(K20 + 1), w20b = k(K20 + 2);
  const yScale = f32x4.splat(876), yZero = f32x4.splat(64), yMax = f32x4.splat(1023);
  const ip = f32x4.splat(<f32>1 / dstPeak), one = f32x4.splat(1);
  const dp = f32x4.splat(dstPeak), kRel = f32x4.splat(kneeRel), ko = f32x4.splat(kneeOut), po = f32x4.splat(peakOut), sm = f32x4.splat(srcMax);
  const il = f32x4.splat(invLw);
  // 10-bit limited chroma out.
  const k20r = kf(K20), k20b = kf(K20 + 2);
  const cbMul: f32 = <f32>896 / (<f32>2 * (<f32>1 - k20b)) / <f32>8;
  const crScale: f32 = (<f32>2 * (<f32>1 - k20b)) / (<f32>2 * (<f32>1 - k20r));
  for (let cy = 0; cy < ch; cy++) {
    for (let pair = 0; pair < 2; pair++) {
      const y = 2 * cy + pair;
      if (y >= height) {
        doubleSums(du, dv, width);
        break;
      }
      blendChroma(cbIn, crIn, false, 128, y, cw, ch, rowU, rowV);
      // 1. Signals (clamped to [0, 1] by the table) to relative SDR light.
      const yp = yIn + <usize>y * <usize>width;
      for (let x = 0; x < width; x += 4) decode4(yp, x, false, yOff, yMul, crR, cbG, crG, cbB, rowU, rowV, GAMMA_DEC, lr, lg, lb);
      // 2. Inverse EETF on maxRGB, as a gain over dstPeak (the matrix below holds dstPeak):
      // vectors wholly below the knee are left as they are.
      for (let x = 0; x < width; x += 4) {
        const o = <usize>x << 2;
        const r = v128.load(lr + o), g = v128.load(lg + o), b = v128.load(lb + o);
        const m = f32x4.max(f32x4.max(r, g), b);
        if (!v128.any_true(f32x4.gt(m, kRel))) continue;
        const lm = f32x4.mul(m, dp);
        let gain = lookBits(INV_EETF, f32x4.sub(po, lm), INV_EETF_SHIFT, INV_EETF_LAST);
        gain = v128.bitselect(f32x4.div(sm, m), gain, f32x4.ge(lm, po));
        gain = v128.bitselect(f32x4.mul(gain, ip), one, f32x4.gt(lm, ko));
        scaleRows(lr, lg, lb, o, r, g, b, gain);
      }
      // BT.709 -> BT.2020 times dstPeak (all coefficients positive: nothing to clip).
      matrixRows(lr, lg, lb, width, B0, dstPeak, false);
      // 3. PQ or HLG signals, luma codes, chroma differences.
      if (hlg) {
        for (let x = 0; x < width; x += 4) {
          const o = <usize>x << 2;
          const r = v128.load(lr + o), g = v128.load(lg + o), b = v128.load(lb + o);
          const scale = lookBits(HLG_OOTF, f32x4.mul(dot(w20r, w20g, w20b, r, g, b), il), HLG_OOTF_SHIFT, HLG_OOTF_LAST);
          const er = lookBits(HLG_OETF, f32x4.mul(r, scale), HLG_OETF_SHIFT, HLG_OETF_LAST);
          const eg = lookBits(HLG_OETF, f32x4.mul(g, scale), HLG_OETF_SHIFT, HLG_OETF_LAST);
          const eb = lookBits(HLG_OETF, f32x4.mul(b, scale), HLG_OETF_SHIFT, HLG_OETF_LAST);
          encode4(x, er, eg, eb, w20r, w20g, w20b, yScale, yZero, yMax, true, pair == 1, codes, du, dv);
        }
      } else {
        for (let x = 0; x < width; x += 4) {
          const o = <usize>x << 2;
          const er = lookBits(PQ_ENC, v128.load(lr + o), PQ_ENC_SHIFT, PQ_ENC_LAST);
          const eg = lookBits(PQ_ENC, v128.load(lg + o), PQ_ENC_SHIFT, PQ_ENC_LAST);
          const eb = lookBits(PQ_ENC, v128.load(lb + o), PQ_ENC_SHIFT, PQ_ENC_LAST);
          encode4(x, er, eg, eb, w20r, w20g, w20b, yScale, yZero, yMax, true, pair == 1, codes, du, dv);
        }
      }
      memory.copy(yOut + (<usize>y * <usize>width << 1), codes, <usize>width << 1);
    }
    writeChroma(du, dv, width, cw, cy, cbMul, crScale, 512, 1023, true, codes, cbOut, crOut);
  }
}
