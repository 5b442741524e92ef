// Boundary checks shared by the metrics: once per call, never per pixel.

type Sized = { readonly length: number };

/**
 * Throws a RangeError unless every plane has `expected` samples; `names` parallels `planes`.
 *
 * @example assertLengths('pu21Psnr', ref.length, ['testY'], [test])
 */
export function assertLengths(fn: string, expected: number, names: readonly string[], planes: readonly Sized[]): void {
  for (let i = 0; i < planes.length; i++) {
    const p = planes[i];
    if (p !== undefined && p.length !== expected) {
      throw new RangeError(`${fn}: ${names[i] ?? `plane ${i}`} has ${p.length} samples, expected ${expected} (same as the first plane)`);
    }
  }
}

/**
 * Throws unless `width`×`height` is a positive-integer size matching `length` samples.
 *
 * @example assertSize('ssim', 640, 360, plane.length)
 */
export function assertSize(fn: string, width: number, height: number, length: number): void {
  if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
    throw new RangeError(`${fn}: width and height must be positive integers, got ${width}x${height}`);
  }
  if (width * height !== length) {
    throw new RangeError(`${fn}: a ${width}x${height} image has ${width * height} samples, the plane has ${length}`);
  }
}

/**
 * Throws unless `planes` is non-empty (one entry per channel).
 *
 * @example assertChannels('muPsnr', ref, test)
 */
export function assertChannels(fn: string, ref: readonly Sized[], test: readonly Sized[]): void {
  if (ref.length === 0 || ref.length !== test.length) {
    throw new RangeError(`${fn}: needs the same non-zero number of channels in both images, got ${ref.length} and ${test.length}`);
  }
  const n = ref[0]!.length;
  assertLengths(fn, n, [...ref.map((_, i) => `ref[${i}]`), ...test.map((_, i) => `test[${i}]`)], [...ref, ...test]);
}
