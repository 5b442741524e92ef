// AssemblyScript shared by the models' SIMD kernels (../learned/simd, ../classical/simd): the
// table lookup both are built on.

/** value + w·slope of the (value, slope) knots `idx` of `tab`: one 64-bit load a lane (WebAssembly has no gather). */
@inline export function gatherLerp(tab: usize, idx: v128, w: v128): v128 {
  const off = i32x4.shl(idx, 3);
  let a = v128.load64_zero(tab + <usize>i32x4.extract_lane(off, 0));
  a = v128.load64_lane(tab + <usize>i32x4.extract_lane(off, 1), a, 1);
  let b = v128.load64_zero(tab + <usize>i32x4.extract_lane(off, 2));
  b = v128.load64_lane(tab + <usize>i32x4.extract_lane(off, 3), b, 1);
  return f32x4.add(v128.shuffle<f32>(a, b, 0, 2, 4, 6), f32x4.mul(w, v128.shuffle<f32>(a, b, 1, 3, 5, 7)));
}
