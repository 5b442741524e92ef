import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/io/index.js';
import { loadPreset, withCrf } from '../../src/pipeline/index.js';

describe('withCrf (--crf over a preset)', () => {
  it('replaces a CRF preset\'s quality and keeps the rest', async () => {
    const p = withCrf(await loadPreset('x264-crf', 'sdr'), 26);
    expect(p.encoder).toEqual({ codec: 'libx264', pixelFormat: 'yuv420p', preset: 'medium', crf: 26 });
  });

  it('turns a bitrate preset into a constant-quality one, as ffmpeg\'s -crf would', async () => {
    const p = withCrf(await loadPreset('x264-4mbps', 'sdr'), 30);
    expect(p.encoder.crf).toBe(30);
    expect(p.encoder).not.toHaveProperty('bitrate');
  });

  it('leaves the preset as it is without a CRF', async () => {
    const p = await loadPreset('hdr10-x265', 'hdr');
    expect(withCrf(p, undefined)).toBe(p);
  });

  it('checks the range of the preset\'s codec: 51 for x264/x265, 63 for AV1', async () => {
    const x265 = await loadPreset('hdr10-x265', 'hdr');
    expect(withCrf(x265, 51).encoder.crf).toBe(51);
    expect(() => withCrf(x265, 52)).toThrow(new OptionError('--crf 52: libx265 takes a CRF in [0, 51] (lower is better)'));
    expect(() => withCrf(x265, -1)).toThrow(OptionError);
    expect(() => withCrf(x265, Number.NaN)).toThrow(OptionError);
    expect(withCrf(await loadPreset('av1-crf', 'sdr'), 63).encoder.crf).toBe(63);
  });

  it('refuses a lossless preset, which has no quality to set', async () => {
    const lossless = await loadPreset('hdr10-x265-lossless', 'hdr');
    expect(() => withCrf(lossless, 10)).toThrow(/--crf: preset "hdr10-x265-lossless" is lossless \(libx265\), so it has no quality to set/);
  });
});
