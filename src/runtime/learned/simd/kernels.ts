// AssemblyScript, compiled to WebAssembly with SIMD by `npm run build:wasm` (dist/simd/).
//
// The learned networks' full-resolution work (src/runtime/learned/full-res.ts is the readable
// JS twin; this is what the ORT engine runs) and the Y'CbCr <-> R'G'B' conversions around it,
// four pixels per instruction. Per pixel it is table lookups (transfer functions, the curve)
// and a few dozen multiply-adds; WebAssembly has no gather, so a lookup extracts the four
// indices and loads each knot's (value, slope) pair as one 64-bit load.
//
// Memory layout is the caller's (src/runtime/learned/simd-kernels.ts): planes are float32
// with a row stride that is a multiple of 4 pixels, so every row is whole vectors; the
// columns past the width hold copies and are never read back out.

import { gatherLerp, gatherUniform } from '../../simd/gather';

export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export function release(ptr: usize): void {
  heap.free(ptr);
}

// The table geometry full-res.ts builds its tables with (checked by the loader).
// Uniform table over a signal in [0, 1]: SIG_SEG segments.
export const SIG_SEG: i32 = 16384;
// Tables indexed by float32 bit pattern: 2^BITS knots an octave from 2^MIN_EXP to 1.
export const MIN_EXP: i32 = -40;
export const BITS: i32 = 8;
const SHIFT: i32 = 23 - BITS;
const MASK: i32 = (1 << SHIFT) - 1;
const FRAC: f32 = 1.0 / <f32>(1 << SHIFT);
const FIRST: i32 = (MIN_EXP + 127) << BITS;
const LO_BITS: i32 = (MIN_EXP + 127) << 23;
const HI_BITS: i32 = 127 << 23;

let PQ_DEC: usize = 0; // PQ signal -> light (uniform)
let PQ_ENC: usize = 0; // light -> PQ signal (bits)
let GAMMA_ENC: usize = 0; // light -> gamma 2.4 signal (bits)
let GAMMA_DEC: usize = 0; // gamma 2.4 signal -> light (bits)
let CONSTS: usize = 0; // BT.2020->709 (9), BT.709->2020 (9), BT.709 luma (3)

export function setTables(pqDec: usize, pqEnc: usize, gammaEnc: usize, gammaDec: usize, consts: usize): void {
  PQ_DEC = pqDec;
  PQ_ENC = pqEnc;
  GAMMA_ENC = gammaEnc;
  GAMMA_DEC = gammaDec;
  CONSTS = consts;
}

@inline function c(i: i32): v128 {
  return f32x4.splat(load<f32>(CONSTS + (<usize>i << 2)));
}


/** A bit-pattern table at x, clamped to [2^MIN_EXP, 1] (negative and NaN-free: below goes to the first knot). */
@inline function lookBits(tab: usize, x: v128): v128 {
  const q = i32x4.max_s(i32x4.min_s(x, i32x4.splat(HI_BITS)), i32x4.splat(LO_BITS));
  const idx = i32x4.sub(i32x4.shr_s(q, SHIFT), i32x4.splat(FIRST));
  const w = f32x4.mul(f32x4.convert_i32x4_s(v128.and(q, i32x4.splat(MASK))), f32x4.splat(FRAC));
  return gatherLerp(tab, idx, w);
}

/** The uniform table at x·SIG_SEG (x clamped to [0, 1]). */
@inline function lookUniform(tab: usize, scaled: v128): v128 {
  return gatherUniform(tab, f32x4.pmin(f32x4.splat(<f32>SIG_SEG), f32x4.pmax(f32x4.splat(0), scaled)));
}

@inline function lerp(a: v128, b: v128, w: v128): v128 {
  return f32x4.add(a, f32x4.mul(w, f32x4.sub(b, a)));
}

@inline function clampUnit(x: v128): v128 {
  return f32x4.pmin(f32x4.splat(1), f32x4.pmax(f32x4.splat(0), x));
}

