// Y'CbCr ↔ R'G'B' (BT.709 / BT.2020 non-constant luminance) with BT.2100 Table 9
// quantisation. Works on non-linear (gamma/PQ/HLG-encoded) R'G'B'; the transfer function
// is someone else's job.

import { assertPlaneLengths } from './planes.js';
import type { BitDepth, IntPlane, Matrix, YcbcrSpec } from './types.js';

/** Luma weights of a matrix; `kg = 1 − kr − kb`. */
export type LumaCoefficients = { readonly kr: number; readonly kg: number; readonly kb: number };

/** Code-value mapping: code = offset + scale · normalised value, clamped to [0, max]. */
export type CodeRange = {
  readonly yScale: number;
  readonly yOffset: number;
  readonly cScale: number;
  readonly cOffset: number;
  readonly max: number;
};

const COEFFICIENTS: Readonly<Record<Matrix, LumaCoefficients>> = {
  bt709: { kr: 0.2126, kg: 1 - 0.2126 - 0.0722, kb: 0.0722 },
  bt2020nc: { kr: 0.2627, kg: 1 - 0.2627 - 0.0593, kb: 0.0593 },
};

/**
 * Luma weights for `matrix`.
 *
 * @example lumaCoefficients('bt2020nc') // { kr: 0.2627, kg: 0.678, kb: 0.0593 }
 */
export function lumaCoefficients(matrix: Matrix): LumaCoefficients {
  const k = COEFFICIENTS[matrix];
  if (k === undefined) {
    throw new RangeError(`Y'CbCr matrix must be 'bt709' or 'bt2020nc', got ${JSON.stringify(matrix)}`);
  }
  return k;
}

/**
 * Code-value scale and offsets for `spec` (BT.2100 Table 9; full range per BT.2100 too).
 *
 * @example codeRange({ matrix: 'bt709', range: 'limited', bitDepth: 10 }) // yScale 876, yOffset 64, cScale 896, cOffset 512, max 1023
 */
export function codeRange(spec: YcbcrSpec): CodeRange {
  const n: BitDepth = spec.bitDepth;
  if (n !== 8 && n !== 10 && n !== 12) {
    throw new RangeError(`Y'CbCr bitDepth must be 8, 10 or 12, got ${JSON.stringify(n)}`);
  }
  const max = 2 ** n - 1;
  if (spec.range === 'limited') {
    const k = 2 ** (n - 8);
    return { yScale: 219 * k, yOffset: 16 * k, cScale: 224 * k, cOffset: 128 * k, max };
  }
  if (spec.range === 'full') {
    return { yScale: max, yOffset: 0, cScale: max, cOffset: 2 ** (n - 1), max };
  }
  throw new RangeError(`Y'CbCr range must be 'limited' or 'full', got ${JSON.stringify(spec.range)}`);
}

function checkContainer(fn: string, spec: YcbcrSpec, planes: readonly IntPlane[]): void {
  if (spec.bitDepth <= 8) return;
  for (const p of planes) {
    if (p instanceof Uint8Array) {
      throw new TypeError(`${fn}: ${spec.bitDepth}-bit Y'CbCr needs Uint16Array planes, got Uint8Array`);
    }
  }
}

/**
 * One Y'CbCr code triple → normalised R'G'B' (not clamped).
 *
 * @example ycbcrToRgb({ matrix: 'bt709', range: 'limited', bitDepth: 8 }, 235, 128, 128) // [1, 1, 1]
 */
export function ycbcrToRgb(spec: YcbcrSpec, y: number, cb: number, cr: number): [number, number, number] {
  const { kr, kg, kb } = lumaCoefficients(spec.matrix);
  const q = codeRange(spec);
  const yn = (y - q.yOffset) / q.yScale;
  const cbn = (cb - q.cOffset) / q.cScale;
  const crn = (cr - q.cOffset) / q.cScale;
  const r = yn + 2 * (1 - kr) * crn;
  const b = yn + 2 * (1 - kb) * cbn;
  return [r, (yn - kr * r - kb * b) / kg, b];
}

/**
 * Normalised R'G'B' → one Y'CbCr code triple, rounded and clamped to [0, 2^n − 1].
 *
 * @example rgbToYcbcr({ matrix: 'bt2020nc', range: 'limited', bitDepth: 10 }, 1, 1, 1) // [940, 512, 512]
 */
export function rgbToYcbcr(spec: YcbcrSpec, r: number, g: number, b: number): [number, number, number] {
  const { kr, kg, kb } = lumaCoefficients(spec.matrix);
  const q = codeRange(spec);
  const yn = kr * r + kg * g + kb * b;
  const code = (v: number): number => (v <= 0 ? 0 : v >= q.max ? q.max : Math.round(v));
  return [
    code(q.yOffset + q.yScale * yn),
    code(q.cOffset + q.cScale * ((b - yn) / (2 * (1 - kb)))),
    code(q.cOffset + q.cScale * ((r - yn) / (2 * (1 - kr)))),
  ];
}

