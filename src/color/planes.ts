// Boundary checks shared by the planar functions. Checked once per call, never per pixel.

type Sized = { readonly length: number };

/**
 * Throws a RangeError unless every plane has exactly `expected` samples.
 * `names` and `planes` run in parallel so the message can name the offender.
 */
export function assertPlaneLengths(
  fn: string,
  expected: number,
  names: readonly string[],
  planes: readonly Sized[],
): void {
  for (let i = 0; i < planes.length; i++) {
    const plane = planes[i];
    if (plane !== undefined && plane.length !== expected) {
      throw new RangeError(
        `${fn}: ${names[i] ?? `plane ${i}`} has ${plane.length} samples, expected ${expected} (same as the first input plane)`,
      );
    }
  }
}

/** Throws unless `value` is a positive integer; `what` names the option in the message. */
export function assertPositiveInteger(fn: string, what: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${fn}: ${what} must be a positive integer, got ${value}`);
  }
}