// Grids: rows of a bilinear upsampling across the width (`cells` rows of `stride` floats), and
// per image row the two grid rows to blend and the weight: taps = i32 i0[h], i32 i1[h], f32 w[h].
@inline function tapRow(rows: usize, taps: usize, h: i32, y: i32, rowBytes: usize, which: i32): usize {
  return rows + <usize>load<i32>(taps + ((<usize>which * <usize>h + <usize>y) << 2)) * rowBytes;
}
@inline function tapWeight(taps: usize, h: i32, y: i32): v128 {
  return f32x4.splat(load<f32>(taps + ((<usize>2 * <usize>h + <usize>y) << 2)));
}

// The passes run each image row as three short loops through two scratch rows rather than one
// long one: a pixel is a chain of ~15 dependent lookups and divisions, and a loop body that long
// leaves the CPU nothing to overlap (it waits out each chain). Short bodies let consecutive
// iterations run side by side (at 1080p: R 41 -> 23 ms, guided F 41 -> 20 ms a frame here).

/**
 * R at full resolution, in place: PQ BT.2020 R'G'B' -> BT.709 gamma-2.4 R'G'B' (full-res.ts
 * reverseFullRes). `curve`: k (below, increment) pairs; `rows`: scratch of 2·stride floats.
 */
export function reverse(
  r: usize, g: usize, b: usize, width: i32, height: i32, stride: i32,
  baseRows: usize, conRows: usize, satRows: usize, baseTaps: usize, gainTaps: usize,
  curve: usize, k: i32, invPeak: f32, rows: usize,
): void {
  const rowBytes = <usize>stride << 2;
  const rowY = rows, rowS = rows + rowBytes;
  const a0 = c(0), a1 = c(1), a2 = c(2), a3 = c(3), a4 = c(4), a5 = c(5), a6 = c(6), a7 = c(7), a8 = c(8);
  const lr = c(18), lg = c(19), lb = c(20);
  const zero = f32x4.splat(0), one = f32x4.splat(1), eps = f32x4.splat(1e-6);
  const seg = f32x4.splat(<f32>SIG_SEG), kf = f32x4.splat(<f32>k), km1 = i32x4.splat(k - 1), ip = f32x4.splat(invPeak);
  for (let y = 0; y < height; y++) {
    const o = <usize>y * rowBytes;
    const pr = r + o, pg = g + o, pb = b + o;
    // 1. PQ -> linear BT.2020 -> relu(BT.709) (in place), and its luminance.
    for (let x: usize = 0; x < rowBytes; x += 16) {
      const l0 = lookUniform(PQ_DEC, f32x4.mul(v128.load(pr + x), seg));
      const l1 = lookUniform(PQ_DEC, f32x4.mul(v128.load(pg + x), seg));
      const l2 = lookUniform(PQ_DEC, f32x4.mul(v128.load(pb + x), seg));
      const r7 = f32x4.pmax(zero, f32x4.add(f32x4.add(f32x4.mul(a0, l0), f32x4.mul(a1, l1)), f32x4.mul(a2, l2)));
      const g7 = f32x4.pmax(zero, f32x4.add(f32x4.add(f32x4.mul(a3, l0), f32x4.mul(a4, l1)), f32x4.mul(a5, l2)));
      const b7 = f32x4.pmax(zero, f32x4.add(f32x4.add(f32x4.mul(a6, l0), f32x4.mul(a7, l1)), f32x4.mul(a8, l2)));
      v128.store(pr + x, r7);
      v128.store(pg + x, g7);
      v128.store(pb + x, b7);
      v128.store(rowY + x, f32x4.add(f32x4.add(f32x4.mul(lr, r7), f32x4.mul(lg, g7)), f32x4.mul(lb, b7)));
    }
    // 2. PQ position vs peak -> the curve -> contrast about the local mean -> display light.
    const b0 = tapRow(baseRows, baseTaps, height, y, rowBytes, 0);
    const b1 = tapRow(baseRows, baseTaps, height, y, rowBytes, 1);
    const bw = tapWeight(baseTaps, height, y);
    const c0 = tapRow(conRows, gainTaps, height, y, rowBytes, 0);
    const c1 = tapRow(conRows, gainTaps, height, y, rowBytes, 1);
    const gw = tapWeight(gainTaps, height, y);
    for (let x: usize = 0; x < rowBytes; x += 16) {
      const xk = f32x4.mul(f32x4.pmin(one, f32x4.mul(lookBits(PQ_ENC, v128.load(rowY + x)), ip)), kf);
      const si = i32x4.min_s(i32x4.trunc_sat_f32x4_s(xk), km1);
      v128.store(rowS + x, gatherLerp(curve, si, f32x4.pmin(one, f32x4.sub(xk, f32x4.convert_i32x4_s(si)))));
    }
    for (let x: usize = 0; x < rowBytes; x += 16) {
      const base = lerp(v128.load(b0 + x), v128.load(b1 + x), bw);
      const con = lerp(v128.load(c0 + x), v128.load(c1 + x), gw);
      v128.store(rowS + x, lookBits(GAMMA_DEC, clampUnit(f32x4.add(base, f32x4.mul(con, f32x4.sub(v128.load(rowS + x), base))))));
    }
    // 3. Chroma ratios scaled about grey, fitted into [0, 1] keeping luminance and hue, gamma.
    const s0 = tapRow(satRows, gainTaps, height, y, rowBytes, 0);
    const s1 = tapRow(satRows, gainTaps, height, y, rowBytes, 1);
    for (let x: usize = 0; x < rowBytes; x += 16) {
      const ys = v128.load(rowS + x);
      const sat = lerp(v128.load(s0 + x), v128.load(s1 + x), gw);
      const iy = f32x4.div(one, f32x4.add(v128.load(rowY + x), eps));
      const qr = f32x4.add(one, f32x4.mul(sat, f32x4.sub(f32x4.mul(v128.load(pr + x), iy), one)));
      const qg = f32x4.add(one, f32x4.mul(sat, f32x4.sub(f32x4.mul(v128.load(pg + x), iy), one)));
      const qb = f32x4.add(one, f32x4.mul(sat, f32x4.sub(f32x4.mul(v128.load(pb + x), iy), one)));
      const maxR = f32x4.max(qr, f32x4.max(qg, qb));
      const minR = f32x4.min(qr, f32x4.min(qg, qb));
      const hiK = f32x4.div(f32x4.pmax(zero, f32x4.sub(one, ys)), f32x4.add(f32x4.mul(ys, f32x4.pmax(zero, f32x4.sub(maxR, one))), eps));
      const loK = f32x4.div(one, f32x4.add(f32x4.pmax(zero, f32x4.sub(one, minR)), eps));
      const kk = f32x4.pmin(one, f32x4.min(hiK, loK));
      v128.store(pr + x, f32x4.mul(ys, f32x4.add(one, f32x4.mul(kk, f32x4.sub(qr, one)))));
      v128.store(pg + x, f32x4.mul(ys, f32x4.add(one, f32x4.mul(kk, f32x4.sub(qg, one)))));
      v128.store(pb + x, f32x4.mul(ys, f32x4.add(one, f32x4.mul(kk, f32x4.sub(qb, one)))));
    }
    for (let x: usize = 0; x < rowBytes; x += 16) {
      v128.store(pr + x, lookBits(GAMMA_ENC, v128.load(pr + x)));
      v128.store(pg + x, lookBits(GAMMA_ENC, v128.load(pg + x)));
      v128.store(pb + x, lookBits(GAMMA_ENC, v128.load(pb + x)));
    }
  }
}

