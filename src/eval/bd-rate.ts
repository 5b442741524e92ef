// Bjøntegaard delta metrics (G. Bjøntegaard, "Calculation of average PSNR differences between
// RD-curves", VCEG-M33, 2001): fit each rate–distortion curve with a cubic polynomial by least
// squares, integrate both over the quality (or log-rate) interval they share, and compare the
// averages.
//   BD-rate: log10(rate) as a cubic of quality; 10^(mean difference) − 1, in percent
//            (negative: the test needs fewer bits for the same quality).
//   BD-PSNR: quality as a cubic of log10(rate); the mean difference, in quality units (dB).
// Curves that do not overlap have no shared interval: a RangeError says so (never NaN).

/** One rate–distortion point: a rate in any positive unit (kbit/s, bytes) and a quality (dB…). */
export type RdPoint = { rate: number; quality: number };

function validate(fn: string, name: string, curve: readonly RdPoint[]): void {
  if (curve.length < 4) throw new RangeError(`${fn}: ${name} needs at least 4 points for a cubic fit, got ${curve.length}`);
  curve.forEach((p, i) => {
    if (!(p.rate > 0) || !Number.isFinite(p.rate)) throw new RangeError(`${fn}: ${name}[${i}].rate must be positive and finite, got ${p.rate}`);
    if (!Number.isFinite(p.quality)) {
      throw new RangeError(`${fn}: ${name}[${i}].quality must be finite, got ${p.quality} — drop lossless (infinite PSNR) points`);
    }
  });
}

/** A cubic fitted in a normalised variable t = (x − centre) / scale, for conditioning. */
type Cubic = { c: [number, number, number, number]; centre: number; scale: number; min: number; max: number };

/** Least-squares cubic y ≈ c0 + c1·t + c2·t² + c3·t³ (normal equations, partial pivoting). */
function fitCubic(fn: string, name: string, xs: readonly number[], ys: readonly number[]): Cubic {
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  const centre = (min + max) / 2;
  const scale = (max - min) / 2;
  if (!(scale > 0)) throw new RangeError(`${fn}: ${name} has no spread to fit (all x equal to ${min})`);
  const a: number[][] = Array.from({ length: 4 }, () => [0, 0, 0, 0, 0]);
  for (let k = 0; k < xs.length; k++) {
    const t = (xs[k]! - centre) / scale;
    const pow = [1, t, t * t, t * t * t];
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) a[i]![j]! += pow[i]! * pow[j]!;
      a[i]![4]! += pow[i]! * ys[k]!;
    }
  }
  for (let col = 0; col < 4; col++) {
    let piv = col;
    for (let r = col + 1; r < 4; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[piv]![col]!)) piv = r;
    if (Math.abs(a[piv]![col]!) < 1e-12) {
      throw new RangeError(`${fn}: ${name} needs at least 4 distinct x values for a cubic fit`);
    }
    [a[col], a[piv]] = [a[piv]!, a[col]!];
    for (let r = 0; r < 4; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      for (let j = col; j < 5; j++) a[r]![j]! -= f * a[col]![j]!;
    }
  }
  const c = [0, 1, 2, 3].map((i) => a[i]![4]! / a[i]![i]!) as [number, number, number, number];
  return { c, centre, scale, min, max };
}

/** ∫ from x0 to x1 of the cubic, in x. */
function integrate(p: Cubic, x0: number, x1: number): number {
  const anti = (x: number): number => {
    const t = (x - p.centre) / p.scale;
    const [c0, c1, c2, c3] = p.c;
    return p.scale * t * (c0 + t * (c1 / 2 + t * (c2 / 3 + t * (c3 / 4))));
  };
  return anti(x1) - anti(x0);
}

/** Mean difference (test − anchor) of two fitted curves over their shared x interval. */
function meanDifference(fn: string, anchor: Cubic, test: Cubic, what: string): number {
  const lo = Math.max(anchor.min, test.min);
  const hi = Math.min(anchor.max, test.max);
  if (!(hi > lo)) {
    throw new RangeError(
      `${fn}: the curves do not overlap in ${what} (anchor ${anchor.min}…${anchor.max}, test ${test.min}…${test.max}) — measure more points so their ranges share an interval`,
    );
  }
  return (integrate(test, lo, hi) - integrate(anchor, lo, hi)) / (hi - lo);
}

/**
 * BD-rate of `test` against `anchor` in percent: the average rate change at equal quality
 * (−20 means 20 % fewer bits). Each curve needs ≥ 4 points with positive rates and finite
 * qualities; throws a RangeError when they cannot be compared.
 *
 * @example bdRate(anchor, anchor.map((p) => ({ ...p, rate: p.rate * 1.1 }))) // 10.0
 */
export function bdRate(anchor: readonly RdPoint[], test: readonly RdPoint[]): number {
  validate('bdRate', 'anchor', anchor);
  validate('bdRate', 'test', test);
  const fa = fitCubic('bdRate', 'anchor', anchor.map((p) => p.quality), anchor.map((p) => Math.log10(p.rate)));
  const ft = fitCubic('bdRate', 'test', test.map((p) => p.quality), test.map((p) => Math.log10(p.rate)));
  return (10 ** meanDifference('bdRate', fa, ft, 'quality') - 1) * 100;
}

/**
 * BD-PSNR (BD-quality) of `test` against `anchor`: the average quality change at equal rate,
 * in the quality's unit (dB for PSNR). Same requirements as {@link bdRate}.
 *
 * @example bdPsnr(anchor, anchor.map((p) => ({ ...p, quality: p.quality + 1 }))) // 1.0
 */
export function bdPsnr(anchor: readonly RdPoint[], test: readonly RdPoint[]): number {
  validate('bdPsnr', 'anchor', anchor);
  validate('bdPsnr', 'test', test);
  const fa = fitCubic('bdPsnr', 'anchor', anchor.map((p) => Math.log10(p.rate)), anchor.map((p) => p.quality));
  const ft = fitCubic('bdPsnr', 'test', test.map((p) => Math.log10(p.rate)), test.map((p) => p.quality));
  return meanDifference('bdPsnr', fa, ft, 'log10(rate)');
}
