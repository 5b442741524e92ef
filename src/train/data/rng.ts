// Seeded randomness for the data pipeline. Every random choice in sampling and in the camera
// simulation draws from one of these, so a (seed, call order) pair reproduces a batch exactly.

/** Seeded PRNG: numbers in [0, 1). Same seed → same sequence. */
export type Rng = () => number;

/**
 * mulberry32: a 32-bit state, full period 2^32, passes gjrand/PractRand at the sizes used here,
 * and costs a few ns a call — the sampler draws tens of thousands of numbers per view.
 *
 * @example const rng = createRng(42); rng() // 0.6011…, same on every run
 */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`createRng: seed must be a finite number, got ${seed}`);
  let a = Math.trunc(seed) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Log-uniform in [lo, hi) (lo, hi > 0): each octave equally likely. */
export function logUniform(rng: Rng, lo: number, hi: number): number {
  return lo * Math.exp(Math.log(hi / lo) * rng());
}

/** Integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(rng() * n));
}

// Standard normal quantiles at 4096 equal-probability midpoints: a Gaussian draw then costs one
// rng() call and one load instead of Box–Muller's log, sqrt and cos (noise is drawn per sample).
const GAUSS_BITS = 12;
const GAUSS_SIZE = 1 << GAUSS_BITS;
let gaussTable: Float32Array | undefined;

/** Inverse standard-normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (pt: number): number => {
    const q = Math.sqrt(-2 * Math.log(pt));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  };
  if (p < 0.02425) return tail(p);
  if (p > 1 - 0.02425) return -tail(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** The shared quantile table (built once, ~0.1 ms). */
export function gaussianTable(): Float32Array {
  if (!gaussTable) {
    gaussTable = new Float32Array(GAUSS_SIZE);
    for (let i = 0; i < GAUSS_SIZE; i++) gaussTable[i] = normalQuantile((i + 0.5) / GAUSS_SIZE);
  }
  return gaussTable;
}

/** One standard-normal draw (tabulated: tails stop at ±3.5σ). */
export function gaussian(rng: Rng): number {
  return gaussianTable()[(rng() * GAUSS_SIZE) | 0]!;
}
