import {
  FrameReader, FrameWriter, HDR10_PQ, HLG_BT2100, SDR_BT709, UnsupportedInputError, checkBaseLayer, checkComplete, formatFor, framesToRead, log, probe, warnIfResampled,
  type ColorTags, type EncoderSettings, type VideoStream,
} from '../io/index.js';
import { ProgressTracker, type ProgressListener } from './progress.js';

export type TranscodeOptions = {
  input: string;
  output: string;
  /** Encoder; its pixel format defaults to the source's layout. */
  encoder: Omit<EncoderSettings, 'pixelFormat'> & { pixelFormat?: EncoderSettings['pixelFormat'] };
  signal?: AbortSignal;
  onProgress?: ProgressListener;
};

export type TranscodeResult = { output: string; frames: number; seconds: number; fps: number; bytes: number };

/** The colour tags to write for a source: its own when duhdr knows them, else its class's. */
function colorTagsFor(v: VideoStream, file: string): ColorTags {
  const base = v.dynamicRange === 'pq' ? HDR10_PQ : v.dynamicRange === 'hlg' ? HLG_BT2100 : SDR_BT709;
  if (v.dynamicRange === 'unknown') log.warn(`${file}: no transfer tag; writing BT.709 SDR tags`);
  return { ...base, range: v.color.range ?? 'limited' };
}

/**
 * Re-encode a video through duhdr's frame pipes (decode -> planar frames -> encode) in the
 * source's own bit depth and subsampling, keeping colour tags, HDR10 metadata, audio, subtitles
 * and chapters. The plumbing every duhdr job is built on, usable on its own (e.g. a lossless
 * x265 master).
 *
 * @example await transcode({ input: 'in.mkv', output: 'out.mkv', encoder: { codec: 'libx265', lossless: true } })
 */
export async function transcode(options: TranscodeOptions): Promise<TranscodeResult> {
  const { input, output, signal } = options;
  const info = await probe(input, signal ? { signal } : {});
  const v = info.video;
  if (!v) throw new UnsupportedInputError(input, 'has no video stream');
  checkComplete(info);
  checkBaseLayer(info);
  if (v.family !== 'yuv' || !v.bitDepth || ![8, 10, 12].includes(v.bitDepth) || !v.chromaSubsampling || v.chromaSubsampling === '400') {
    throw new UnsupportedInputError(input, `pixel format ${v.pixelFormat} is not 8/10/12-bit Y'CbCr`);
  }
  const format = formatFor('yuv', v.bitDepth as 8 | 10 | 12, v.chromaSubsampling);
  warnIfResampled(input, v);
  const progress = new ProgressTracker('transcode', framesToRead(v), options.onProgress, { encoderReports: true });
  const reader = await FrameReader.open(input, { format, expectedFrames: framesToRead(v), ...(signal ? { signal } : {}) });
  const writer = await FrameWriter.open({
    output,
    width: reader.width,
    height: reader.height,
    format,
    frameRate: v.frameRateRational,
    encoder: { pixelFormat: format, ...options.encoder },
    color: colorTagsFor(v, input),
    hdr10: v.hdr10,
    copyStreamsFrom: input,
    onEncoded: (n) => progress.encoderWrote(n),
    ...(signal ? { signal } : {}),
  });
  try {
    for await (const frame of reader) {
      await writer.write(frame.data);
      progress.frameSent();
    }
    progress.finishing();
    const { bytes } = await writer.finish();
    const { elapsed, fps } = progress.snapshot();
    return { output, frames: progress.frames, seconds: elapsed, fps, bytes };
  } catch (err) {
    await writer.abort();
    throw err;
  }
}
