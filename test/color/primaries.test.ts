import { describe, expect, it } from 'vitest';
import {
  BT2020_TO_BT709, BT2020_TO_XYZ, BT709_TO_BT2020, BT709_TO_XYZ, XYZ_TO_BT709, applyMatrix3,
  applyMatrix3Scalar, invertMat3, multiplyMat3, primariesMatrix,
} from '../../src/color/index.js';
import type { Mat3 } from '../../src/color/index.js';
import { seededRandom } from './helpers.js';

function expectMatrixClose(got: Mat3, want: readonly number[], digits: number): void {
  got.forEach((v, i) => expect(v, `element ${i}`).toBeCloseTo(want[i]!, digits));
}

const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0, 1];

describe('BT.709 ↔ BT.2020 matrices', () => {
  it('match the BT.2087 published values to 4 decimals', () => {
    expectMatrixClose(BT709_TO_BT2020, [0.6274, 0.3293, 0.0433, 0.0691, 0.9195, 0.0114, 0.0164, 0.088, 0.8956], 4);
    expectMatrixClose(BT2020_TO_BT709, [1.6605, -0.5876, -0.0728, -0.1246, 1.1329, -0.0083, -0.0182, -0.1006, 1.1187], 4);
  });

  it('are exact inverses of each other', () => {
    expectMatrixClose(multiplyMat3(BT709_TO_BT2020, BT2020_TO_BT709), IDENTITY, 14);
    expectMatrixClose(multiplyMat3(BT2020_TO_BT709, BT709_TO_BT2020), IDENTITY, 14);
  });

  it('map white to white (rows sum to 1)', () => {
    for (const m of [BT709_TO_BT2020, BT2020_TO_BT709]) {
      const [r, g, b] = applyMatrix3Scalar(m, 1, 1, 1);
      expect(r).toBeCloseTo(1, 14);
      expect(g).toBeCloseTo(1, 14);
      expect(b).toBeCloseTo(1, 14);
    }
  });

  it('primariesMatrix picks the right direction', () => {
    expect(primariesMatrix('bt709', 'bt2020')).toBe(BT709_TO_BT2020);
    expect(primariesMatrix('bt2020', 'bt709')).toBe(BT2020_TO_BT709);
    expectMatrixClose(primariesMatrix('bt2020', 'bt2020'), IDENTITY, 15);
  });
});

describe('RGB → XYZ', () => {
  it('has the published luminance rows and D65 white', () => {
    expectMatrixClose(BT709_TO_XYZ, [0.4124, 0.3576, 0.1805, 0.2126, 0.7152, 0.0722, 0.0193, 0.1192, 0.9505], 4);
    expect(BT2020_TO_XYZ.slice(3, 6).map((v) => Number(v.toFixed(4)))).toEqual([0.2627, 0.678, 0.0593]);
    const [x, y, z] = applyMatrix3Scalar(BT2020_TO_XYZ, 1, 1, 1);
    expect(x / (x + y + z)).toBeCloseTo(0.3127, 12);
    expect(y / (x + y + z)).toBeCloseTo(0.329, 12);
    expect(y).toBeCloseTo(1, 14);
  });

  it('invertMat3 inverts and refuses singular matrices', () => {
    expectMatrixClose(multiplyMat3(XYZ_TO_BT709, BT709_TO_XYZ), IDENTITY, 14);
    expectMatrixClose(invertMat3([2, 0, 0, 0, 4, 0, 0, 0, 0.5]), [0.5, 0, 0, 0, 0.25, 0, 0, 0, 2], 15);
    expect(() => invertMat3([1, 2, 3, 2, 4, 6, 0, 0, 1])).toThrow(/singular/);
  });
});

describe('applyMatrix3', () => {
  const rnd = seededRandom(42, -0.2, 1.2);
  const n = 1000;
  const r = Float32Array.from({ length: n }, rnd);
  const g = Float32Array.from({ length: n }, rnd);
  const b = Float32Array.from({ length: n }, rnd);

  it('matches the scalar product', () => {
    const out = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
    applyMatrix3(BT709_TO_BT2020, r, g, b, out[0], out[1], out[2]);
    for (let i = 0; i < n; i += 37) {
      const want = applyMatrix3Scalar(BT709_TO_BT2020, r[i]!, g[i]!, b[i]!);
      for (let c = 0; c < 3; c++) expect(out[c]![i]!).toBeCloseTo(want[c]!, 6);
    }
  });

  it('gives the same answer in place (reads all inputs before writing)', () => {
    const out = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
    applyMatrix3(BT2020_TO_BT709, r, g, b, out[0], out[1], out[2]);
    const ip = [r.slice(), g.slice(), b.slice()] as const;
    const ret = applyMatrix3(BT2020_TO_BT709, ip[0], ip[1], ip[2], ip[0], ip[1], ip[2]);
    expect(ret[0]).toBe(ip[0]);
    for (let c = 0; c < 3; c++) expect(ip[c]).toEqual(out[c]);
  });

  it('rejects mismatched planes, naming the offender', () => {
    expect(() => applyMatrix3(BT709_TO_BT2020, r, g, b, r, g, new Float32Array(5))).toThrow(/outB has 5 samples, expected 1000/);
  });
});
