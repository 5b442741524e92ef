// Piecewise-linear tables for smooth curves over Float32 planes, indexed by each sample's bit
// pattern: the exponent and top mantissa bits pick a segment (knots spaced geometrically, right
// for curves over 0.005…10000 cd/m²), the low mantissa bits are the interpolation weight. One
// shift, one mask and two loads instead of several Math.exp/Math.log per sample.

/** A curve sampled at float32 knots in [2^minExp, 2^maxExp]; build with {@link buildCurveTable}. */
export type CurveTable = {
  /** The exact curve, used outside the table (zero, negatives, NaN, tiny or huge values). */
  readonly f: (x: number) => number;
  readonly table: Float64Array;
  readonly loBits: number;
  readonly hiBits: number;
  readonly shift: number;
  readonly mask: number;
  readonly fracScale: number;
  readonly firstSegment: number;
};

/**
 * Samples `f` at every float32 in [2^minExp, 2^maxExp] whose low `23 − mantissaBits`
 * mantissa bits are zero (2^mantissaBits knots per octave). Relative interpolation error is
 * about p(p−1)/8 · 2^(−2·mantissaBits) for a local log-log slope p.
 *
 * @example const t = buildCurveTable(Math.sqrt, -20, 4, 10); applyCurveTable(t, src, dst)
 */
export function buildCurveTable(f: (x: number) => number, minExp: number, maxExp: number, mantissaBits: number): CurveTable {
  if (!(Number.isInteger(minExp) && Number.isInteger(maxExp) && minExp >= -126 && maxExp <= 127 && minExp < maxExp)) {
    throw new RangeError(`buildCurveTable: need integer exponents with -126 ≤ minExp < maxExp ≤ 127, got ${minExp}, ${maxExp}`);
  }
  if (!(Number.isInteger(mantissaBits) && mantissaBits >= 1 && mantissaBits <= 16)) {
    throw new RangeError(`buildCurveTable: mantissaBits must be an integer in [1, 16], got ${mantissaBits}`);
  }
  const shift = 23 - mantissaBits;
  const perOctave = 2 ** mantissaBits;
  const firstSegment = (minExp + 127) * perOctave;
  const segments = (maxExp - minExp) * perOctave;
  const table = new Float64Array(segments + 1);
  for (let j = 0; j <= segments; j++) {
    const k = firstSegment + j;
    table[j] = f(2 ** (Math.floor(k / perOctave) - 127) * (1 + (k % perOctave) / perOctave));
  }
  return {
    f,
    table,
    loBits: ((minExp + 127) << 23) >>> 0,
    hiBits: ((maxExp + 127) << 23) >>> 0,
    shift,
    mask: (1 << shift) - 1,
    fracScale: 1 / (1 << shift),
    firstSegment,
  };
}

/**
 * `dst[i] = f(src[i])` through the table (exact `f` outside it). `dst` may be `src`.
 * Lengths are the caller's to check. Returns `dst`.
 *
 * @example applyCurveTable(pu21Table, nits, pu)
 */
export function applyCurveTable(t: CurveTable, src: Float32Array, dst: Float32Array): Float32Array {
  // A bit view of the same memory, made once per call.
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const { f, table, loBits, hiBits, shift, mask, fracScale, firstSegment } = t;
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]!;
    // Negatives have the sign bit set, so they land above hiBits too.
    if (b < loBits || b >= hiBits) {
      dst[i] = f(src[i]!);
      continue;
    }
    const j = (b >>> shift) - firstSegment;
    const t0 = table[j]!;
    dst[i] = t0 + (b & mask) * fracScale * (table[j + 1]! - t0);
  }
  return dst;
}
