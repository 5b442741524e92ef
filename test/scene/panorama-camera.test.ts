import { describe, expect, it } from 'vitest';
import type { LinearImage } from '../../src/io/index.js';
import { LightLevelMeter, easeInOut, exposureScale, panPose, renderView } from '../../src/scene/index.js';

/** A panorama whose red channel encodes longitude (0..1 across) and green encodes latitude. */
function gradientPanorama(w = 720, h = 360): LinearImage {
  const r = new Float32Array(w * h);
  const g = new Float32Array(w * h);
  const b = new Float32Array(w * h).fill(1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      r[y * w + x] = (x + 0.5) / w;
      g[y * w + x] = (y + 0.5) / h;
    }
  }
  return { width: w, height: h, r, g, b };
}

function centre(img: LinearImage, pose: { yaw: number; pitch: number; fov: number }): { lon: number; lat: number } {
  const w = 64;
  const h = 36;
  const out = { r: new Float32Array(w * h), g: new Float32Array(w * h), b: new Float32Array(w * h) };
  renderView(img, pose, w, h, out);
  // Average the four centre pixels: the optical axis falls between them.
  const idx = [17 * w + 31, 17 * w + 32, 18 * w + 31, 18 * w + 32];
  const avg = (p: Float32Array): number => idx.reduce((s, i) => s + p[i]!, 0) / 4;
  return { lon: (avg(out.r) - 0.5) * 360, lat: (0.5 - avg(out.g)) * 180 };
}

describe('renderView', () => {
  it('looks where the pose says: yaw is longitude, pitch is latitude', () => {
    const pano = gradientPanorama();
    for (const [yaw, pitch] of [[0, 0], [45, 0], [-90, 20], [120, -30]] as const) {
      const c = centre(pano, { yaw, pitch, fov: 60 });
      expect(c.lon).toBeCloseTo(yaw, 0);
      expect(c.lat).toBeCloseTo(pitch, 0);
    }
  });

  it('keeps up as up: the top row of the view has higher latitude than the bottom', () => {
    const pano = gradientPanorama();
    const w = 32;
    const out = { r: new Float32Array(w * w), g: new Float32Array(w * w), b: new Float32Array(w * w) };
    renderView(pano, { yaw: 0, pitch: 0, fov: 90 }, w, w, out);
    expect(out.g[16]!).toBeLessThan(out.g[(w - 1) * w + 16]!); // green grows downwards in the panorama
  });
});

describe('camera moves and exposure', () => {
  it('eases in and out and interpolates poses end to end', () => {
    expect([easeInOut(0), easeInOut(0.5), easeInOut(1)]).toEqual([0, 0.5, 1]);
    const a = { yaw: -10, pitch: 0, fov: 70 };
    const b = { yaw: 30, pitch: 10, fov: 60 };
    expect(panPose(a, b, 0, 5)).toEqual(a);
    expect(panPose(a, b, 4, 5)).toEqual(b);
    expect(panPose(a, b, 2, 5).yaw).toBeCloseTo(10, 10);
  });

  it('anchors the median luminance at the key and measures MaxCLL/MaxFALL per CTA-861.3', () => {
    const img = gradientPanorama(10, 10);
    img.b.fill(0);
    img.g.fill(0);
    img.r.fill(0.5);
    expect(exposureScale(img, 40) / (40 / (0.2126 * 0.5))).toBeCloseTo(1, 6); // Float32 luminance
    const meter = new LightLevelMeter();
    meter.add(new Float32Array([100, 0]), new Float32Array([0, 300]), new Float32Array([0, 0])); // frame average of max = 200
    meter.add(new Float32Array([900.2, 10]), new Float32Array([0, 10]), new Float32Array([0, 10])); // average 455.1
    expect(meter.result()).toEqual({ maxCll: 901, maxFall: 456 });
  });
});
