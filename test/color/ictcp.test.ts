import { describe, expect, it } from 'vitest';
import { ictcpToRgb2020, ictcpToRgb2020Planes, pqEncode, rgb2020ToIctcp, rgb2020ToIctcpPlanes } from '../../src/color/index.js';
import { maxRelError, seededRandom } from './helpers.js';

describe('rgb2020ToIctcp', () => {
  it('maps 100 cd/m² white to I = PQ(100), Ct = Cp = 0', () => {
    const [i, ct, cp] = rgb2020ToIctcp(100, 100, 100);
    expect(i).toBeCloseTo(0.508078, 6);
    expect(Math.abs(ct)).toBeLessThan(1e-6);
    expect(Math.abs(cp)).toBeLessThan(1e-6);
  });

  it('tracks PQ for every grey level', () => {
    for (const y of [0.01, 1, 203, 1000, 4000]) expect(rgb2020ToIctcp(y, y, y)[0]).toBeCloseTo(pqEncode(y), 12);
  });

  it('has the expected opponent axes: Ct > 0 toward blue, Cp > 0 toward red, < 0 toward green', () => {
    expect(rgb2020ToIctcp(0, 0, 100)[1]).toBeGreaterThan(0.05);
    expect(rgb2020ToIctcp(100, 0, 0)[2]).toBeGreaterThan(0.05);
    expect(rgb2020ToIctcp(0, 100, 0)[2]).toBeLessThan(-0.05);
  });

  it('inverts', () => {
    const back = ictcpToRgb2020(...rgb2020ToIctcp(300, 40, 5));
    expect(maxRelError(back, [300, 40, 5])).toBeLessThan(1e-9);
  });
});

describe('rgb2020ToIctcpPlanes', () => {
  it('matches the scalar and round-trips in place', () => {
    const rnd = seededRandom(9, 0.1, 2000);
    const n = 3000;
    const src = [0, 1, 2].map(() => Float32Array.from({ length: n }, rnd)) as [Float32Array, Float32Array, Float32Array];
    const p = src.map((a) => a.slice()) as [Float32Array, Float32Array, Float32Array];
    rgb2020ToIctcpPlanes(p[0], p[1], p[2], p[0], p[1], p[2]);
    for (let k = 0; k < n; k += 101) {
      const want = rgb2020ToIctcp(src[0][k]!, src[1][k]!, src[2][k]!);
      for (let c = 0; c < 3; c++) expect(p[c]![k]!).toBeCloseTo(want[c]!, 6);
    }
    ictcpToRgb2020Planes(p[0], p[1], p[2], p[0], p[1], p[2]);
    for (let c = 0; c < 3; c++) expect(maxRelError(p[c]!, src[c]!)).toBeLessThan(1e-3);
  });
});
