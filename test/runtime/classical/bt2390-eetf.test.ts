import { describe, expect, it } from 'vitest';
import { pqDecode, pqEncode } from '../../../src/color/index.js';
import { Bt2390Eetf, EetfLut, eetf, inverseEetf, type EetfParams } from '../../../src/runtime/index.js';

const SDR: EetfParams = { srcMin: 0, srcMax: 1000, dstMin: 0, dstMax: 100 };
const CASES: EetfParams[] = [
  SDR,
  { srcMin: 0, srcMax: 4000, dstMin: 0, dstMax: 100 },
  { srcMin: 0, srcMax: 10000, dstMin: 0, dstMax: 300 },
  { srcMin: 0, srcMax: 200, dstMin: 0, dstMax: 100 },
  // With a black lift (target black above the mastering black).
  { srcMin: 0.005, srcMax: 4000, dstMin: 0.1, dstMax: 500 },
  // With a slope at the top (the classical-soft model's 0.1), with and without the black lift.
  { srcMin: 0, srcMax: 1000, dstMin: 0, dstMax: 100, topSlope: 0.1 },
  { srcMin: 0, srcMax: 4000, dstMin: 0, dstMax: 100, topSlope: 0.1 },
  { srcMin: 0.005, srcMax: 4000, dstMin: 0.1, dstMax: 500, topSlope: 0.05 },
];
const BT2390_CASES = CASES.filter((p) => !p.topSlope);

/** n values log-spaced over [lo, hi]. */
function logSpace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo * (hi / lo) ** (i / (n - 1)));
}

/** BT.2390-10 §5.4.1 written out again, step by step, as the spec states it (independent of the implementation). */
function specEetf(l: number, p: EetfParams): number {
  const pqB = pqEncode(p.srcMin);
  const pqW = pqEncode(p.srcMax);
  const e1 = (pqEncode(l) - pqB) / (pqW - pqB);
  const minLum = (pqEncode(p.dstMin) - pqB) / (pqW - pqB);
  const maxLum = (pqEncode(p.dstMax) - pqB) / (pqW - pqB);
  const ks = 1.5 * maxLum - 0.5;
  const b = minLum;
  let e2: number;
  if (e1 < ks) {
    e2 = e1;
  } else {
    const t = (e1 - ks) / (1 - ks);
    e2 = (2 * t ** 3 - 3 * t ** 2 + 1) * ks + (t ** 3 - 2 * t ** 2 + t) * (1 - ks) + (-2 * t ** 3 + 3 * t ** 2) * maxLum;
  }
  const e3 = e2 + b * (1 - e2) ** 4;
  return pqDecode(e3 * (pqW - pqB) + pqB);
}

/** The topSlope spline written out from its definition: slope m + (1−m)(1−T)^(n−1) integrated from the knee. */
function specSoftTop(l: number, p: EetfParams): number {
  const m = p.topSlope!;
  const top = pqEncode(p.srcMax);
  const e1 = pqEncode(l) / top;
  const ks = 1.5 * (pqEncode(p.dstMax) / top) - 0.5;
  if (e1 < ks) return l;
  const n = (3 * (1 - m)) / (1 - 3 * m);
  // Midpoint rule over the slope, 20 000 steps: exact enough to check the closed form to 1e-8.
  const steps = 20000;
  const dt = (e1 - ks) / (1 - ks) / steps;
  let integral = 0;
  for (let i = 0; i < steps; i++) integral += m + (1 - m) * (1 - (i + 0.5) * dt) ** (n - 1);
  return pqDecode((ks + (1 - ks) * integral * dt) * top);
}