/**
 * F at full resolution, in place: BT.709 gamma R'G'B' -> PQ BT.2020 R'G'B' (full-res.ts
 * forwardFullRes). Guided: the curve (R's side info) is inverted exactly; blind: applied.
 * `rows`: scratch of 2·stride floats.
 */
export function forward(
  r: usize, g: usize, b: usize, width: i32, height: i32, stride: i32,
  baseRows: usize, conRows: usize, satRows: usize, baseTaps: usize, gainTaps: usize,
  curve: usize, k: i32, guided: bool, peakPq: f32, rows: usize,
): void {
  const rowBytes = <usize>stride << 2;
  const rowY = rows, rowH = rows + rowBytes;
  const b0c = c(9), b1c = c(10), b2c = c(11), b3c = c(12), b4c = c(13), b5c = c(14), b6c = c(15), b7c = c(16), b8c = c(17);
  const lr = c(18), lg = c(19), lb = c(20);
  const zero = f32x4.splat(0), one = f32x4.splat(1), eps = f32x4.splat(1e-6);
  const kf = f32x4.splat(<f32>k), km1 = i32x4.splat(k - 1), toSeg = f32x4.splat(peakPq * <f32>SIG_SEG);
  for (let y = 0; y < height; y++) {
    const o = <usize>y * rowBytes;
    const pr = r + o, pg = g + o, pb = b + o;
    // 1. Gamma -> linear BT.709 (in place), and its luminance.
    for (let x: usize = 0; x < rowBytes; x += 16) {
      const l0 = lookBits(GAMMA_DEC, v128.load(pr + x));
      const l1 = lookBits(GAMMA_DEC, v128.load(pg + x));
      const l2 = lookBits(GAMMA_DEC, v128.load(pb + x));
      v128.store(pr + x, l0);
      v128.store(pg + x, l1);
      v128.store(pb + x, l2);
      v128.store(rowY + x, f32x4.add(f32x4.add(f32x4.mul(lr, l0), f32x4.mul(lg, l1)), f32x4.mul(lb, l2)));
    }
    // 2. Luminance's gamma signal, contrast undone about the local mean, the curve inverted
    // (guided) or F's own applied (blind) -> PQ -> light.
    const b0 = tapRow(baseRows, baseTaps, height, y, rowBytes, 0);
    const b1 = tapRow(baseRows, baseTaps, height, y, rowBytes, 1);
    const bw = tapWeight(baseTaps, height, y);
    const c0 = tapRow(conRows, gainTaps, height, y, rowBytes, 0);
    const c1 = tapRow(conRows, gainTaps, height, y, rowBytes, 1);
    const gw = tapWeight(gainTaps, height, y);
    for (let x: usize = 0; x < rowBytes; x += 16) {
      const sy = lookBits(GAMMA_ENC, v128.load(rowY + x));
      const base = lerp(v128.load(b0 + x), v128.load(b1 + x), bw);
      const con = lerp(v128.load(c0 + x), v128.load(c1 + x), gw);
      v128.store(rowH + x, clampUnit(f32x4.add(base, f32x4.mul(con, f32x4.sub(sy, base)))));
    }
    for (let x: usize = 0; x < rowBytes; x += 16) {
      const s = v128.load(rowH + x);
      let u: v128;
      if (guided) {
        // The segment holding s: how many inner knots lie at or below it (curves.ts invertCurve).
        let si = i32x4.splat(0);
        for (let j = 1; j < k; j++) si = i32x4.sub(si, f32x4.le(f32x4.splat(load<f32>(curve + (<usize>j << 3))), s));
        const off = i32x4.shl(si, 3);
        let pa = v128.load64_zero(curve + <usize>i32x4.extract_lane(off, 0));
        pa = v128.load64_lane(curve + <usize>i32x4.extract_lane(off, 1), pa, 1);
        let pb2 = v128.load64_zero(curve + <usize>i32x4.extract_lane(off, 2));
        pb2 = v128.load64_lane(curve + <usize>i32x4.extract_lane(off, 3), pb2, 1);
        const below = v128.shuffle<f32>(pa, pb2, 0, 2, 4, 6);
        const inc = v128.shuffle<f32>(pa, pb2, 1, 3, 5, 7);
        const t = clampUnit(f32x4.div(f32x4.sub(s, below), inc));
        u = f32x4.div(f32x4.add(f32x4.convert_i32x4_s(si), t), kf);
      } else {
        const xk = f32x4.mul(s, kf);
        const si = i32x4.min_s(i32x4.trunc_sat_f32x4_s(xk), km1);
        u = gatherLerp(curve, si, f32x4.pmin(one, f32x4.sub(xk, f32x4.convert_i32x4_s(si))));
      }
      v128.store(rowH + x, lookUniform(PQ_DEC, f32x4.mul(u, toSeg)));
    }
    // 3. Chroma ratios re-saturated, times the restored light, BT.709 -> BT.2020, PQ.
    const s0 = tapRow(satRows, gainTaps, height, y, rowBytes, 0);
    const s1 = tapRow(satRows, gainTaps, height, y, rowBytes, 1);
    for (let x: usize = 0; x < rowBytes; x += 16) {
      const yh = v128.load(rowH + x);
      const sat = lerp(v128.load(s0 + x), v128.load(s1 + x), gw);
      const iy = f32x4.div(one, f32x4.add(v128.load(rowY + x), eps));
      const hr = f32x4.mul(yh, f32x4.pmax(zero, f32x4.add(one, f32x4.mul(sat, f32x4.sub(f32x4.mul(v128.load(pr + x), iy), one)))));
      const hg = f32x4.mul(yh, f32x4.pmax(zero, f32x4.add(one, f32x4.mul(sat, f32x4.sub(f32x4.mul(v128.load(pg + x), iy), one)))));
      const hb = f32x4.mul(yh, f32x4.pmax(zero, f32x4.add(one, f32x4.mul(sat, f32x4.sub(f32x4.mul(v128.load(pb + x), iy), one)))));
      v128.store(pr + x, f32x4.add(f32x4.add(f32x4.mul(b0c, hr), f32x4.mul(b1c, hg)), f32x4.mul(b2c, hb)));
      v128.store(pg + x, f32x4.add(f32x4.add(f32x4.mul(b3c, hr), f32x4.mul(b4c, hg)), f32x4.mul(b5c, hb)));
      v128.store(pb + x, f32x4.add(f32x4.add(f32x4.mul(b6c, hr), f32x4.mul(b7c, hg)), f32x4.mul(b8c, hb)));
    }
    for (let x: usize = 0; x < rowBytes; x += 16) {
      v128.store(pr + x, lookBits(PQ_ENC, v128.load(pr + x)));
      v128.store(pg + x, lookBits(PQ_ENC, v128.load(pg + x)));
      v128.store(pb + x, lookBits(PQ_ENC, v128.load(pb + x)));
    }
  }
}

