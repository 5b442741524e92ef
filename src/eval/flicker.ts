// Temporal flicker introduced by a test video relative to its reference: how much the
// frame-to-frame change of mean brightness differs, in PU21 units (≈ perceptually uniform, so
// a step of 1 is about equally visible in shadows and highlights). For per-frame means m(t):
//   flicker = mean over t ≥ 1 of |Δm_test(t) − Δm_ref(t)|,  Δm(t) = m(t) − m(t−1).
// A constant offset between the videos contributes nothing (a steady drift d per frame
// contributes d); a test output pumping ±k around the reference gives 2k. Fewer than two
// frames have no change: 0.

/**
 * Mean of a plane (float64 accumulation).
 *
 * @example planeMean(new Float32Array([1, 2, 3])) // 2
 */
export function planeMean(plane: Float32Array): number {
  if (plane.length === 0) throw new RangeError('planeMean: plane is empty');
  let s = 0;
  for (let i = 0; i < plane.length; i++) s += plane[i]!;
  return s / plane.length;
}

/**
 * Streams per-frame means of both videos and keeps the running flicker; holds two numbers,
 * not the series.
 *
 * @example const f = new FlickerMeter(); for (...) f.push(refMean, testMean); f.value
 */
export class FlickerMeter {
  #prevRef = NaN;
  #prevTest = NaN;
  #sum = 0;
  #frames = 0;

  /** Adds one frame's mean PU21 luminance of the reference and of the test. */
  push(refMean: number, testMean: number): void {
    if (!Number.isFinite(refMean) || !Number.isFinite(testMean)) {
      throw new RangeError(`FlickerMeter.push: frame means must be finite, got ${refMean} and ${testMean}`);
    }
    if (this.#frames > 0) this.#sum += Math.abs(testMean - this.#prevTest - (refMean - this.#prevRef));
    this.#prevRef = refMean;
    this.#prevTest = testMean;
    this.#frames++;
  }

  get frames(): number {
    return this.#frames;
  }

  /** Mean |Δm_test − Δm_ref| over the frame transitions so far; 0 before two frames. */
  get value(): number {
    return this.#frames < 2 ? 0 : this.#sum / (this.#frames - 1);
  }
}

/**
 * Flicker of a test series of frame means against the reference series (same length).
 *
 * @example flicker([100, 100, 100], [100, 104, 100]) // 4 (the test pumps, the reference does not)
 */
export function flicker(refMeans: readonly number[], testMeans: readonly number[]): number {
  if (refMeans.length !== testMeans.length) {
    throw new RangeError(`flicker: the series differ in length (${refMeans.length} reference vs ${testMeans.length} test frames)`);
  }
  const m = new FlickerMeter();
  for (let t = 0; t < refMeans.length; t++) m.push(refMeans[t]!, testMeans[t]!);
  return m.value;
}
