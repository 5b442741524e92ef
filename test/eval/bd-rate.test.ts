import { describe, expect, it } from 'vitest';
import { bdPsnr, bdRate, type RdPoint } from '../../src/eval/index.js';

const anchor: RdPoint[] = [
  { rate: 9487.76, quality: 40.037 },
  { rate: 4593.6, quality: 38.615 },
  { rate: 2486.44, quality: 36.845 },
  { rate: 1358.24, quality: 34.851 },
];
const scaled = (k: number) => anchor.map((p) => ({ ...p, rate: p.rate * k }));

describe('Bjøntegaard delta (VCEG-M33)', () => {
  it('identical curves give 0', () => {
    expect(bdRate(anchor, anchor)).toBeCloseTo(0, 10);
    expect(bdPsnr(anchor, anchor)).toBeCloseTo(0, 10);
  });

  it('every rate × 1.1 at the same quality is +10.0 %, × 0.5 is −50 %', () => {
    expect(bdRate(anchor, scaled(1.1))).toBeCloseTo(10, 8);
    expect(bdRate(anchor, scaled(0.5))).toBeCloseTo(-50, 8);
  });

  it('every quality + 1 dB at the same rates is BD-PSNR +1 dB', () => {
    expect(bdPsnr(anchor, anchor.map((p) => ({ ...p, quality: p.quality + 1 })))).toBeCloseTo(1, 8);
  });

  it('matches numpy.polyfit on the x265 ladder of the FAU-LMS bjontegaard README', () => {
    const test: RdPoint[] = [
      { rate: 9787.8, quality: 40.121 },
      { rate: 4469.0, quality: 38.651 },
      { rate: 2451.52, quality: 36.97 },
      { rate: 1356.24, quality: 34.987 },
    ];
    // test/eval/reference/metrics_reference.py: bd_fau (cubic fit; the README's own numbers use
    // Akima/PCHIP interpolation and so differ slightly).
    expect(bdRate(anchor, test)).toBeCloseTo(-4.4204627060956625, 6);
    expect(bdPsnr(anchor, test)).toBeCloseTo(0.12040941911496554, 8);
  });

  it('takes more than four points and any order', () => {
    const five = [...anchor, { rate: 800, quality: 33 }].reverse();
    expect(bdRate(five, five.map((p) => ({ ...p, rate: p.rate * 1.25 })))).toBeCloseTo(25, 8);
  });

  it('non-overlapping curves are a RangeError, never NaN', () => {
    const far = anchor.map((p) => ({ ...p, quality: p.quality + 20 }));
    expect(() => bdRate(anchor, far)).toThrow(/do not overlap in quality/);
    expect(() => bdPsnr(anchor, scaled(100))).toThrow(/do not overlap in log10\(rate\)/);
  });

  it('rejects too few points, bad rates and lossless points', () => {
    expect(() => bdRate(anchor.slice(0, 3), anchor)).toThrow(/at least 4 points/);
    expect(() => bdRate(anchor, [...anchor.slice(0, 3), { rate: 0, quality: 30 }])).toThrow(/test\[3\]\.rate must be positive/);
    expect(() => bdRate(anchor, [...anchor.slice(0, 3), { rate: 10, quality: Infinity }])).toThrow(/lossless/);
    expect(() => bdRate(anchor, anchor.map((p) => ({ ...p, quality: 30 })))).toThrow(/no spread/);
  });
});