// Y'CbCr 4:2:0 <-> R'G'B' (src/color/yuv-frame.ts: BT.2020/BT.709 chroma siting, linear
// interpolation up, [1, 2, 1] x 2 rows down; codes rounded and clamped to the container).
// `wide`: 16-bit samples (10-bit video), else 8-bit. Widths and heights are even.

/** Four samples from index i as float32 (reads up to 3 past the row: the caller leaves slack). */
@inline function samples4(p: usize, i: i32, wide: bool): v128 {
  return f32x4.convert_i32x4_s(
    wide ? i32x4.extend_low_i16x8_u(v128.load64_zero(p + (<usize>i << 1))) : i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p + <usize>i))),
  );
}

@inline function luma(yp: usize, yrow: usize, x: i32, wide: bool): i32 {
  return wide ? <i32>load<u16>(yp + ((yrow + <usize>x) << 1)) : <i32>load<u8>(yp + yrow + <usize>x);
}

/**
 * One chroma plane upsampled to a full-width row: `vb` (scratch, cw + 8 floats) gets the two
 * nearest chroma rows blended 3:1, then even columns copy it and odd ones average neighbours.
 */
@inline function chromaRow(src: usize, near: i32, far: i32, cw: i32, stride: i32, wide: bool, cOff: v128, cMul: v128, vb: usize, dst: usize): void {
  const n0 = near * cw, f0 = far * cw;
  const q = f32x4.splat(0.75), h = f32x4.splat(0.25), half = f32x4.splat(0.5);
  for (let cx = 0; cx < cw; cx += 4) {
    const v = f32x4.add(f32x4.mul(q, samples4(src, n0 + cx, wide)), f32x4.mul(h, samples4(src, f0 + cx, wide)));
    v128.store(vb + (<usize>cx << 2), f32x4.mul(f32x4.sub(v, cOff), cMul));
  }
  // Past the last chroma column the edge repeats (the last odd column averages it with itself).
  const last = load<f32>(vb + (<usize>(cw - 1) << 2));
  for (let cx = cw; cx < cw + 8; cx++) store<f32>(vb + (<usize>cx << 2), last);
  for (let cx = 0; 2 * cx < stride; cx += 4) {
    const a = v128.load(vb + (<usize>cx << 2));
    const m = f32x4.mul(half, f32x4.add(a, v128.load(vb + (<usize>(cx + 1) << 2))));
    v128.store(dst + (<usize>(2 * cx) << 2), v128.shuffle<f32>(a, m, 0, 4, 1, 5));
    v128.store(dst + (<usize>(2 * cx + 4) << 2), v128.shuffle<f32>(a, m, 2, 6, 3, 7));
  }
}

