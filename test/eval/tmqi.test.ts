import { describe, expect, it } from 'vitest';
import { statisticalNaturalness, tmqi, tmqiCsf, TmqiMeter } from '../../src/eval/index.js';
import { SYN_H, SYN_W, synthHdr, synthSdr } from './synthetic.js';

const hdr = synthHdr();

describe('TMQI (Yeganeh & Wang 2013)', () => {
  it('matches a direct transcription of the authors\' MATLAB release', () => {
    // test/eval/reference/metrics_reference.py: tmqi_own_blocks (2-D filtering on the HDR
    // rescaled to [0, 2^32 − 1] as the release does; partial edge blocks as src/eval).
    const r = tmqi(hdr, synthSdr(hdr), SYN_W, SYN_H);
    expect(r.q).toBeCloseTo(0.7466739481154533, 6);
    expect(r.s).toBeCloseTo(0.764440171388782, 6);
    expect(r.n).toBeCloseTo(0.011549921858566608, 8);
    const expected = [0.8993490095976494, 0.8360208237704141, 0.7456105462233605, 0.7429354082271247, 0.6649263577608912];
    r.sLocal.forEach((s, i) => expect(s).toBeCloseTo(expected[i]!, 6));
  });

  it('Q stays in [0, 1] and a tone curve beats clipping and flat grey', () => {
    const good = tmqi(hdr, synthSdr(hdr), SYN_W, SYN_H);
    // Clipped: linear exposure with 100 cd/m² at white, everything brighter burnt out.
    const clipped = tmqi(hdr, hdr.map((l) => Math.round(255 * Math.min(1, l / 100) ** (1 / 2.2))), SYN_W, SYN_H);
    const flat = tmqi(hdr, new Float32Array(hdr.length).fill(128), SYN_W, SYN_H);
    for (const r of [good, clipped, flat]) {
      for (const v of [r.q, r.s, r.n]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
    expect(good.q).toBeGreaterThan(clipped.q + 0.02);
    expect(good.s).toBeGreaterThan(clipped.s);
    expect(good.q).toBeGreaterThan(flat.q + 0.3);
    expect(flat.n).toBe(0); // no contrast at all: the Beta model gives 0
  });

  it('S ≈ 1 when the SDR is a linear-scaled copy of a low-dynamic-range "HDR" image', () => {
    const ldrHdr = new Float32Array(SYN_W * SYN_H);
    for (let y = 0; y < SYN_H; y++) {
      for (let x = 0; x < SYN_W; x++) {
        const base = 0.5 + 0.5 * Math.sin(x / 9) * Math.cos(y / 7);
        ldrHdr[y * SYN_W + x] = 10 + 150 * base + 20 * (((x * 37 + y * 91) % 17) / 17);
      }
    }
    const r = tmqi(ldrHdr, ldrHdr.map((v) => Math.round(1.2 * v)), SYN_W, SYN_H);
    expect(r.s).toBeGreaterThan(0.98);
    // An inverted copy has the same contrast but opposite structure: S collapses.
    expect(tmqi(ldrHdr, ldrHdr.map((v) => 255 - Math.round(1.2 * v)), SYN_W, SYN_H).s).toBeLessThan(0.1);
  });

  it('N peaks at the natural-image mean 115.94 and block deviation 0.272·64.29 = 17.49', () => {
    // 176x176 = 16x16 whole 11x11 blocks; a ±d checkerboard around m gives every block σ ≈ d.
    const size = 176;
    const img = (m: number, d: number) => {
      const out = new Float32Array(size * size);
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) out[y * size + x] = m + ((x + y) % 2 ? d : -d);
      return out;
    };
    const d = 17.49 * Math.sqrt(120 / 121); // sample std of 121 values ±d is d·√(121/120)
    const peak = statisticalNaturalness(img(115.94, d), size, size);
    expect(peak).toBeGreaterThan(0.999);
    expect(statisticalNaturalness(img(115.94 + 27.99, d), size, size)).toBeCloseTo(peak * Math.exp(-0.5), 2);
    expect(statisticalNaturalness(img(115.94, d / 2), size, size)).toBeLessThan(0.6);
    expect(statisticalNaturalness(img(115.94, d * 2), size, size)).toBeLessThan(0.6);
  });

  it('uses the Mannos–Sakrison CSF thresholds of the release', () => {
    // 100·2.6·(0.0192 + 0.114·16)·exp(−(1.824)^1.1) by hand: 260 · 1.8432 · 0.1442 ≈ 69.1.
    expect(tmqiCsf(16)).toBeCloseTo(69.1, 0);
    expect(tmqiCsf(1)).toBeCloseTo(31.6, 0);
  });

  it('reuses one meter across frames with identical results', () => {
    const meter = new TmqiMeter(SYN_W, SYN_H);
    const sdr = synthSdr(hdr);
    const a = meter.measure(hdr, sdr);
    meter.measure(hdr, new Float32Array(hdr.length).fill(7));
    expect(meter.measure(hdr, sdr)).toEqual(a);
  });

  it('refuses images too small for five scales', () => {
    expect(() => tmqi(new Float32Array(160 * 200), new Float32Array(160 * 200), 160, 200)).toThrow(/at least 161 pixels per side/);
  });
});