/**
 * Integer Y'CbCr planes (4:4:4, equal sizes) → Float32 R'G'B' normalised to nominal [0, 1].
 * Out-of-range results (footroom/headroom, out-of-gamut) are kept, not clamped.
 * Returns `[outR, outG, outB]`.
 *
 * @example ycbcrToRgbPlanes({ matrix: 'bt2020nc', range: 'limited', bitDepth: 10 }, y, cb, cr, r, g, b)
 */
export function ycbcrToRgbPlanes(
  spec: YcbcrSpec,
  y: IntPlane, cb: IntPlane, cr: IntPlane,
  outR: Float32Array, outG: Float32Array, outB: Float32Array,
): [Float32Array, Float32Array, Float32Array] {
  assertPlaneLengths('ycbcrToRgbPlanes', y.length, ['cb', 'cr', 'outR', 'outG', 'outB'], [cb, cr, outR, outG, outB]);
  checkContainer('ycbcrToRgbPlanes', spec, [y, cb, cr]);
  const { kr, kg, kb } = lumaCoefficients(spec.matrix);
  const q = codeRange(spec);
  const yOff = q.yOffset;
  const cOff = q.cOffset;
  const yMul = 1 / q.yScale;
  // Fold the chroma de-scaling into the matrix so the loop does 4 multiplies for chroma.
  const crToR = (2 * (1 - kr)) / q.cScale;
  const cbToB = (2 * (1 - kb)) / q.cScale;
  const crToG = -(2 * kr * (1 - kr)) / (kg * q.cScale);
  const cbToG = -(2 * kb * (1 - kb)) / (kg * q.cScale);
  for (let i = 0; i < y.length; i++) {
    const yn = (y[i]! - yOff) * yMul;
    const u = cb[i]! - cOff;
    const v = cr[i]! - cOff;
    outR[i] = yn + crToR * v;
    outG[i] = yn + cbToG * u + crToG * v;
    outB[i] = yn + cbToB * u;
  }
  return [outR, outG, outB];
}

/**
 * Float32 normalised R'G'B' → integer Y'CbCr planes (4:4:4), rounded to nearest and clamped
 * only to the container range [0, 2^n − 1] (limited-range footroom/headroom codes survive).
 * Returns `[outY, outCb, outCr]`.
 *
 * @example rgbToYcbcrPlanes({ matrix: 'bt709', range: 'limited', bitDepth: 8 }, r, g, b, y, cb, cr)
 */
export function rgbToYcbcrPlanes<T extends IntPlane>(
  spec: YcbcrSpec,
  r: Float32Array, g: Float32Array, b: Float32Array,
  outY: T, outCb: T, outCr: T,
): [T, T, T] {
  assertPlaneLengths('rgbToYcbcrPlanes', r.length, ['g', 'b', 'outY', 'outCb', 'outCr'], [g, b, outY, outCb, outCr]);
  checkContainer('rgbToYcbcrPlanes', spec, [outY, outCb, outCr]);
  const { kr, kg, kb } = lumaCoefficients(spec.matrix);
  const q = codeRange(spec);
  const max = q.max;
  const yOff = q.yOffset;
  // +0.5 then floor = round half up, like Math.round, once the value is known non-negative.
  const cOff = q.cOffset + 0.5;
  const yOffR = yOff + 0.5;
  const yr = q.yScale * kr;
  const yg = q.yScale * kg;
  const yb = q.yScale * kb;
  const cbMul = q.cScale / (2 * (1 - kb));
  const crMul = q.cScale / (2 * (1 - kr));
  for (let i = 0; i < r.length; i++) {
    const rv = r[i]!;
    const gv = g[i]!;
    const bv = b[i]!;
    const yn = kr * rv + kg * gv + kb * bv;
    const yc = yOffR + yr * rv + yg * gv + yb * bv;
    const cbc = cOff + cbMul * (bv - yn);
    const crc = cOff + crMul * (rv - yn);
    // `>= 1` (not `> 0`) also sends NaN to 0.
    outY[i] = yc >= 1 ? (yc >= max ? max : Math.floor(yc)) : 0;
    outCb[i] = cbc >= 1 ? (cbc >= max ? max : Math.floor(cbc)) : 0;
    outCr[i] = crc >= 1 ? (crc >= max ? max : Math.floor(crc)) : 0;
  }
  return [outY, outCb, outCr];
}

/**
 * Float normalised R'G'B' → float Y'CbCr (Y' in [0, 1], Cb/Cr in [−0.5, 0.5]); for
 * resampling chroma before quantising. Outputs may alias inputs. Returns `[outY, outCb, outCr]`.
 *
 * @example rgbToYcbcrFloat('bt2020nc', r, g, b, r, g, b) // in place
 */