/**
 * Integer Y'CbCr 4:2:0 planes -> R'G'B' planes (stride floats a row). `rows`: scratch of
 * 3·(stride + 16) floats. Code c means (c - off)·mul; crToR, cbToG, crToG, cbToB: the matrix.
 */
export function toRgb(
  yp: usize, up: usize, vp: usize, wide: bool, width: i32, height: i32, stride: i32,
  yOff: f32, yMul: f32, cOff: f32, cMul: f32, crToR: f32, cbToG: f32, crToG: f32, cbToB: f32,
  r: usize, g: usize, b: usize, rows: usize,
): void {
  const cw = width >> 1, ch = height >> 1;
  const rowBytes = <usize>stride << 2;
  const rowU = rows, rowV = rows + ((<usize>stride + 16) << 2), vb = rowV + ((<usize>stride + 16) << 2);
  const yo = f32x4.splat(yOff), ym = f32x4.splat(yMul), co = f32x4.splat(cOff), cm = f32x4.splat(cMul);
  const kr = f32x4.splat(crToR), kgu = f32x4.splat(cbToG), kgv = f32x4.splat(crToG), kb = f32x4.splat(cbToB);
  const whole = width & ~3;
  for (let y = 0; y < height; y++) {
    // Chroma row i sits at luma 2i + 0.5: even rows lean on the row above, odd on the one below.
    const near = y >> 1;
    const far = (y & 1) == 0 ? (near > 0 ? near - 1 : 0) : near < ch - 1 ? near + 1 : ch - 1;
    chromaRow(up, near, far, cw, stride, wide, co, cm, vb, rowU);
    chromaRow(vp, near, far, cw, stride, wide, co, cm, vb, rowV);
    const o = <usize>y * rowBytes;
    const yrow = <usize>y * <usize>width;
    for (let x = 0; x < stride; x += 4) {
      let yv: v128;
      if (x < whole) {
        yv = samples4(yp, y * width + x, wide);
      } else {
        // Past the width the row repeats its last luma sample (never read back out).
        const l = width - 1;
        let iv = i32x4.splat(luma(yp, yrow, x < l ? x : l, wide));
        iv = i32x4.replace_lane(iv, 1, luma(yp, yrow, x + 1 < l ? x + 1 : l, wide));
        iv = i32x4.replace_lane(iv, 2, luma(yp, yrow, x + 2 < l ? x + 2 : l, wide));
        iv = i32x4.replace_lane(iv, 3, luma(yp, yrow, x + 3 < l ? x + 3 : l, wide));
        yv = f32x4.convert_i32x4_s(iv);
      }
      const yn = f32x4.mul(f32x4.sub(yv, yo), ym);
      const u = v128.load(rowU + (<usize>x << 2));
      const v = v128.load(rowV + (<usize>x << 2));
      v128.store(r + o + (<usize>x << 2), f32x4.add(yn, f32x4.mul(kr, v)));
      v128.store(g + o + (<usize>x << 2), f32x4.add(f32x4.add(yn, f32x4.mul(kgu, u)), f32x4.mul(kgv, v)));
      v128.store(b + o + (<usize>x << 2), f32x4.add(yn, f32x4.mul(kb, u)));
    }
  }
}