describe('Bt2390Eetf (exact)', () => {
  it.each(BT2390_CASES)('matches BT.2390 written out step by step for %j', (p) => {
    const e = new Bt2390Eetf(p);
    for (const l of logSpace(Math.max(p.srcMin, 1e-3), p.srcMax, 200)) {
      expect(e.map(l)).toBeCloseTo(specEetf(l, p), 9);
      expect(Math.abs(e.map(l) / specEetf(l, p) - 1)).toBeLessThan(1e-10);
    }
  });

  it.each([0.05, 0.1, 0.3])('with topSlope %f keeps BT.2390\'s knee and peak, ends at that slope, and integrates its slope', (m) => {
    const p = { srcMin: 0, srcMax: 1000, dstMin: 0, dstMax: 100 };
    const soft = new Bt2390Eetf({ ...p, topSlope: m });
    const hard = new Bt2390Eetf(p);
    expect(soft.topSlope).toBe(m);
    expect(soft.kneeStart).toBe(hard.kneeStart);
    expect(soft.kneeNits).toBe(hard.kneeNits);
    expect(Math.abs(soft.peakOutNits / 100 - 1)).toBeLessThan(1e-12);
    for (const l of logSpace(1, 1000, 60)) {
      expect(Math.abs(soft.map(l) / specSoftTop(l, { ...p, topSlope: m }) - 1)).toBeLessThan(1e-8);
      // Below BT.2390 above the knee (mid highlights compressed more), equal below it.
      if (l > hard.kneeNits * 1.01 && l < 999) expect(soft.map(l)).toBeLessThan(hard.map(l));
    }
    const h = 1e-7;
    expect((soft.mapNormalised(1) - soft.mapNormalised(1 - h)) / h).toBeCloseTo(m, 5);
    expect((hard.mapNormalised(1) - hard.mapNormalised(1 - h)) / h).toBeCloseTo(0, 5);
    // What the top 8-bit SDR codes stand for: BT.2390 expands 234 → 235 to 496 → 1000 cd/m².
    const code = (c: number): number => 100 * ((c - 16) / 219) ** 2.4;
    expect(hard.unmap(code(234))).toBeLessThan(500);
    expect(soft.unmap(code(234))).toBeGreaterThan(m >= 0.1 ? 900 : 800);
  });

  it.each(CASES.filter((p) => p.dstMin === 0))('is the identity below the knee and reaches dstMax at srcMax for %j', (p) => {
    const e = new Bt2390Eetf(p);
    expect(e.blackLift).toBe(0);
    expect(e.kneeNits).toBeGreaterThan(0);
    expect(e.kneeNits).toBeLessThan(p.srcMax);
    // Knee start KS = 1.5·maxLum − 0.5 in the normalised PQ domain.
    expect(e.kneeStart).toBeCloseTo(1.5 * (pqEncode(p.dstMax) / pqEncode(p.srcMax)) - 0.5, 12);
    expect(pqEncode(e.kneeNits) / pqEncode(p.srcMax)).toBeCloseTo(e.kneeStart, 12);
    for (const l of logSpace(1e-3, e.kneeNits * 0.9999, 100)) expect(Math.abs(e.map(l) / l - 1)).toBeLessThan(1e-10);
    // Above the knee it compresses.
    for (const l of logSpace(e.kneeNits * 1.01, p.srcMax * 0.99, 50)) expect(e.map(l)).toBeLessThan(l);
    expect(Math.abs(e.map(p.srcMax) / p.dstMax - 1)).toBeLessThan(1e-12);
    expect(e.peakOutNits).toBeCloseTo(p.dstMax, 9);
    // Inputs beyond the mastering range are clamped to it.
    expect(e.map(2 * p.srcMax)).toBe(e.map(p.srcMax));
  });

  it('lifts black to dstMin with b = minLum, and lands E(srcMax) a hair above dstMax (the formula as written)', () => {
    const p = CASES[4]!;
    const e = new Bt2390Eetf(p);
    expect(e.blackLift).toBeGreaterThan(0);
    expect(e.map(p.srcMin)).toBeCloseTo(p.dstMin, 9);
    expect(e.peakOutNits).toBeGreaterThan(p.dstMax);
    expect(e.peakOutNits / p.dstMax - 1).toBeLessThan(0.01);
  });

  it.each(CASES)('is strictly increasing over the source range for %j', (p) => {
    const e = new Bt2390Eetf(p);
    let prev = -Infinity;
    for (const l of logSpace(Math.max(p.srcMin, 1e-4), p.srcMax * 0.999, 5000)) {
      const y = e.map(l);
      expect(y).toBeGreaterThan(prev);
      prev = y;
    }
  });

  it.each(CASES)('has a continuous first derivative at the knee for %j', (p) => {
    const e = new Bt2390Eetf(p);
    const ks = e.kneeStart;
    const h = 1e-6;
    // In the normalised PQ domain: slope 1 on both sides (Hermite tangent at KS is 1).
    const left = (e.mapNormalised(ks) - e.mapNormalised(ks - h)) / h;
    const right = (e.mapNormalised(ks + h) - e.mapNormalised(ks)) / h;
    expect(Math.abs(right - left)).toBeLessThan(1e-4);
    // And the curve itself (nits → nits) has no kink: one-sided log-log slopes agree.
    const k = e.kneeNits;
    const dl = (x: number, y: number): number => Math.log(e.map(y) / e.map(x)) / Math.log(y / x);
    expect(Math.abs(dl(k, k * (1 + 1e-6)) - dl(k * (1 - 1e-6), k))).toBeLessThan(1e-3);
    // A real bend further up, so the test could see one (slope 0 at srcMax, or topSlope).
    expect(dl(p.srcMax * 0.999, p.srcMax)).toBeLessThan(p.topSlope ? 0.5 : 0.05);
  });

  it.each(CASES)('inverts exactly: E(E⁻¹(y)) = y to 1e-12, E⁻¹(E(x)) = x to 1e-9 below 0.9·srcMax, for %j', (p) => {
    const e = new Bt2390Eetf(p);
    for (const y of logSpace(Math.max(e.blackOutNits, 1e-3) * 1.001, e.peakOutNits * 0.9999, 400)) {
      expect(Math.abs(e.map(e.unmap(y)) / y - 1)).toBeLessThan(1e-12);
    }
    // E is flat at srcMax (slope 1.5(1−maxLum)(1−T)² in PQ terms), so near the top the round
    // trip amplifies the ~1e-14 rounding of the PQ curves: measured 4e-9 at 0.99·srcMax,
    // 1e-6 at 0.999·srcMax. Below 0.9·srcMax it stays under ~1e-10.
    for (const l of logSpace(Math.max(p.srcMin, 1e-3) * 1.001, p.srcMax * 0.9, 400)) {
      expect(Math.abs(e.unmap(e.map(l)) / l - 1)).toBeLessThan(1e-9);
    }
    for (const l of logSpace(p.srcMax * 0.9, p.srcMax * 0.999, 50)) {
      expect(Math.abs(e.unmap(e.map(l)) / l - 1)).toBeLessThan(1e-5);
    }
    expect(e.unmap(e.peakOutNits)).toBe(p.srcMax);
    expect(e.unmap(1e6)).toBe(p.srcMax);
    expect(e.unmap(0)).toBe(p.srcMin);
  });

  it('is the identity (clipped) when the target is at least as bright as the source', () => {
    const e = new Bt2390Eetf({ srcMin: 0, srcMax: 100, dstMin: 0, dstMax: 200 });
    expect(e.kneeNits).toBe(100);
    for (const l of [0.01, 1, 50, 99.9]) expect(e.map(l)).toBeCloseTo(l, 9);
    expect(e.map(150)).toBeCloseTo(100, 9);
    expect(e.unmap(50)).toBeCloseTo(50, 9);
  });

  it('offers eetf / inverseEetf as plain functions', () => {
    expect(eetf(1000, SDR)).toBeCloseTo(100, 9);
    expect(eetf(5, SDR)).toBeCloseTo(5, 9);
    expect(inverseEetf(eetf(400, SDR), SDR)).toBeCloseTo(400, 6);
    expect(inverseEetf(100, SDR)).toBe(1000);
  });

  it('rejects ranges BT.2390 cannot map, naming the parameter', () => {
    expect(() => new Bt2390Eetf({ ...SDR, srcMax: 0 })).toThrow(RangeError);
    expect(() => new Bt2390Eetf({ ...SDR, srcMax: 0 })).toThrow(/srcMax \(0\) must be above params.srcMin \(0\)/);
    expect(() => new Bt2390Eetf({ ...SDR, dstMax: Number.NaN })).toThrow(/params.dstMax must be a cd\/m² value in \[0, 10000\], got NaN/);
    expect(() => new Bt2390Eetf({ ...SDR, srcMax: 10000, dstMax: 5 })).toThrow(/too far below source peak 10000.*knee start negative/);
    expect(() => new Bt2390Eetf({ srcMin: 0, srcMax: 1000, dstMin: 20, dstMax: 100 })).toThrow(/black lift non-monotone/);
    expect(() => new Bt2390Eetf({ ...SDR, topSlope: 0.4 })).toThrow(/params.topSlope must be a number in \[0, 0.3\], got 0.4/);
    expect(() => new Bt2390Eetf({ ...SDR, topSlope: Number.NaN })).toThrow(/params.topSlope .* got NaN/);
  });
});

