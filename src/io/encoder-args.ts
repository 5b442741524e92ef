import type { Hdr10Metadata, MasteringDisplay } from './probe.js';
import type { PlanarFormat } from './pixel-format.js';

export type VideoCodec = 'libx264' | 'libx265' | 'libaom-av1' | 'libsvtav1' | 'ffv1';

/** How to encode: one object, validated up front, turned into ffmpeg arguments in one place. */
export type EncoderSettings = {
  codec: VideoCodec;
  /** Encoded pixel format (e.g. 'yuv420p' for 8-bit SDR, 'yuv420p10le' for HDR10). */
  pixelFormat: PlanarFormat;
  /** x264/x265 preset name (ultrafast … veryslow); for AV1 the cpu-used / preset number. */
  preset?: string;
  /** Constant quality. Exclusive with bitrate. */
  crf?: number;
  /** Target bitrate in bits/s (ABR with a VBV of 2x). Exclusive with crf. */
  bitrate?: number;
  /** Mathematically lossless (x264/x265 qp 0 / lossless=1; ffv1 always is). */
  lossless?: boolean;
  /** Extra encoder parameters (x264-params / x265-params), e.g. { keyint: 48 }. */
  params?: Record<string, string | number>;
};

/** Colour tags written to the bitstream (VUI) and the container, in ffmpeg's names. */
export type ColorTags = {
  primaries: 'bt709' | 'bt2020';
  transfer: 'bt709' | 'smpte2084' | 'arib-std-b67';
  matrix: 'bt709' | 'bt2020nc';
  range: 'limited' | 'full';
};

