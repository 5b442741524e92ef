// The classical model's colour chain written with the plane functions of src/color, one step
// per pass over Float32 planes, with the exact (untabulated) BT.2390 EETF. Slow (~1 s a 1080p
// frame): it is the oracle the fused kernels are tested against, not a production path.

import {
  BT2020_TO_BT709, BT709_TO_BT2020, HDR_LAYOUT, SDR_LAYOUT, YuvFrameConverter, applyMatrix3, bt1886EotfPlane, bt1886InverseEotfPlane,
  hlgDecodePlanes, hlgEncodePlanes, pqDecodePlane, pqEncodePlane, type RgbPlanes,
} from '../../color/index.js';
import type { Bt2390Eetf } from './bt2390-eetf.js';
import type { Planes } from './kernels.js';

/** HDR signal of one side of the chain: PQ, or HLG on a display of peak `lw` cd/m². */
export type HdrSignal = { transfer: 'pq' } | { transfer: 'hlg'; lw: number };

function rgbPlanes(n: number): RgbPlanes {
  return { r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
}

function chromaLength(width: number, height: number): number {
  return ((width + 1) >> 1) * ((height + 1) >> 1);
}

/**
 * HDR 10-bit BT.2020 4:2:0 → SDR 8-bit BT.709 4:2:0 through src/color's plane functions and the
 * exact EETF (maxRGB), as ClassicalToneModel.reverse does with tables.
 *
 * @example reverseReference(64, 36, hdrPlanes, { transfer: 'pq' }, new Bt2390Eetf(params), 100)
 */
export function reverseReference(
  width: number, height: number, src: Planes<Uint16Array>, signal: HdrSignal, eetf: Bt2390Eetf, dstPeak: number,
): Planes<Uint8Array> {
  const n = width * height;
  const rgb = new YuvFrameConverter(width, height, HDR_LAYOUT).toRgb([src.y, src.cb, src.cr], rgbPlanes(n));
  const { r, g, b } = rgb;
  if (signal.transfer === 'pq') {
    pqDecodePlane(r, r);
    pqDecodePlane(g, g);
    pqDecodePlane(b, b);
  } else {
    hlgDecodePlanes(r, g, b, r, g, b, signal.lw);
  }
  applyMatrix3(BT2020_TO_BT709, r, g, b, r, g, b);
  for (let i = 0; i < n; i++) {
    const rv = Math.max(r[i]!, 0);
    const gv = Math.max(g[i]!, 0);
    const bv = Math.max(b[i]!, 0);
    const m = Math.max(rv, gv, bv);
    const gain = m > 0 ? eetf.map(m) / m : 0;
    r[i] = rv * gain;
    g[i] = gv * gain;
    b[i] = bv * gain;
  }
  bt1886InverseEotfPlane(r, r, dstPeak, 0);
  bt1886InverseEotfPlane(g, g, dstPeak, 0);
  bt1886InverseEotfPlane(b, b, dstPeak, 0);
  const c = chromaLength(width, height);
  const out = { y: new Uint8Array(n), cb: new Uint8Array(c), cr: new Uint8Array(c) };
  new YuvFrameConverter(width, height, SDR_LAYOUT).fromRgb(rgb, [out.y, out.cb, out.cr]);
  return out;
}

/**
 * SDR 8-bit BT.709 4:2:0 → HDR 10-bit BT.2020 4:2:0 through src/color's plane functions and the
 * exact inverse EETF, as ClassicalToneModel.forward does with tables.
 *
 * @example forwardReference(64, 36, sdrPlanes, { transfer: 'pq' }, new Bt2390Eetf(params), 100)
 */
export function forwardReference(
  width: number, height: number, src: Planes<Uint8Array>, signal: HdrSignal, eetf: Bt2390Eetf, dstPeak: number,
): Planes<Uint16Array> {
  const n = width * height;
  const rgb = new YuvFrameConverter(width, height, SDR_LAYOUT).toRgb([src.y, src.cb, src.cr], rgbPlanes(n));
  const { r, g, b } = rgb;
  for (const p of [r, g, b]) for (let i = 0; i < n; i++) p[i] = Math.min(Math.max(p[i]!, 0), 1);
  bt1886EotfPlane(r, r, dstPeak, 0);
  bt1886EotfPlane(g, g, dstPeak, 0);
  bt1886EotfPlane(b, b, dstPeak, 0);
  for (let i = 0; i < n; i++) {
    const m = Math.max(r[i]!, g[i]!, b[i]!);
    if (m > 0) {
      const gain = eetf.unmap(m) / m;
      r[i] = r[i]! * gain;
      g[i] = g[i]! * gain;
      b[i] = b[i]! * gain;
    }
  }
  applyMatrix3(BT709_TO_BT2020, r, g, b, r, g, b);
  if (signal.transfer === 'pq') {
    pqEncodePlane(r, r);
    pqEncodePlane(g, g);
    pqEncodePlane(b, b);
  } else {
    hlgEncodePlanes(r, g, b, r, g, b, signal.lw);
  }
  const c = chromaLength(width, height);
  const out = { y: new Uint16Array(n), cb: new Uint16Array(c), cr: new Uint16Array(c) };
  new YuvFrameConverter(width, height, HDR_LAYOUT).fromRgb(rgb, [out.y, out.cb, out.cr]);
  return out;
}
