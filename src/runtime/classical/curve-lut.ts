// Lookup tables for the fused pixel loops of the classical model.
//
// Two shapes, both piecewise linear over a Float64Array:
// - UniformLut: evenly spaced knots over [x0, x1]; one multiply picks the segment. Right for
//   curves that are smooth over their whole domain in the variable at hand (PQ and BT.1886
//   EOTFs of a signal in [0, 1], the EETF above its knee).
// - GeometricLut: knots picked by a float32's exponent and top mantissa bits (as
//   src/color/float-lut.ts does for whole planes), so a segment spans a fixed fraction of its
//   value. Right for curves with a power-law singularity at 0 (x^(1/2.4), PQ inverse EOTF,
//   the cube-root top of the inverse EETF measured from its end). One Float32Array store and
//   one Uint32Array load give the bits: ~2.4 ns a lookup here, against ~33 ns for exp∘log and
//   ~5 ns for the two square roots a uniform table in x^(1/4) would need.

import { buildFloatLut } from '../../color/index.js';
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/**
 * f sampled at `segments + 1` evenly spaced knots over [x0, x1]; `at` clamps x into the range.
 *
 * @example const eotf = new UniformLut((v) => v ** 2.4, 0, 1, 4096); eotf.at(0.5) // ≈ 0.1895
 */
export class UniformLut {
  readonly x0: number;
  readonly x1: number;
  readonly segments: number;
  /** Segments per unit of x. */
  readonly scale: number;
  /** `segments + 2` values: the last knot is repeated so x = x1 needs no special case. */
  readonly table: Float64Array;

  constructor(f: (x: number) => number, x0: number, x1: number, segments: number) {
    if (!(Number.isFinite(x0) && Number.isFinite(x1) && x1 > x0)) {
      throw new RangeError(`UniformLut: need finite x0 < x1, got [${x0}, ${x1}]`);
    }
    if (!(Number.isInteger(segments) && segments >= 1)) {
      throw new RangeError(`UniformLut: segments must be a positive integer, got ${segments}`);
    }
    this.x0 = x0;
    this.x1 = x1;
    this.segments = segments;
    this.scale = segments / (x1 - x0);
    const table = new Float64Array(segments + 2);
    for (let i = 0; i <= segments; i++) table[i] = f(i === segments ? x1 : x0 + (x1 - x0) * (i / segments));
    table[segments + 1] = table[segments]!;
    this.table = table;
  }

  /** f(x) by linear interpolation; x outside [x0, x1] (and NaN) is clamped first. */
  at(x: number): number {
    let t = (x - this.x0) * this.scale;
    if (!(t > 0)) t = 0;
    else if (t > this.segments) t = this.segments;
    const i = t | 0;
    const a = this.table[i]!;
    return a + (t - i) * (this.table[i + 1]! - a);
  }
}

/**
 * f sampled at every float32 in [2^minExp, 2^maxExp] whose low `23 − mantissaBits` mantissa bits
 * are zero: `2^mantissaBits` knots an octave. Relative interpolation error is about
 * p(p−1)/8 · 4^−mantissaBits where p is the local log-log slope. Outside the range (and for 0,
 * negatives, NaN) `at` calls the exact f, except that 0 gives the cached f(0) (and so does any
 * x below 2^minExp when `tinyIsZero`).
 *
 * @example const gamma = new GeometricLut((x) => x ** (1 / 2.4), -32, 0, 7); gamma.at(0.18)
 */
export class GeometricLut {
  readonly f: (x: number) => number;
  readonly table: Float64Array;
  /** Lowest and one-past-highest float32 bit patterns in the table. */
  readonly loBits: number;
  readonly hiBits: number;
  readonly shift: number;
  readonly mask: number;
  readonly fracScale: number;
  readonly firstSegment: number;
  /** f(0), returned without calling f. */
  readonly atZero: number;
  /** When true, every x below 2^minExp (0 and tiny values alike) gives f(0) instead of calling f. */
  readonly tinyIsZero: boolean;

  constructor(f: (x: number) => number, minExp: number, maxExp: number, mantissaBits: number, tinyIsZero = false) {
    // The table is the colour module's float-bit-pattern LUT; this class adds scalar lookups.
    const lut = buildFloatLut(f, minExp, maxExp, mantissaBits);
    this.f = f;
    this.table = lut.table;
    this.loBits = lut.loBits;
    this.hiBits = lut.hiBits;
    this.shift = lut.shift;
    this.mask = lut.mask;
    this.fracScale = lut.fracScale;
    this.firstSegment = lut.firstSegment;
    this.atZero = f(0);
    this.tinyIsZero = tinyIsZero;
  }

  /** f(x) through the table (x is rounded to float32 to find its segment). */
  at(x: number): number {
    F32[0] = x;
    const b = U32[0]!;
    if (b < this.loBits) return b === 0 || this.tinyIsZero ? this.atZero : this.f(x);
    if (b >= this.hiBits) return this.f(x);
    const j = (b >>> this.shift) - this.firstSegment;
    const a = this.table[j]!;
    return a + (b & this.mask) * this.fracScale * (this.table[j + 1]! - a);
  }
}

/**
 * f on every non-negative float32 below 2^maxExp, indexed by the float's bits alone: knot k is
 * the float whose bits are k << (23 − bits), so `2^bits` knots an octave from 2^-126 up, and the
 * denormal block (exponent field 0) holds f(0). No range test is needed for 0, tiny or in-range
 * values; `at` clamps at the top. Negative x is not supported (its sign bit lands past the top).
 * ~128 KB of Float64 for 128 knots an octave up to 2^1.
 *
 * @example const t = new BitTable((x) => x ** (1 / 2.4), 1, 7); t.at(0.18)
 */
export class BitTable {
  readonly table: Float64Array;
  readonly shift: number;
  readonly mask: number;
  readonly fracScale: number;
  /** Index of the last knot (2^maxExp). */
  readonly last: number;

  constructor(f: (x: number) => number, maxExp: number, bits: number) {
    if (!(Number.isInteger(maxExp) && maxExp > -126 && maxExp <= 127)) {
      throw new RangeError(`BitTable: maxExp must be an integer in (-126, 127], got ${maxExp}`);
    }
    if (!(Number.isInteger(bits) && bits >= 1 && bits <= 12)) {
      throw new RangeError(`BitTable: bits must be an integer in [1, 12], got ${bits}`);
    }
    const perOctave = 2 ** bits;
    this.last = (maxExp + 127) * perOctave;
    const table = new Float64Array(this.last + 2);
    for (let k = 0; k <= this.last; k++) {
      const e = Math.floor(k / perOctave);
      table[k] = f(e === 0 ? 0 : 2 ** (e - 127) * (1 + (k % perOctave) / perOctave));
    }
    table[this.last + 1] = table[this.last]!;
    this.table = table;
    this.shift = 23 - bits;
    this.mask = (1 << this.shift) - 1;
    this.fracScale = 1 / (1 << this.shift);
  }

  /** f(x) for x ≥ 0 through the table (x rounded to float32 to find its knot); clamps at 2^maxExp. */
  at(x: number): number {
    F32[0] = x;
    const b = U32[0]!;
    const j = b >>> this.shift;
    if (j >= this.last) return this.table[this.last]!;
    const a = this.table[j]!;
    return a + (b & this.mask) * this.fracScale * (this.table[j + 1]! - a);
  }
}
