import { describe, expect, it } from 'vitest';
import { pqEncode } from '../../src/color/index.js';
import { deltaEItp, deltaEItpPixel } from '../../src/eval/index.js';

const uniform = (n: number, r: number, g: number, b: number) => ({
  r: new Float32Array(n).fill(r), g: new Float32Array(n).fill(g), b: new Float32Array(n).fill(b),
});

describe('ΔE_ITP (ITU-R BT.2124)', () => {
  it('is 0 for identical images', () => {
    const img = uniform(16, 200, 20, 10);
    img.g[3] = 500;
    expect(deltaEItp(img, img)).toBe(0);
  });

  it('for greys is 720·|ΔPQ|: 100 vs 110 cd/m² gives 6.91', () => {
    // Greys have Ct = Cp = 0 and I = PQ(L). By hand: PQ rises ~0.104 per unit of ln L near
    // 100 cd/m² (PQ(200) − PQ(100) ≈ 0.072 per ln 2), ln 1.1 = 0.0953, so ΔI ≈ 0.0099 → ΔE ≈ 7.1.
    const expected = 720 * (pqEncode(110) - pqEncode(100));
    expect(expected).toBeGreaterThan(6.5);
    expect(expected).toBeLessThan(7.5);
    expect(deltaEItp(uniform(9, 100, 100, 100), uniform(9, 110, 110, 110))).toBeCloseTo(expected, 4);
    expect(deltaEItpPixel([100, 100, 100], [110, 110, 110])).toBeCloseTo(6.909212725063183, 6);
  });

  it('matches an independent BT.2100 ICtCp computation for chromatic pairs', () => {
    // test/eval/reference/metrics_reference.py: delta_e_red_vs_orange, delta_e_saturated_vs_desaturated.
    expect(deltaEItp(uniform(9, 200, 20, 10), uniform(9, 200, 60, 10))).toBeCloseTo(84.52572736445264, 3);
    expect(deltaEItpPixel([20, 300, 40], [100, 260, 90])).toBeCloseTo(58.288929380010025, 6);
  });

  it('averages over pixels', () => {
    const ref = uniform(2, 100, 100, 100);
    const test = uniform(2, 100, 100, 100);
    test.r[1] = 110;
    test.g[1] = 110;
    test.b[1] = 110;
    expect(deltaEItp(ref, test)).toBeCloseTo(6.909212725063183 / 2, 4);
  });

  it('rejects planes of different sizes', () => {
    expect(() => deltaEItp(uniform(4, 1, 1, 1), uniform(5, 1, 1, 1))).toThrow(RangeError);
  });
});
