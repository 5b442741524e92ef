import { describe, expect, it } from 'vitest';
import { FlickerMeter, flicker, planeMean } from '../../src/eval/index.js';

const ref = [100, 120, 90, 140, 130, 135, 60, 61];

describe('temporal flicker', () => {
  it('is 0 for identical series', () => {
    expect(flicker(ref, ref)).toBe(0);
  });

  it('alternating ±k offsets give 2k', () => {
    const k = 3;
    expect(flicker(ref, ref.map((m, t) => m + (t % 2 ? -k : k)))).toBeCloseTo(2 * k, 12);
  });

  it('a constant offset gives 0; a steady drift d per frame gives d', () => {
    expect(flicker(ref, ref.map((m) => m + 25))).toBeCloseTo(0, 12);
    expect(flicker(ref, ref.map((m, t) => m + 0.5 * t))).toBeCloseTo(0.5, 12);
  });

  it('one frame has no change to differ', () => {
    expect(flicker([5], [9])).toBe(0);
    expect(new FlickerMeter().value).toBe(0);
  });

  it('streams: the meter equals the batch function', () => {
    const test = ref.map((m, t) => m * (1 + 0.01 * Math.sin(t)));
    const meter = new FlickerMeter();
    ref.forEach((m, t) => meter.push(m, test[t]!));
    expect(meter.frames).toBe(ref.length);
    expect(meter.value).toBe(flicker(ref, test));
    expect(meter.value).toBeGreaterThan(0);
  });

  it('rejects series of different lengths and non-finite means', () => {
    expect(() => flicker([1, 2], [1])).toThrow(/2 reference vs 1 test/);
    expect(() => new FlickerMeter().push(Number.NaN, 1)).toThrow(RangeError);
  });

  it('planeMean averages a plane', () => {
    expect(planeMean(new Float32Array([1, 2, 3, 6]))).toBe(3);
  });
});
