// AssemblyScript shared by the models' SIMD kernels (../learned/simd, ../classical/simd): the
// table lookups both are built on, and the cheap float-to-int roundings they use.

/** 1.5·2^23: added to |t| < 2^22, it leaves round(t) in the low mantissa bits. */
const MAGIC: f32 = 12582912;

/**
 * t rounded to the nearest integer (ties to even), as i32 lanes, for |t| < 2^22: two
 * instructions, where V8 lowers i32x4.trunc_sat_f32x4_s to about eight (SSE has no saturating
 * conversion) — it shows in every pixel's table lookups and output codes.
 */
@inline export function roundInt(t: v128): v128 {
  return i32x4.sub(f32x4.add(t, f32x4.splat(MAGIC)), f32x4.splat(MAGIC));
}

/** value + w·slope of the (value, slope) knots `idx` of `tab`: one 64-bit load a lane (WebAssembly has no gather). */
@inline export function gatherLerp(tab: usize, idx: v128, w: v128): v128 {
  const off = i32x4.shl(idx, 3);
  let a = v128.load64_zero(tab + <usize>i32x4.extract_lane(off, 0));
  a = v128.load64_lane(tab + <usize>i32x4.extract_lane(off, 1), a, 1);
  let b = v128.load64_zero(tab + <usize>i32x4.extract_lane(off, 2));
  b = v128.load64_lane(tab + <usize>i32x4.extract_lane(off, 3), b, 1);
  return f32x4.add(v128.shuffle<f32>(a, b, 0, 2, 4, 6), f32x4.mul(w, v128.shuffle<f32>(a, b, 1, 3, 5, 7)));
}

/**
 * A uniform table at t, already clamped to [0, segments]: segment t − 0.5 rounded (floor(t), or
 * t − 1 when t is a whole number, where weight 1 gives the same knot).
 */
@inline export function gatherUniform(tab: usize, t: v128): v128 {
  const m = f32x4.add(f32x4.sub(t, f32x4.splat(0.5)), f32x4.splat(MAGIC));
  const i = i32x4.sub(m, f32x4.splat(MAGIC));
  return gatherLerp(tab, i, f32x4.sub(t, f32x4.sub(m, f32x4.splat(MAGIC))));
}
