// Whole frames between integer planar Y'CbCr (what crosses ffmpeg's pipes) and full-resolution
// float R'G'B' planes (what the colour maths and the networks work on).

import { chromaSize, downsampleChroma, upsampleChroma } from './chroma.js';
import type { IntPlane, YcbcrSpec } from './types.js';
import { dequantizeYcbcrPlane, quantizeYcbcrPlane, rgbToYcbcrFloat, ycbcrFloatToRgb } from './ycbcr.js';

/** A Y'CbCr layout: matrix, range, bit depth and chroma subsampling. */
export type YuvLayout = YcbcrSpec & { readonly subsampling: '420' | '422' | '444' };

/** The frames the pipeline's models take and give: HDR (BT.2020 NCL, 10-bit) and SDR (BT.709, 8-bit), limited range, 4:2:0. */
export const HDR_LAYOUT: YuvLayout = { matrix: 'bt2020nc', range: 'limited', bitDepth: 10, subsampling: '420' };
export const SDR_LAYOUT: YuvLayout = { matrix: 'bt709', range: 'limited', bitDepth: 8, subsampling: '420' };

export type RgbPlanes = { r: Float32Array; g: Float32Array; b: Float32Array };

/**
 * Converts frames of one size and layout in both directions, reusing its scratch planes so a
 * frame costs no allocation. Not safe to share between concurrent conversions.
 *
 * @example
 * const conv = new YuvFrameConverter(1920, 1080, { matrix: 'bt2020nc', range: 'limited', bitDepth: 10, subsampling: '420' });
 * conv.toRgb(frame.planes, rgb);   // Uint16 planes -> Float32 R'G'B'
 * conv.fromRgb(rgb, outPlanes);    // and back
 */
export class YuvFrameConverter {
  readonly width: number;
  readonly height: number;
  readonly layout: YuvLayout;
  readonly #y: Float32Array;
  readonly #cb: Float32Array;
  readonly #cr: Float32Array;
  readonly #cbSub: Float32Array;
  readonly #crSub: Float32Array;

  constructor(width: number, height: number, layout: YuvLayout) {
    this.width = width;
    this.height = height;
    this.layout = layout;
    const n = width * height;
    this.#y = new Float32Array(n);
    this.#cb = new Float32Array(n);
    this.#cr = new Float32Array(n);
    const c = layout.subsampling === '444' ? { width, height } : chromaSize(width, height, layout.subsampling);
    this.#cbSub = new Float32Array(c.width * c.height);
    this.#crSub = new Float32Array(c.width * c.height);
  }

  /** Integer Y, Cb, Cr planes (chroma subsampled per the layout) -> R'G'B' at full resolution. */
  toRgb(planes: readonly IntPlane[], out: RgbPlanes): RgbPlanes {
    const [y, cb, cr] = planes;
    if (!y || !cb || !cr) throw new TypeError(`YuvFrameConverter.toRgb needs 3 planes, got ${planes.length}`);
    const { layout, width, height } = this;
    dequantizeYcbcrPlane(layout, 'luma', y, this.#y);
    if (layout.subsampling === '444') {
      dequantizeYcbcrPlane(layout, 'chroma', cb, this.#cb);
      dequantizeYcbcrPlane(layout, 'chroma', cr, this.#cr);
    } else {
      upsampleChroma(dequantizeYcbcrPlane(layout, 'chroma', cb, this.#cbSub), width, height, this.#cb, layout.subsampling);
      upsampleChroma(dequantizeYcbcrPlane(layout, 'chroma', cr, this.#crSub), width, height, this.#cr, layout.subsampling);
    }
    ycbcrFloatToRgb(layout.matrix, this.#y, this.#cb, this.#cr, out.r, out.g, out.b);
    return out;
  }

  /** R'G'B' at full resolution -> integer Y, Cb, Cr planes (rounded, clamped to the container). */
  fromRgb(rgb: RgbPlanes, planes: readonly IntPlane[]): readonly IntPlane[] {
    const [y, cb, cr] = planes;
    if (!y || !cb || !cr) throw new TypeError(`YuvFrameConverter.fromRgb needs 3 planes, got ${planes.length}`);
    const { layout, width, height } = this;
    rgbToYcbcrFloat(layout.matrix, rgb.r, rgb.g, rgb.b, this.#y, this.#cb, this.#cr);
    quantizeYcbcrPlane(layout, 'luma', this.#y, y);
    if (layout.subsampling === '444') {
      quantizeYcbcrPlane(layout, 'chroma', this.#cb, cb);
      quantizeYcbcrPlane(layout, 'chroma', this.#cr, cr);
    } else {
      quantizeYcbcrPlane(layout, 'chroma', downsampleChroma(this.#cb, width, height, this.#cbSub, layout.subsampling), cb);
      quantizeYcbcrPlane(layout, 'chroma', downsampleChroma(this.#cr, width, height, this.#crSub, layout.subsampling), cr);
    }
    return planes;
  }
}
