/** Transfer characteristic of a signal (how code values relate to light). */
export type Transfer = 'pq' | 'hlg' | 'bt709' | 'srgb' | 'linear';

/** Colour primaries (all with a D65 white). */
export type Primaries = 'bt709' | 'bt2020';

/** Y'CbCr matrix coefficients; `bt2020nc` is the non-constant-luminance form. */
export type Matrix = 'bt709' | 'bt2020nc';

/** Quantisation range: `limited` ("TV", 16–235 at 8 bits) or `full` ("PC", 0–255). */
export type Range = 'limited' | 'full';

/** Bits per Y'CbCr code value. */
export type BitDepth = 8 | 10 | 12;

/** Chroma subsampling layouts the module can resample to and from 4:4:4. */
export type Subsampling = '420' | '422';

/** Everything needed to turn Y'CbCr code values into R'G'B' and back. */
export type YcbcrSpec = {
  readonly matrix: Matrix;
  readonly range: Range;
  readonly bitDepth: BitDepth;
};

/** Integer Y'CbCr plane: `Uint8Array` for 8-bit, `Uint16Array` for 10/12-bit (8-bit may use either). */
export type IntPlane = Uint8Array | Uint16Array;

/** Row-major 3x3 matrix: `[m00, m01, m02, m10, m11, m12, m20, m21, m22]`. */
export type Mat3 = readonly [number, number, number, number, number, number, number, number, number];
