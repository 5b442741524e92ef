import { describe, expect, it } from 'vitest';
import { cameraCurve, createRng, sampleCameraParams, renderCamera, simulateCamera, type RgbImage } from '../../../src/train/data/index.js';
import { onByteGrid } from './helpers.js';

/** A horizontal ramp of linear light over 12 stops, grey, with some colour in the lower half. */
function ramp(width = 96, height = 48): RgbImage {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = 2 ** (-8 + (12 * x) / (width - 1));
      const o = 3 * (y * width + x);
      data[o] = v;
      data[o + 1] = y < height / 2 ? v : v * 0.5;
      data[o + 2] = y < height / 2 ? v : v * 0.25;
    }
  }
  return { width, height, data };
}

describe('simulateCamera', () => {
  it('outputs values on the k/255 grid, in [0, 1], deterministic for a seed', () => {
    const img = ramp();
    for (let seed = 0; seed < 10; seed++) {
      const a = simulateCamera(img, createRng(seed));
      const b = simulateCamera(img, createRng(seed));
      expect(a.width).toBe(96);
      expect(a.data.length).toBe(96 * 48 * 3);
      expect(onByteGrid(a.data)).toBe(true);
      expect(Buffer.compare(Buffer.from(a.data.buffer), Buffer.from(b.data.buffer))).toBe(0);
    }
  });

  it('clips highlights to 1 and keeps at most 256 levels', () => {
    const img = ramp();
    const out = simulateCamera(img, createRng(3), { noise: false, codecProbability: 0 });
    const levels = new Set(out.data);
    expect(levels.size).toBeLessThanOrEqual(256);
    // The top 2 stops of the ramp are above any key's clip point (key ≤ 0.36 of white, ramp median 2^-2).
    expect(out.data[3 * 95]).toBe(1);
    expect(out.data[0]).toBeLessThan(0.2);
  });

  it('is monotonic along the ramp without noise or codec', () => {
    const img = ramp();
    for (let seed = 0; seed < 20; seed++) {
      const out = simulateCamera(img, createRng(seed), { noise: false, codecProbability: 0 });
      for (let x = 1; x < 96; x++) expect(out.data[3 * x + 1]!).toBeGreaterThanOrEqual(out.data[3 * (x - 1) + 1]!);
    }
  });

  it('every sampled response curve maps 0 → 0, 1 → 1 and rises', () => {
    const rng = createRng(11);
    for (let i = 0; i < 50; i++) {
      const p = sampleCameraParams(rng);
      expect(cameraCurve(0, p)).toBe(0);
      expect(cameraCurve(1, p)).toBe(1);
      let prev = 0;
      for (let x = 0.001; x < 1; x += 0.01) {
        const y = cameraCurve(x, p);
        expect(y).toBeGreaterThan(prev);
        prev = y;
      }
    }
  });

  it('codec noise stays small: PSNR against the codec-free render above 30 dB at quality 85', () => {
    const img = ramp(128, 64);
    const p = { ...sampleCameraParams(createRng(5), { noise: false }), quality: null };
    const clean = renderCamera(img, p, createRng(1));
    const coded = renderCamera(img, { ...p, quality: 85 }, createRng(1));
    let se = 0;
    for (let i = 0; i < clean.data.length; i++) se += (clean.data[i]! - coded.data[i]!) ** 2;
    const psnr = 10 * Math.log10(1 / (se / clean.data.length));
    expect(psnr).toBeGreaterThan(30);
    expect(psnr).toBeLessThan(Infinity);
  });

  it('names the size mismatch', () => {
    expect(() => simulateCamera({ width: 4, height: 4, data: new Float32Array(5) }, createRng(1))).toThrow(/expected 48/);
  });
});

describe('the codec step', () => {
  it('is nearly transparent at quality 100 (DCT and its inverse agree)', () => {
    const w = 64, h = 40;
    const data = new Float32Array(w * h * 3);
    const rng = createRng(2);
    // Grey, so the 4:2:0 chroma step changes nothing and only the luma DCT is measured.
    for (let i = 0; i < data.length; i += 3) data[i] = data[i + 1] = data[i + 2] = 0.05 + 0.9 * rng();
    const p = { ...sampleCameraParams(createRng(5), { noise: false }), quality: null };
    const clean = renderCamera({ width: w, height: h, data }, p, createRng(1));
    const coded = renderCamera({ width: w, height: h, data }, { ...p, quality: 100 }, createRng(1));
    let maxDiff = 0;
    for (let i = 0; i < clean.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(clean.data[i]! - coded.data[i]!));
    // Coefficients rounded to integers (of 0–255 units): a couple of codes at most, even on noise.
    expect(maxDiff).toBeLessThanOrEqual(3 / 255 + 1e-6);
    expect(maxDiff).toBeGreaterThan(0);
  });
});
