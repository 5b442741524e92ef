import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/io/index.js';
import { toneModelIds } from '../../src/runtime/index.js';
import { METHODS, bdRates, methodById, resolveMethods, type MethodResult } from '../../src/roundtrip/index.js';

describe('round-trip methods are data', () => {
  it('the default list: HDR10 direct, ffmpeg hable and mobius, classical, the learned pair, its blind restore', () => {
    expect(METHODS.map((m) => m.id)).toEqual(['hdr10-direct', 'ffmpeg-hable', 'ffmpeg-mobius', 'classical', 'dual-v1', 'blind']);
    expect(METHODS.map((m) => m.kind)).toEqual(['hdr', 'sdr', 'sdr', 'sdr', 'sdr', 'sdr']);
    expect(METHODS.find((m) => m.id === 'blind')!.uses).toEqual(['dual-v1']);
  });

  it('any tone model id of src/runtime is a method, and blind:<id> its blind restore', () => {
    const id = toneModelIds()[0]!;
    expect(methodById(id)).toMatchObject({ id, kind: 'sdr' });
    expect(methodById(`blind:${id}`)).toMatchObject({ id: `blind:${id}`, uses: [id] });
  });

  it('a method that reuses another\'s stream pulls it in first', () => {
    expect(resolveMethods(['blind']).map((m) => m.id)).toEqual(['dual-v1', 'blind']);
    expect(resolveMethods(['dual-v1', 'blind', 'dual-v1']).map((m) => m.id)).toEqual(['dual-v1', 'blind']);
  });

  it('an unknown id is an OptionError listing the methods', () => {
    expect(() => methodById('nope')).toThrow(OptionError);
    expect(() => methodById('nope')).toThrow(/unknown method "nope"; methods: hdr10-direct, ffmpeg-hable/);
  });
});

describe('bdRates', () => {
  const method = (id: string, kind: 'hdr' | 'sdr', pts: [number, number][]): MethodResult => ({
    id, label: id, description: '', kind,
    points: pts.map(([bitrate, q]) => ({
      crf: 0, stream: '', restored: '', videoBytes: 0, sideInfoBytes: 0, bitrate, sdr: null,
      hdr: { pu21_psnr: q, delta_e_itp: 50 - q } as MethodResult['points'][number]['hdr'],
    })),
  });
  const anchor = method('hdr10-direct', 'hdr', [[100, 30], [200, 34], [400, 38], [800, 42]]);

  it('a method needing 10 % more bits at every quality has BD-rate +10 % on both metrics', () => {
    const test = method('x', 'sdr', anchor.points.map((p) => [p.bitrate * 1.1, p.hdr.pu21_psnr]));
    const [e] = bdRates([anchor, test]);
    expect(e).toMatchObject({ method: 'x', anchor: 'hdr10-direct' });
    expect(e!.pu21_psnr.value).toBeCloseTo(10, 6);
    expect(e!.delta_e_itp.value).toBeCloseTo(10, 6);
  });

  it('curves that share no quality range give null with the reason, not NaN', () => {
    const far = method('far', 'sdr', [[100, 10], [200, 11], [400, 12], [800, 13]]);
    const [e] = bdRates([anchor, far]);
    expect(e!.pu21_psnr.value).toBeNull();
    expect(e!.pu21_psnr.reason).toMatch(/do not overlap/);
  });
});