export function rgbToYcbcrFloat(
  matrix: Matrix,
  r: Float32Array, g: Float32Array, b: Float32Array,
  outY: Float32Array, outCb: Float32Array, outCr: Float32Array,
): [Float32Array, Float32Array, Float32Array] {
  assertPlaneLengths('rgbToYcbcrFloat', r.length, ['g', 'b', 'outY', 'outCb', 'outCr'], [g, b, outY, outCb, outCr]);
  const { kr, kg, kb } = lumaCoefficients(matrix);
  const cbMul = 1 / (2 * (1 - kb));
  const crMul = 1 / (2 * (1 - kr));
  for (let i = 0; i < r.length; i++) {
    const rv = r[i]!;
    const gv = g[i]!;
    const bv = b[i]!;
    const yn = kr * rv + kg * gv + kb * bv;
    outY[i] = yn;
    outCb[i] = cbMul * (bv - yn);
    outCr[i] = crMul * (rv - yn);
  }
  return [outY, outCb, outCr];
}

/**
 * Float Y'CbCr (Y' in [0, 1], Cb/Cr in [−0.5, 0.5]) → float normalised R'G'B'.
 * Outputs may alias inputs. Returns `[outR, outG, outB]`.
 *
 * @example ycbcrFloatToRgb('bt709', y, cb, cr, r, g, b)
 */
export function ycbcrFloatToRgb(
  matrix: Matrix,
  y: Float32Array, cb: Float32Array, cr: Float32Array,
  outR: Float32Array, outG: Float32Array, outB: Float32Array,
): [Float32Array, Float32Array, Float32Array] {
  assertPlaneLengths('ycbcrFloatToRgb', y.length, ['cb', 'cr', 'outR', 'outG', 'outB'], [cb, cr, outR, outG, outB]);
  const { kr, kg, kb } = lumaCoefficients(matrix);
  const crToR = 2 * (1 - kr);
  const cbToB = 2 * (1 - kb);
  const crToG = -(2 * kr * (1 - kr)) / kg;
  const cbToG = -(2 * kb * (1 - kb)) / kg;
  for (let i = 0; i < y.length; i++) {
    const yn = y[i]!;
    const u = cb[i]!;
    const v = cr[i]!;
    outR[i] = yn + crToR * v;
    outG[i] = yn + cbToG * u + crToG * v;
    outB[i] = yn + cbToB * u;
  }
  return [outR, outG, outB];
}

/** Which kind of Y'CbCr component a single plane holds. */
export type YcbcrComponent = 'luma' | 'chroma';

/**
 * Quantises one float Y'CbCr plane (as from {@link rgbToYcbcrFloat}, possibly subsampled) to
 * integer codes, rounded and clamped to [0, 2^n − 1]. Returns `dst`.
 *
 * @example quantizeYcbcrPlane(spec, 'chroma', cbHalf, new Uint16Array(cbHalf.length))
 */
export function quantizeYcbcrPlane<T extends IntPlane>(
  spec: YcbcrSpec, component: YcbcrComponent, src: Float32Array, dst: T,
): T {
  assertPlaneLengths('quantizeYcbcrPlane', src.length, ['dst'], [dst]);
  checkContainer('quantizeYcbcrPlane', spec, [dst]);
  const q = codeRange(spec);
  const luma = component === 'luma';
  const scale = luma ? q.yScale : q.cScale;
  const offset = (luma ? q.yOffset : q.cOffset) + 0.5;
  const max = q.max;
  for (let i = 0; i < src.length; i++) {
    const c = offset + scale * src[i]!;
    dst[i] = c >= 1 ? (c >= max ? max : Math.floor(c)) : 0;
  }
  return dst;
}

/**
 * Inverse of {@link quantizeYcbcrPlane}: integer codes → float Y' in [0, 1] or Cb/Cr in
 * [−0.5, 0.5] (not clamped). Returns `dst`.
 *
 * @example dequantizeYcbcrPlane(spec, 'luma', y10, new Float32Array(y10.length))
 */
export function dequantizeYcbcrPlane(
  spec: YcbcrSpec, component: YcbcrComponent, src: IntPlane, dst: Float32Array,
): Float32Array {
  assertPlaneLengths('dequantizeYcbcrPlane', src.length, ['dst'], [dst]);
  checkContainer('dequantizeYcbcrPlane', spec, [src]);
  const q = codeRange(spec);
  const luma = component === 'luma';
  const mul = 1 / (luma ? q.yScale : q.cScale);
  const offset = luma ? q.yOffset : q.cOffset;
  for (let i = 0; i < src.length; i++) dst[i] = (src[i]! - offset) * mul;
  return dst;
}
