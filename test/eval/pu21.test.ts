import { describe, expect, it } from 'vitest';
import { PU21_PEAK, pu21Encode, pu21EncodePlane, pu21Psnr, pu21Ssim } from '../../src/eval/index.js';
import { SYN_H, SYN_W, synthHdr, synthHdrDistorted } from './synthetic.js';

describe('PU21 encoding (Mantiuk & Azimi 2021, banding_glare)', () => {
  it('matches the published curve at 100 and 1000 cd/m²', () => {
    // Values of pu21_encoder.m ('banding_glare') at these luminances, to 2 decimals.
    expect(pu21Encode(100).toFixed(2)).toBe('256.38');
    expect(pu21Encode(1000).toFixed(2)).toBe('420.10');
  });

  it('clamps luminance to [0.005, 10000] and never goes negative', () => {
    expect(pu21Encode(0)).toBe(pu21Encode(0.005));
    expect(pu21Encode(-5)).toBe(pu21Encode(0.005));
    expect(pu21Encode(Number.NaN)).toBe(pu21Encode(0.005));
    expect(pu21Encode(50000)).toBe(pu21Encode(10000));
    expect(pu21Encode(0.005)).toBeGreaterThanOrEqual(0);
    expect(pu21Encode(0.005)).toBeLessThan(1e-6);
    expect(pu21Encode(10000)).toBeCloseTo(595.39, 2);
  });

  it('the plane (table) form agrees with the scalar curve across the range', () => {
    const n = 4000;
    const src = new Float32Array(n);
    for (let i = 0; i < n; i++) src[i] = 10 ** (-3.5 + (8.5 * i) / (n - 1)); // 0.0003 … 100000
    const dst = pu21EncodePlane(src, new Float32Array(n));
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(dst[i]! - pu21Encode(src[i]!)));
    expect(worst).toBeLessThan(1e-4);
  });

  it('PU21-PSNR is infinite for identical images and matches a hand value for uniform ones', () => {
    const a = new Float32Array(400).fill(100);
    const b = new Float32Array(400).fill(1000);
    expect(pu21Psnr(a, a)).toBe(Infinity);
    // Every pixel differs by PU21(1000) − PU21(100) = 163.71, peak 256: 20·log10(256/163.71) = 3.88 dB.
    expect(pu21Psnr(a, b)).toBeCloseTo(20 * Math.log10(PU21_PEAK / (pu21Encode(1000) - pu21Encode(100))), 4);
    expect(pu21Psnr(a, b)).toBeCloseTo(3.88, 2);
  });

  it('PU21-SSIM is 1 for identical images and matches the 2-D reference for a distortion', () => {
    const hdr = synthHdr();
    expect(pu21Ssim(hdr, hdr, SYN_W, SYN_H)).toBeCloseTo(1, 12);
    // test/eval/reference/metrics_reference.py: ssim_pu21 (2-D filtering, float64).
    expect(pu21Ssim(hdr, synthHdrDistorted(hdr), SYN_W, SYN_H)).toBeCloseTo(0.9975137611458011, 8);
  });

  it('rejects planes of different sizes', () => {
    expect(() => pu21Psnr(new Float32Array(4), new Float32Array(5))).toThrow(RangeError);
    expect(() => pu21Ssim(new Float32Array(400), new Float32Array(400), 20, 21)).toThrow(/20x21/);
  });
});
