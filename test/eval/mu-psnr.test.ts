import { describe, expect, it } from 'vitest';
import { muLaw, muNorm, muPsnr, muTonemapNormalised, muTonemapPlane, percentile } from '../../src/eval/index.js';
import { synthHdr, synthHdrDistorted } from './synthetic.js';

describe('µ-PSNR (NTIRE HDR challenge)', () => {
  it('µ-law with µ = 5000 matches hand values', () => {
    expect(muLaw(0)).toBe(0);
    expect(muLaw(1)).toBeCloseTo(1, 14);
    // ln(2501) / ln(5001) = 7.82445 / 8.51739
    expect(muLaw(0.5)).toBeCloseTo(0.918644, 5);
  });

  it('percentile interpolates linearly like numpy.percentile', () => {
    expect(percentile([new Float32Array([4, 1, 3, 2])], 50)).toBe(2.5);
    const ramp = new Float32Array(101).map((_, i) => 100 - i);
    expect(percentile([ramp], 99)).toBeCloseTo(99, 9);
    expect(percentile([ramp], 0)).toBe(0);
    expect(percentile([ramp], 100)).toBe(100);
    // Over several planes together; 1000 values 0…999 → position 0.99·999 = 989.01.
    const a = new Float32Array(500).map((_, i) => 2 * i);
    const b = new Float32Array(500).map((_, i) => 2 * i + 1);
    expect(percentile([a, b], 99)).toBeCloseTo(989.01, 3);
    expect(percentile([new Float32Array(7).fill(3)], 99)).toBe(3);
  });

  it('a uniform test at twice a uniform reference gives the hand-computed 31.16 dB', () => {
    // norm = 99th percentile = v; T(tanh(1)) = ln(1 + 5000·0.761594)/ln 5001 = 0.968035,
    // T(tanh(2)) = ln(1 + 5000·0.964028)/ln 5001 = 0.995696 → difference 0.027661 → 31.16 dB.
    const ref = new Float32Array(100).fill(250);
    const test = new Float32Array(100).fill(500);
    const d = muLaw(Math.tanh(2)) - muLaw(Math.tanh(1));
    expect(muPsnr([ref], [test])).toBeCloseTo(-20 * Math.log10(d), 4);
    expect(muPsnr([ref], [test])).toBeCloseTo(31.16, 2);
    expect(muPsnr([ref, ref, ref], [ref, ref, ref])).toBe(Infinity);
  });

  it('matches the challenge code (numpy) on a synthetic image pair', () => {
    const hdr = synthHdr();
    // test/eval/reference/metrics_reference.py: mu_psnr.
    expect(muPsnr([hdr], [synthHdrDistorted(hdr)])).toBeCloseTo(42.065000381232316, 4);
  });

  it('the tabled plane form agrees with the exact curve', () => {
    const src = new Float32Array(3000).map((_, i) => 10 ** (-6 + (10 * i) / 2999));
    const dst = muTonemapPlane(src, new Float32Array(src.length), 37);
    let worst = 0;
    for (let i = 0; i < src.length; i++) worst = Math.max(worst, Math.abs(dst[i]! - muTonemapNormalised(src[i]! / 37)));
    expect(worst).toBeLessThan(2e-6);
    expect(muTonemapPlane(new Float32Array([-1, 0]), new Float32Array(2), 1)).toEqual(new Float32Array([0, 0]));
  });

  it('a black reference still normalises (max, then 1)', () => {
    const mostlyBlack = new Float32Array(1000);
    mostlyBlack[0] = 40;
    expect(muNorm([mostlyBlack])).toBe(40);
    expect(muNorm([new Float32Array(10)])).toBe(1);
  });
});
