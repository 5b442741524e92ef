import { describe, expect, it } from 'vitest';
import { gaussianTaps, ssim, WindowedMoments } from '../../src/eval/index.js';
import { SYN_H, SYN_W, synthHdr, synthSdr, synthSdrNoisy } from './synthetic.js';

describe('SSIM (Wang et al. 2004)', () => {
  it('is 1 for identical images', () => {
    const sdr = synthSdr(synthHdr());
    expect(ssim(sdr, sdr, SYN_W, SYN_H)).toBeCloseTo(1, 12);
  });

  it('matches a direct 2-D implementation of ssim_index.m', () => {
    const sdr = synthSdr(synthHdr());
    // test/eval/reference/metrics_reference.py: ssim_sdr_255.
    expect(ssim(sdr, synthSdrNoisy(sdr), SYN_W, SYN_H, { dynamicRange: 255 })).toBeCloseTo(0.9500696237506662, 10);
  });

  it('separable windowed moments equal brute-force 2-D sums', () => {
    const w = 23;
    const h = 17;
    const a = new Float32Array(w * h).map((_, i) => ((i * 7919) % 101) / 3);
    const b = new Float32Array(w * h).map((_, i) => ((i * 104729) % 97) / 2);
    const m = new WindowedMoments(w, h).compute(a, b);
    const g = gaussianTaps(11, 1.5);
    let worst = 0;
    for (let y = 0; y < m.outHeight; y++) {
      for (let x = 0; x < m.outWidth; x++) {
        let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        for (let j = 0; j < 11; j++) {
          for (let i = 0; i < 11; i++) {
            const k = g[j]! * g[i]!;
            const va = a[(y + j) * w + x + i]!;
            const vb = b[(y + j) * w + x + i]!;
            sa += k * va; sb += k * vb; saa += k * va * va; sbb += k * vb * vb; sab += k * va * vb;
          }
        }
        const o = y * m.outWidth + x;
        worst = Math.max(worst, Math.abs(m.muA[o]! - sa), Math.abs(m.muB[o]! - sb), Math.abs(m.varA[o]! - (saa - sa * sa)),
          Math.abs(m.varB[o]! - (sbb - sb * sb)), Math.abs(m.cov[o]! - (sab - sa * sb)));
      }
    }
    expect(m.outWidth).toBe(13);
    expect(m.outHeight).toBe(7);
    expect(worst).toBeLessThan(1e-9);
  });

  it('taps are the normalised Gaussian of fspecial', () => {
    const g = gaussianTaps(11, 1.5);
    expect(g.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    expect(g[5]! / g[4]!).toBeCloseTo(Math.exp(1 / 4.5), 12);
  });

  it('refuses images smaller than the window', () => {
    expect(() => ssim(new Float32Array(100), new Float32Array(100), 10, 10)).toThrow(/at least the 11x11 window/);
  });
});
