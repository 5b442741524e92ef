import { InputError, UnsupportedInputError, checkBaseLayer, checkComplete, x265MasterDisplay, type MediaInfo, type VideoStream } from '../io/index.js';
import type { HdrSourceInfo } from '../runtime/index.js';

/** Default mastering peak when an HDR file carries no HDR10 metadata (the common 1000 cd/m² grade). */
export const DEFAULT_MASTERING_PEAK = 1000;

/**
 * Check a probed file is HDR video that encode can take and describe it for the model.
 * Refusals say what the file is and what to do instead.
 */
export function hdrSourceOf(info: MediaInfo): { video: VideoStream; source: HdrSourceInfo } {
  const file = info.file;
  const v = info.video;
  if (!v) throw new UnsupportedInputError(file, info.audio.length ? 'is audio only — encode needs HDR video' : 'has no video stream');
  if (info.isImage) throw new UnsupportedInputError(file, 'is a still image — encode takes HDR10 or HLG video');
  if (v.dynamicRange === 'sdr') {
    throw new UnsupportedInputError(file, `is SDR (transfer ${v.color.transfer}) — encode takes HDR10 or HLG video; to make HDR from SDR use \`duhdr upconvert\``);
  }
  if (v.dynamicRange === 'unknown') {
    throw new UnsupportedInputError(file, `has no HDR transfer tag (${v.color.transfer ?? 'untagged'}) — retag it as PQ (smpte2084) or HLG (arib-std-b67) if it is HDR`);
  }
  if (v.family !== 'yuv') throw new UnsupportedInputError(file, `pixel format ${v.pixelFormat} is not Y'CbCr video`);
  checkBaseLayer(info);
  checkDimensions(file, v.width, v.height);
  if (v.frameCount === 0) throw new InputError(file, 'has no frames');
  checkComplete(info);
  return {
    video: v,
    source: {
      width: v.width,
      height: v.height,
      transfer: v.dynamicRange,
      masteringPeak: v.hdr10.masteringDisplay?.maxLuminance ?? DEFAULT_MASTERING_PEAK,
      maxCll: v.hdr10.contentLightLevel?.maxCll ?? null,
    },
  };
}

/** 4:2:0 output needs even sizes; a 16K+ frame is beyond the memory budget of a frame pipeline. */
export function checkDimensions(file: string, width: number, height: number): void {
  if (width % 2 || height % 2) {
    throw new UnsupportedInputError(file, `${width}x${height} has an odd dimension; 4:2:0 needs even width and height — crop or pad to ${width - (width % 2)}x${height - (height % 2)}`);
  }
  if (width * height > 8192 * 4352) {
    throw new UnsupportedInputError(file, `${width}x${height} is larger than 8K (8192x4352), beyond duhdr's memory budget per frame`);
  }
}

/**
 * An ffmpeg command that makes HDR video of a variable rate constant and keeps it HDR: x265
 * lossless 10-bit with the source's colour tags and HDR10 metadata written into the bitstream
 * (a plain re-encode drops them: ffmpeg 4 passes neither to x265). `-vsync` is read by old and
 * new ffmpeg alike (`-fps_mode` only from 5.1).
 */
export function constantRateCommand(v: VideoStream): string {
  const transfer = v.dynamicRange === 'hlg' ? 'arib-std-b67' : 'smpte2084';
  const params = ['lossless=1', 'colorprim=bt2020', `transfer=${transfer}`, 'colormatrix=bt2020nc'];
  if (v.hdr10.masteringDisplay) params.push(`master-display=${x265MasterDisplay(v.hdr10.masteringDisplay)}`);
  if (v.hdr10.contentLightLevel) params.push(`max-cll=${v.hdr10.contentLightLevel.maxCll},${v.hdr10.contentLightLevel.maxFall}`);
  // Quoted: the mastering display's parentheses would be shell syntax.
  return `ffmpeg -i IN -map 0 -c copy -c:v libx265 -preset ultrafast -pix_fmt yuv420p10le -x265-params '${params.join(':')}' -vsync cfr OUT.mkv`;
}
