import { describe, expect, it } from 'vitest';
import { createRng, gaussian } from '../../../src/train/data/index.js';

describe('createRng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = createRng(42), b = createRng(42), c = createRng(43);
    const sa = Array.from({ length: 100 }, () => a());
    const sb = Array.from({ length: 100 }, () => b());
    const sc = Array.from({ length: 100 }, () => c());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('stays in [0, 1) with a uniform mean, and its gaussians are standard', () => {
    const r = createRng(7);
    let sum = 0, min = 1, max = 0;
    for (let i = 0; i < 20000; i++) {
      const v = r();
      sum += v; min = Math.min(min, v); max = Math.max(max, v);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / 20000).toBeCloseTo(0.5, 1);
    let m = 0, s2 = 0;
    for (let i = 0; i < 20000; i++) {
      const g = gaussian(r);
      m += g; s2 += g * g;
    }
    expect(Math.abs(m / 20000)).toBeLessThan(0.03);
    expect(Math.sqrt(s2 / 20000)).toBeCloseTo(1, 1);
  });

  it('rejects a non-finite seed', () => {
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
  });
});
