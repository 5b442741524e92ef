// ΔE_ITP (ITU-R BT.2124-0, 2019): colour difference for HDR in the ICtCp space of BT.2100 (PQ).
// I stays, Ct is halved to T (so T and P spread alike for just-noticeable differences), and
// ΔE_ITP = 720·√(ΔI² + ΔT² + ΔP²): 1 is about one just-noticeable difference.

import { rgb2020ToIctcp, rgb2020ToIctcpPlanes, type RgbPlanes } from '../color/index.js';
import { assertLengths } from './checks.js';

/** BT.2124 scale: one unit ≈ one JND. */
export const DELTA_E_ITP_SCALE = 720;

/**
 * ΔE_ITP of one pixel pair given as absolute linear BT.2020 RGB in cd/m².
 *
 * @example deltaEItpPixel([100, 100, 100], [110, 110, 110]) // ≈ 6.91
 */
export function deltaEItpPixel(ref: readonly [number, number, number], test: readonly [number, number, number]): number {
  const [i1, ct1, cp1] = rgb2020ToIctcp(ref[0], ref[1], ref[2]);
  const [i2, ct2, cp2] = rgb2020ToIctcp(test[0], test[1], test[2]);
  const di = i1 - i2;
  const dt = 0.5 * (ct1 - ct2);
  const dp = cp1 - cp2;
  return DELTA_E_ITP_SCALE * Math.sqrt(di * di + dt * dt + dp * dp);
}

/**
 * Σ over pixels of ΔE_ITP, from ICtCp planes of both images (float64 accumulation).
 *
 * @example deltaEItpSum(i1, ct1, cp1, i2, ct2, cp2) / i1.length
 */
export function deltaEItpSum(
  refI: Float32Array, refCt: Float32Array, refCp: Float32Array,
  testI: Float32Array, testCt: Float32Array, testCp: Float32Array,
): number {
  assertLengths('deltaEItpSum', refI.length, ['refCt', 'refCp', 'testI', 'testCt', 'testCp'], [refCt, refCp, testI, testCt, testCp]);
  let s = 0;
  for (let k = 0; k < refI.length; k++) {
    const di = refI[k]! - testI[k]!;
    const dt = 0.5 * (refCt[k]! - testCt[k]!);
    const dp = refCp[k]! - testCp[k]!;
    s += Math.sqrt(di * di + dt * dt + dp * dp);
  }
  return DELTA_E_ITP_SCALE * s;
}

/**
 * Mean ΔE_ITP between two absolute linear BT.2020 RGB images in cd/m² (0 when identical).
 *
 * @example deltaEItp({ r, g, b }, { r: r2, g: g2, b: b2 }) // < 1: invisible on average
 */
export function deltaEItp(ref: RgbPlanes, test: RgbPlanes): number {
  const n = ref.r.length;
  assertLengths('deltaEItp', n, ['ref.g', 'ref.b', 'test.r', 'test.g', 'test.b'], [ref.g, ref.b, test.r, test.g, test.b]);
  if (n === 0) throw new RangeError('deltaEItp: planes are empty');
  const a = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
  const b = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
  rgb2020ToIctcpPlanes(ref.r, ref.g, ref.b, a[0], a[1], a[2]);
  rgb2020ToIctcpPlanes(test.r, test.g, test.b, b[0], b[1], b[2]);
  return deltaEItpSum(a[0], a[1], a[2], b[0], b[1], b[2]) / n;
}
