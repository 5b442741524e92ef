// Chroma resampling between 4:4:4 and 4:2:0 / 4:2:2, with MPEG-2 / BT.2020 "left" siting:
// horizontally a chroma sample sits on every even luma column; for 4:2:0 it sits vertically
// halfway between luma rows 2i and 2i+1. That is what H.264/HEVC encoders assume unless the
// stream signals otherwise (chroma_sample_loc_type 0), so getting it wrong shifts colour
// edges by a quarter chroma sample on every generation.

import { assertPositiveInteger } from './planes.js';
import type { Subsampling } from './types.js';

/**
 * Chroma plane size for a `width`×`height` picture.
 *
 * @example chromaSize(641, 361, '420') // { width: 321, height: 181 }
 */
export function chromaSize(
  width: number, height: number, subsampling: Subsampling,
): { width: number; height: number } {
  if (subsampling !== '420' && subsampling !== '422') {
    throw new RangeError(`subsampling must be '420' or '422', got ${JSON.stringify(subsampling)}`);
  }
  return { width: (width + 1) >> 1, height: subsampling === '420' ? (height + 1) >> 1 : height };
}

function checkSizes(
  fn: string, width: number, height: number,
  full: Float32Array, fullName: string, sub: Float32Array, subName: string, subsampling: Subsampling,
): { cw: number; ch: number } {
  assertPositiveInteger(fn, 'width', width);
  assertPositiveInteger(fn, 'height', height);
  const { width: cw, height: ch } = chromaSize(width, height, subsampling);
  if (full.length !== width * height) {
    throw new RangeError(`${fn}: ${fullName} has ${full.length} samples, expected ${width}×${height} = ${width * height}`);
  }
  if (sub.length !== cw * ch) {
    throw new RangeError(
      `${fn}: ${subName} has ${sub.length} samples, expected ${cw}×${ch} = ${cw * ch} for ${subsampling} of ${width}×${height}`,
    );
  }
  return { cw, ch };
}

/**
 * Downsamples a full-resolution chroma plane to 4:2:0 or 4:2:2: a [1, 2, 1]/4 filter centred on
 * each even column, and for 4:2:0 the average of rows 2i and 2i+1. Edges are clamped, so odd
 * sizes work. `dst` must be `chromaSize(width, height, subsampling)`. Returns `dst`.
 *
 * @example downsampleChroma(cb, 1920, 1080, new Float32Array(960 * 540), '420')
 */
export function downsampleChroma(
  src: Float32Array, width: number, height: number, dst: Float32Array, subsampling: Subsampling,
): Float32Array {
  const { cw, ch } = checkSizes('downsampleChroma', width, height, src, 'src', dst, 'dst', subsampling);
  const vertical = subsampling === '420';
  const lastX = width - 1;
  const lastY = height - 1;
  // Both rows count equally; when the bottom row is missing (odd height) y1 = y0.
  const weight = vertical ? 0.125 : 0.25;
  for (let cy = 0; cy < ch; cy++) {
    const y0 = vertical ? 2 * cy : cy;
    const y1 = vertical && y0 < lastY ? y0 + 1 : y0;
    const row0 = y0 * width;
    const row1 = y1 * width;
    const out = cy * cw;
    for (let cx = 0; cx < cw; cx++) {
      const x = 2 * cx;
      const xl = x > 0 ? x - 1 : 0;
      const xr = x < lastX ? x + 1 : lastX;
      let sum = src[row0 + xl]! + 2 * src[row0 + x]! + src[row0 + xr]!;
      if (vertical) sum += src[row1 + xl]! + 2 * src[row1 + x]! + src[row1 + xr]!;
      dst[out + cx] = sum * weight;
    }
  }
  return dst;
}

/**
 * Upsamples a 4:2:0 / 4:2:2 chroma plane back to `width`×`height`, interpolating linearly
 * for the same siting as {@link downsampleChroma}: even columns copy, odd columns average
 * their neighbours; for 4:2:0 each luma row blends its nearest chroma row (3/4) with the next
 * nearest (1/4). Edges are clamped. Returns `dst`.
 *
 * @example upsampleChroma(cbHalf, 1920, 1080, new Float32Array(1920 * 1080), '420')
 */
export function upsampleChroma(
  src: Float32Array, width: number, height: number, dst: Float32Array, subsampling: Subsampling,
): Float32Array {
  const { cw, ch } = checkSizes('upsampleChroma', width, height, dst, 'dst', src, 'src', subsampling);
  const vertical = subsampling === '420';
  const lastCx = cw - 1;
  const lastCy = ch - 1;
  for (let y = 0; y < height; y++) {
    // Chroma row i sits at luma y = 2i + 0.5, so luma row y sits at chroma (y − 0.5) / 2:
    // even rows lean on the row above, odd rows on the row below.
    let near: number;
    let far: number;
    if (vertical) {
      near = y >> 1;
      far = (y & 1) === 0 ? (near > 0 ? near - 1 : 0) : near < lastCy ? near + 1 : lastCy;
    } else {
      near = y;
      far = y;
    }
    const rowN = near * cw;
    const rowF = far * cw;
    const out = y * width;
    for (let x = 0; x < width; x++) {
      const cx = x >> 1;
      let vn: number;
      let vf: number;
      if ((x & 1) === 0) {
        vn = src[rowN + cx]!;
        vf = src[rowF + cx]!;
      } else {
        const cx1 = cx < lastCx ? cx + 1 : lastCx;
        vn = 0.5 * (src[rowN + cx]! + src[rowN + cx1]!);
        vf = 0.5 * (src[rowF + cx]! + src[rowF + cx1]!);
      }
      dst[out + x] = 0.75 * vn + 0.25 * vf;
    }
  }
  return dst;
}
