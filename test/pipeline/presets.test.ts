import { describe, expect, it } from 'vitest';
import { OptionError, crfProblem, speedPresetProblem, validateEncoderSettings } from '../../src/io/index.js';
import { loadPreset, withEncoderOverrides } from '../../src/pipeline/index.js';

describe('withEncoderOverrides (--crf and --encoder-preset over a preset)', () => {
  it('replaces a CRF preset\'s quality and keeps the rest', async () => {
    const p = withEncoderOverrides(await loadPreset('x264-crf', 'sdr'), { crf: 26 });
    expect(p.encoder).toEqual({ codec: 'libx264', pixelFormat: 'yuv420p', preset: 'medium', crf: 26 });
  });

  it('turns a bitrate preset into a constant-quality one, as ffmpeg\'s -crf would', async () => {
    const p = withEncoderOverrides(await loadPreset('x264-4mbps', 'sdr'), { crf: 30 });
    expect(p.encoder.crf).toBe(30);
    expect(p.encoder).not.toHaveProperty('bitrate');
  });

  it('replaces the encoder\'s speed preset, alone or with a CRF', async () => {
    const x265 = await loadPreset('hdr10-x265', 'hdr');
    expect(withEncoderOverrides(x265, { encoderPreset: 'veryslow' }).encoder).toEqual({ ...x265.encoder, preset: 'veryslow' });
    expect(withEncoderOverrides(x265, { encoderPreset: 'fast', crf: 22 }).encoder).toMatchObject({ preset: 'fast', crf: 22 });
    expect(withEncoderOverrides(await loadPreset('av1-crf', 'sdr'), { encoderPreset: '8' }).encoder.preset).toBe('8');
  });

  it('leaves the preset as it is without overrides', async () => {
    const p = await loadPreset('hdr10-x265', 'hdr');
    expect(withEncoderOverrides(p, {})).toBe(p);
  });

  it('checks the CRF range of the preset\'s codec: 51 for x264/x265, 63 for AV1', async () => {
    const x265 = await loadPreset('hdr10-x265', 'hdr');
    expect(withEncoderOverrides(x265, { crf: 51 }).encoder.crf).toBe(51);
    expect(() => withEncoderOverrides(x265, { crf: 52 })).toThrow(new OptionError('--crf 52: libx265 takes a CRF in [0, 51] (lower is better)'));
    expect(() => withEncoderOverrides(x265, { crf: -1 })).toThrow(OptionError);
    expect(() => withEncoderOverrides(x265, { crf: Number.NaN })).toThrow(OptionError);
    expect(withEncoderOverrides(await loadPreset('av1-crf', 'sdr'), { crf: 63 }).encoder.crf).toBe(63);
  });

  it('refuses a CRF for a lossless preset, and a speed preset the codec does not have', async () => {
    const lossless = await loadPreset('hdr10-x265-lossless', 'hdr');
    expect(() => withEncoderOverrides(lossless, { crf: 10 })).toThrow(/--crf: preset "hdr10-x265-lossless" is lossless \(libx265\), so it has no quality to set/);
    expect(() => withEncoderOverrides(lossless, { encoderPreset: 'quick' })).toThrow(new OptionError(
      '--encoder-preset quick: libx265 takes one of ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow, placebo',
    ));
    const av1 = await loadPreset('av1-crf', 'sdr');
    expect(() => withEncoderOverrides(av1, { encoderPreset: '9' })).toThrow(
      new OptionError('--encoder-preset 9: libaom-av1 takes a speed preset from 0 (slowest) to 8'),
    );
  });
});

describe('speed presets of each codec', () => {
  it('names what each encoder takes', () => {
    expect(speedPresetProblem('libx264', 'placebo')).toBeNull();
    expect(speedPresetProblem('libx264', 'Medium')).toMatch(/^libx264 takes one of ultrafast/);
    expect(speedPresetProblem('libsvtav1', '13')).toBeNull();
    expect(speedPresetProblem('libsvtav1', '-1')).toBe('libsvtav1 takes a speed preset from 0 (slowest) to 13');
    expect(speedPresetProblem('ffv1', 'medium')).toBe('ffv1 has no speed presets');
  });

  it('CRF ranges: 51 for x264/x265, 63 for AV1; FFV1 ignores a crf', () => {
    expect(crfProblem('libx265', 51)).toBeNull();
    expect(crfProblem('libx264', 52)).toBe('libx264 takes a CRF in [0, 51] (lower is better)');
    expect(crfProblem('libaom-av1', 63)).toBeNull();
    expect(crfProblem('libsvtav1', 64)).toBe('libsvtav1 takes a CRF in [0, 63] (lower is better)');
    expect(crfProblem('ffv1', 99)).toBeNull();
  });

  it('is part of validating encoder settings, so a preset file with a wrong one is refused when loaded', () => {
    expect(() => validateEncoderSettings({ codec: 'libx265', pixelFormat: 'yuv420p10le', preset: 'turbo', crf: 18 })).toThrow(
      /encoder\.preset "turbo": libx265 takes one of ultrafast/,
    );
  });
});