@inline function quantize(v: v128, scale: v128, offset: v128, max: v128): v128 {
  return i32x4.trunc_sat_f32x4_s(f32x4.pmin(max, f32x4.pmax(f32x4.splat(0), f32x4.add(offset, f32x4.mul(scale, v)))));
}

/** Four codes to 8- or 16-bit samples at index i. */
@inline function store4(p: usize, i: i32, q: v128, wide: bool): void {
  if (wide) v128.store64_lane(p + (<usize>i << 1), i16x8.narrow_i32x4_u(q, q), 0);
  else v128.store32_lane(p + <usize>i, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(q, q), q), 0);
}

/** [1, 2, 1] across the even columns of one row, four chroma samples from column 2·cx (row[-1] = row[0]). */
@inline function taps121(row: usize, cx: i32): v128 {
  const x = <usize>(2 * cx) << 2;
  const v0 = v128.load(row + x), v1 = v128.load(row + x + 16), vm = v128.load(row + x - 16);
  const even = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6), odd = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
  const left = v128.shuffle<f32>(vm, odd, 3, 4, 5, 6);
  return f32x4.add(f32x4.add(left, odd), f32x4.add(even, even));
}

/**
 * R'G'B' planes -> integer Y'CbCr 4:2:0 planes (8- or 16-bit samples). `rows`: scratch of four
 * rows of stride + 16 floats (Cb and Cr of a row pair). Luma weights kr, kg, kb; code ranges.
 */