describe('EetfLut (tabulated)', () => {
  it.each(CASES)('agrees with the exact curve both ways for %j', (p) => {
    const exact = new Bt2390Eetf(p);
    const lut = new EetfLut(exact);
    let mapErr = 0;
    for (const l of logSpace(Math.max(p.srcMin, 1e-3), p.srcMax * 1.1, 20000)) {
      mapErr = Math.max(mapErr, Math.abs(lut.map(l) / exact.map(l) - 1));
    }
    let unmapErr = 0;
    for (const y of logSpace(Math.max(exact.blackOutNits, 1e-3) * 1.01, exact.peakOutNits * 1.001, 20000)) {
      unmapErr = Math.max(unmapErr, Math.abs(lut.unmap(y) / exact.unmap(y) - 1));
    }
    // Measured: map ≤ 4e-6 (1.6e-4 with a black lift, at the kink where E clamps at srcMin),
    // unmap ≤ 2.5e-4 (near the knee, where the top table's knots are sparse in relative terms).
    expect(mapErr).toBeLessThan(exact.blackLift > 0 ? 5e-4 : 1e-5);
    expect(unmapErr).toBeLessThan(5e-4);
    // It really interpolates (a table lookup that returned the exact value would be suspect).
    expect(mapErr).toBeGreaterThan(0);
    expect(unmapErr).toBeGreaterThan(0);
  });

  it('gives the same 8-bit SDR and 10-bit PQ codes as the exact curve except at rare ties', () => {
    const exact = new Bt2390Eetf(SDR);
    const lut = new EetfLut(exact);
    const sdrCode = (l: number): number => Math.floor(16.5 + 219 * (l / SDR.dstMax) ** (1 / 2.4));
    const pqCode = (l: number): number => Math.floor(64.5 + 876 * pqEncode(l));
    let mapDiff = 0;
    let mapMax = 0;
    const xs = logSpace(1e-3, 1000, 100000);
    for (const l of xs) {
      const d = Math.abs(sdrCode(lut.map(l)) - sdrCode(exact.map(l)));
      if (d > 0) mapDiff++;
      mapMax = Math.max(mapMax, d);
    }
    let unmapDiff = 0;
    let unmapMax = 0;
    const ys = logSpace(1e-3, 100, 100000);
    for (const y of ys) {
      const d = Math.abs(pqCode(lut.unmap(y)) - pqCode(exact.unmap(y)));
      if (d > 0) unmapDiff++;
      unmapMax = Math.max(unmapMax, d);
    }
    expect(mapMax).toBeLessThanOrEqual(1);
    expect(unmapMax).toBeLessThanOrEqual(1);
    expect(mapDiff / xs.length).toBeLessThan(1e-4);
    expect(unmapDiff / ys.length).toBeLessThan(1e-3);
  });

  it('returns srcMax at and above the output peak, and the identity below the knee', () => {
    const lut = new EetfLut(SDR);
    expect(lut.unmap(100)).toBe(1000);
    expect(lut.unmap(lut.peakOutNits - 1e-13)).toBe(1000);
    // Just below the peak the inverse is a cube root of the distance: steep but tabulated.
    expect(lut.unmap(99.999)).toBeCloseTo(lut.exact.unmap(99.999), 1);
    expect(lut.map(1000)).toBe(lut.peakOutNits);
    expect(lut.map(5)).toBe(5);
    expect(lut.unmap(5)).toBe(5);
    expect(lut.identityBelowKnee).toBe(true);
    expect(new EetfLut(CASES[4]!).identityBelowKnee).toBe(false);
  });
});
