import { describe, expect, it } from 'vitest';
import { PQ_MAX_NITS, pqDecode, pqDecodePlane, pqEncode, pqEncodePlane } from '../../src/color/index.js';
import { logSpace, maxRelError, seededRandom } from './helpers.js';

describe('pqEncode', () => {
  it('matches published ST 2084 values', () => {
    expect(pqEncode(100)).toBeCloseTo(0.508078, 6);
    expect(pqEncode(1000)).toBeCloseTo(0.751827, 6);
    expect(pqEncode(10000)).toBe(1);
    expect(pqEncode(0)).toBe(0);
  });

  it('clamps negatives and NaN to 0 and peaks at 10000 cd/m²', () => {
    expect(pqEncode(-5)).toBe(0);
    expect(pqEncode(Number.NaN)).toBe(0);
    expect(pqEncode(20000)).toBe(1);
  });

  it('is strictly increasing over 0.001…10000 cd/m²', () => {
    const xs = logSpace(0.001, PQ_MAX_NITS, 200).map(pqEncode);
    for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThan(xs[i - 1]!);
  });
});

describe('pqDecode', () => {
  it('inverts published values', () => {
    expect(pqDecode(1)).toBe(10000);
    expect(pqDecode(0)).toBe(0);
    expect(pqDecode(0.751827)).toBeCloseTo(1000, 2);
    expect(pqDecode(0.508078)).toBeCloseTo(100, 3);
  });

  it('round-trips pqEncode over 0.001…10000 cd/m² (float64, relative 1e-9)', () => {
    const nits = logSpace(0.001, 10000, 500);
    expect(maxRelError(nits.map((x) => pqDecode(pqEncode(x))), nits)).toBeLessThan(1e-9);
  });

  it('clamps signals outside [0, 1]', () => {
    expect(pqDecode(-0.2)).toBe(0);
    expect(pqDecode(1.5)).toBe(10000);
  });
});

describe('PQ planes', () => {
  const nits = Float32Array.from(logSpace(0.001, 10000, 4001));

  it('pqEncodePlane matches the scalar and round-trips in Float32 within 1e-4 relative', () => {
    const signal = pqEncodePlane(nits, new Float32Array(nits.length));
    for (let i = 0; i < nits.length; i += 97) expect(signal[i]!).toBeCloseTo(pqEncode(nits[i]!), 6);
    const back = pqDecodePlane(signal, new Float32Array(nits.length));
    expect(maxRelError(back, nits)).toBeLessThan(1e-4);
  });

  it('stays within 1e-6 relative of the scalar everywhere, table edges and fallbacks included', () => {
    const rnd = seededRandom(2, Math.log(1e-9), Math.log(12000));
    const edges = [0, -1, Number.NaN, 2 ** -24, 2 ** -24 * 0.999, 2 ** 14, 9999.99, 10000, 1e6];
    const x = Float32Array.from([...edges, ...Array.from({ length: 50000 }, () => Math.exp(rnd()))]);
    const enc = pqEncodePlane(x, new Float32Array(x.length));
    const want = Array.from(x, pqEncode);
    expect(maxRelError(enc, want, 1e-9)).toBeLessThan(1e-6);
    expect(Array.from(enc.subarray(0, 3))).toEqual([0, 0, 0]);
    const dec = pqDecodePlane(enc, new Float32Array(x.length));
    expect(maxRelError(dec, Array.from(enc, pqDecode), 1e-6)).toBeLessThan(1e-6);
  });

  it('works in place and returns dst', () => {
    const buf = nits.slice();
    expect(pqEncodePlane(buf, buf)).toBe(buf);
    expect(buf[buf.length - 1]).toBe(1);
    expect(pqDecodePlane(buf, buf)).toBe(buf);
    expect(maxRelError(buf, nits)).toBeLessThan(1e-4);
  });

  it('rejects a dst of the wrong length', () => {
    expect(() => pqEncodePlane(nits, new Float32Array(3))).toThrow(
      new RangeError('pqEncodePlane: dst has 3 samples, expected 4001 (same as the first input plane)'),
    );
  });
});