export const SDR_BT709: ColorTags = { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', range: 'limited' };
export const HDR10_PQ: ColorTags = { primaries: 'bt2020', transfer: 'smpte2084', matrix: 'bt2020nc', range: 'limited' };
export const HLG_BT2100: ColorTags = { primaries: 'bt2020', transfer: 'arib-std-b67', matrix: 'bt2020nc', range: 'limited' };

/** x265's master-display string: chromaticities in 0.00002 units, luminance in 0.0001 cd/m². */
export function x265MasterDisplay(m: MasteringDisplay): string {
  const c = (p: { x: number; y: number }): string => `(${Math.round(p.x * 50000)},${Math.round(p.y * 50000)})`;
  return `G${c(m.green)}B${c(m.blue)}R${c(m.red)}WP${c(m.whitePoint)}L(${Math.round(m.maxLuminance * 10000)},${Math.round(m.minLuminance * 10000)})`;
}

/** x264's and x265's speed presets, fastest first. */
export const X26X_SPEED_PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow', 'placebo'] as const;

/**
 * Why `preset` is no speed preset of `codec` (x264/x265: a name; libaom-av1: cpu-used 0–8;
 * SVT-AV1: 0–13; FFV1 has none), or null when it is one. Checked before ffmpeg starts: ffmpeg
 * itself only says it could not open the encoder.
 */
export function speedPresetProblem(codec: VideoCodec, preset: string): string | null {
  const integerIn = (max: number): string | null =>
    /^\d+$/.test(preset) && Number(preset) <= max ? null : `${codec} takes a speed preset from 0 (slowest) to ${max}`;
  switch (codec) {
    case 'libx264':
    case 'libx265':
      return (X26X_SPEED_PRESETS as readonly string[]).includes(preset) ? null : `${codec} takes one of ${X26X_SPEED_PRESETS.join(', ')}`;
    case 'libaom-av1':
      return integerIn(8);
    case 'libsvtav1':
      return integerIn(13);
    case 'ffv1':
      return 'ffv1 has no speed presets';
  }
}

/** The highest CRF each lossy codec takes (x264 and x265: 51; the AV1 encoders: 63); FFV1 has none. */
export function maxCrf(codec: VideoCodec): number | undefined {
  return { libx264: 51, libx265: 51, 'libaom-av1': 63, libsvtav1: 63, ffv1: undefined }[codec];
}

/** Why `crf` is no CRF of `codec`, or null when it is one (FFV1, lossless, ignores a crf). */
export function crfProblem(codec: VideoCodec, crf: number): string | null {
  const max = maxCrf(codec);
  return max === undefined || (Number.isFinite(crf) && crf >= 0 && crf <= max) ? null : `${codec} takes a CRF in [0, ${max}] (lower is better)`;
}

export function validateEncoderSettings(s: EncoderSettings, path = 'encoder'): void {
  const presetProblem = s.preset === undefined ? null : speedPresetProblem(s.codec, s.preset);
  if (presetProblem) throw new RangeError(`${path}.preset "${s.preset}": ${presetProblem}`);
  if (s.crf !== undefined && s.bitrate !== undefined) throw new TypeError(`${path}: give crf or bitrate, not both`);
  if (s.crf !== undefined && crfProblem(s.codec, s.crf)) {
    throw new RangeError(`${path}.crf must be a number in [0, ${maxCrf(s.codec)}], got ${s.crf}`);
  }
  if (s.bitrate !== undefined && !(Number.isFinite(s.bitrate) && s.bitrate > 0)) {
    throw new RangeError(`${path}.bitrate must be a positive number of bits/s, got ${s.bitrate}`);
  }
  for (const [k, v] of Object.entries(s.params ?? {})) {
    // Parameters are joined with ':' and '='; a value holding either would inject another option.
    if (/[:=]/.test(String(v)) || /[:=]/.test(k)) throw new TypeError(`${path}.params.${k} must not contain ':' or '=', got ${v}`);
  }
}

/**
 * Output-side ffmpeg arguments for the video stream: codec, rate control, pixel format, colour
 * tags and (x265) HDR10 SEI. Arguments are data: nothing here is ever passed through a shell.
 */
export function videoEncoderArgs(s: EncoderSettings, color: ColorTags, hdr10: Hdr10Metadata | null): string[] {
  validateEncoderSettings(s);
  const args = ['-c:v', s.codec, '-pix_fmt', s.pixelFormat];
  const params: Record<string, string | number> = {};
  const colorArgs = [
    '-color_primaries', color.primaries,
    '-color_trc', color.transfer,
    '-colorspace', color.matrix,
    '-color_range', color.range === 'limited' ? 'tv' : 'pc',
  ];
  switch (s.codec) {
    case 'libx264':
      if (s.preset) args.push('-preset', s.preset);
      if (s.lossless) args.push('-qp', '0');
      break;
    case 'libx265':
      if (s.preset) args.push('-preset', s.preset);
      if (s.lossless) params['lossless'] = 1;
      // x265 takes VUI colour from its own params; set them so the bitstream is tagged too.
      params['colorprim'] = color.primaries;
      params['transfer'] = color.transfer;
      params['colormatrix'] = color.matrix;
      params['range'] = color.range;
      if (hdr10?.masteringDisplay) params['master-display'] = x265MasterDisplay(hdr10.masteringDisplay);
      if (hdr10?.contentLightLevel) params['max-cll'] = `${hdr10.contentLightLevel.maxCll},${hdr10.contentLightLevel.maxFall}`;
      // HDR10 SEI with every keyframe, so a player joining mid-stream sees it.
      if (hdr10?.masteringDisplay || hdr10?.contentLightLevel) params['repeat-headers'] = 1;
      params['log-level'] = 'error';
      break;
    case 'libaom-av1':
      // Older ffmpeg builds (the npm one, 2018) flag libaom as experimental; newer ones ignore this.
      args.push('-strict', 'experimental');
      if (s.preset) args.push('-cpu-used', s.preset);
      if (s.crf !== undefined) args.push('-b:v', '0'); // libaom's constant-quality mode
      if (s.lossless) args.push('-lossless', '1');
      args.push('-row-mt', '1');
      break;
    case 'libsvtav1':
      if (s.preset) args.push('-preset', s.preset);
      break;
    case 'ffv1':
      args.push('-level', '3', '-slices', '4', '-slicecrc', '1');
      break;
  }
  if (!s.lossless && s.codec !== 'ffv1') {
    if (s.crf !== undefined) args.push('-crf', String(s.crf));
    if (s.bitrate !== undefined) {
      const b = String(Math.round(s.bitrate));
      args.push('-b:v', b, '-maxrate', b, '-bufsize', String(Math.round(s.bitrate * 2)));
    }
  }
  Object.assign(params, s.params);
  if (s.codec === 'libx265') {
    // max-cll holds a comma, fine; ':' separates entries, '=' key from value.
    args.push('-x265-params', Object.entries(params).map(([k, v]) => `${k}=${v}`).join(':'));
  } else if (s.codec === 'libx264' && Object.keys(params).length) {
    args.push('-x264-params', Object.entries(params).map(([k, v]) => `${k}=${v}`).join(':'));
  }
  return [...args, ...colorArgs];
}