export function fromRgb(
  r: usize, g: usize, b: usize, width: i32, height: i32, stride: i32,
  kr: f32, kg: f32, kb: f32, yScale: f32, yOff: f32, cScale: f32, cOff: f32, max: f32, wide: bool,
  yp: usize, up: usize, vp: usize, rows: usize,
): void {
  const cw = width >> 1, ch = height >> 1;
  const rowBytes = <usize>stride << 2;
  const scratchBytes = (<usize>stride + 16) << 2;
  const vkr = f32x4.splat(kr), vkg = f32x4.splat(kg), vkb = f32x4.splat(kb);
  const cbMul = f32x4.splat(<f32>1 / (<f32>2 * (<f32>1 - kb))), crMul = f32x4.splat(<f32>1 / (<f32>2 * (<f32>1 - kr)));
  const ys = f32x4.splat(yScale), yo = f32x4.splat(yOff + <f32>0.5), vmax = f32x4.splat(max);
  const cs = f32x4.splat(cScale * <f32>0.125), co = f32x4.splat(cOff + <f32>0.5);
  const whole = width & ~3, wholeC = cw & ~3;
  for (let cy = 0; cy < ch; cy++) {
    for (let pair = 0; pair < 2; pair++) {
      const y = 2 * cy + pair;
      const o = <usize>y * rowBytes;
      // Rows start 4 floats into their scratch: row[-1] is the left edge's copy.
      const cbRow = rows + <usize>(2 * pair) * scratchBytes + 16, crRow = cbRow + scratchBytes;
      const yrow = <usize>y * <usize>width;
      for (let x = 0; x < stride; x += 4) {
        const xo = <usize>x << 2;
        const rv = v128.load(r + o + xo), gv = v128.load(g + o + xo), bv = v128.load(b + o + xo);
        const yn = f32x4.add(f32x4.add(f32x4.mul(vkr, rv), f32x4.mul(vkg, gv)), f32x4.mul(vkb, bv));
        v128.store(cbRow + xo, f32x4.mul(cbMul, f32x4.sub(bv, yn)));
        v128.store(crRow + xo, f32x4.mul(crMul, f32x4.sub(rv, yn)));
        const q = quantize(yn, ys, yo, vmax);
        if (x < whole) {
          store4(yp, y * width + x, q, wide);
        } else {
          // The last two pixels of a row 2 wider than a multiple of 4 (the rest is padding).
          if (wide) {
            store<u16>(yp + ((yrow + <usize>x) << 1), <u16>i32x4.extract_lane(q, 0));
            store<u16>(yp + ((yrow + <usize>x + 1) << 1), <u16>i32x4.extract_lane(q, 1));
          } else {
            store<u8>(yp + yrow + <usize>x, <u8>i32x4.extract_lane(q, 0));
            store<u8>(yp + yrow + <usize>x + 1, <u8>i32x4.extract_lane(q, 1));
          }
        }
      }
      store<f32>(cbRow - 4, load<f32>(cbRow));
      store<f32>(crRow - 4, load<f32>(crRow));
    }
    const co0 = cy * cw;
    for (let plane = 0; plane < 2; plane++) {
      const row0 = rows + <usize>plane * scratchBytes + 16, row1 = row0 + 2 * scratchBytes;
      const dst = plane == 0 ? up : vp;
      for (let cx = 0; cx < wholeC; cx += 4) store4(dst, co0 + cx, quantize(f32x4.add(taps121(row0, cx), taps121(row1, cx)), cs, co, vmax), wide);
      for (let cx = wholeC; cx < cw; cx++) {
        const x = 2 * cx;
        const xl = <usize>(x - 1) << 2, xm = <usize>x << 2, xr = <usize>(x + 1) << 2;
        const sum = load<f32>(row0 + xl) + <f32>2 * load<f32>(row0 + xm) + load<f32>(row0 + xr) + load<f32>(row1 + xl) + <f32>2 * load<f32>(row1 + xm) + load<f32>(row1 + xr);
        let code = (cOff + <f32>0.5) + cScale * (sum * <f32>0.125);
        code = code >= 1 ? (code >= max ? max : Mathf.floor(code)) : 0;
        if (wide) store<u16>(dst + (<usize>(co0 + cx) << 1), <u16>code);
        else store<u8>(dst + <usize>(co0 + cx), <u8>code);
      }
    }
  }
}

/**
 * Area sums of R'G'B' planes into `size` x `size` cells (float64, interleaved RGB), each pixel
 * into the cell its centre falls in (learned-model.ts areaThumbnailOf): the rows of a cell row
 * summed per column four at a time (float32, `cols`: 3·stride floats), then the columns per cell.
 * `colOf`: i32 cell column of each x.
 */
export function thumbSums(r: usize, g: usize, b: usize, width: i32, height: i32, stride: i32, size: i32, colOf: usize, sums: usize, cols: usize): void {
  memory.fill(sums, 0, <usize>(size * size * 3) << 3);
  const rowBytes = <usize>stride << 2;
  const cr = cols, cg = cols + rowBytes, cb = cg + rowBytes;
  let y = 0;
  for (let cy = 0; cy < size; cy++) {
    memory.fill(cols, 0, 3 * rowBytes);
    for (; y < height && min(size - 1, <i32>Math.floor(((<f64>y + 0.5) * <f64>size) / <f64>height)) == cy; y++) {
      const o = <usize>y * rowBytes;
      for (let x: usize = 0; x < rowBytes; x += 16) {
        v128.store(cr + x, f32x4.add(v128.load(cr + x), v128.load(r + o + x)));
        v128.store(cg + x, f32x4.add(v128.load(cg + x), v128.load(g + o + x)));
        v128.store(cb + x, f32x4.add(v128.load(cb + x), v128.load(b + o + x)));
      }
    }
    for (let x = 0; x < width; x++) {
      const cell = sums + (<usize>(3 * (cy * size + load<i32>(colOf + (<usize>x << 2)))) << 3);
      const xo = <usize>x << 2;
      store<f64>(cell, load<f64>(cell) + <f64>load<f32>(cr + xo));
      store<f64>(cell + 8, load<f64>(cell + 8) + <f64>load<f32>(cg + xo));
      store<f64>(cell + 16, load<f64>(cell + 16) + <f64>load<f32>(cb + xo));
    }
  }
}
