import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  BufferPool, FrameReader, FrameWriter, OptionError, SDR_BT709, besideCapabilityListing, checkWritableOutput, discardTemp, framesToRead, probe,
  warnIfResampled, tempPathFor,
} from '../io/index.js';
import { loadToneModel, type SideInfo } from '../runtime/index.js';
import { DEFAULT_ADAPT_SECONDS, adaptSummary, adaptToClip, checkAdaptable, type AdaptSummary } from './adapt.js';
import { runFramePipeline, type StageTimes } from './frame-pipeline.js';
import { hdrSourceOf } from './hdr-source.js';
import { MANIFEST_FORMAT, MANIFEST_VERSION, serializeManifest, type Manifest } from './manifest.js';
import { MANIFEST_ATTACHMENT, embedManifest, manifestCarrierFor } from './manifest-container.js';
import { loadPreset, withEncoderOverrides } from './presets.js';
import { ProgressTracker, byteProgress, type ProgressListener } from './progress.js';

export const DEFAULT_MODEL = 'classical-soft';
export const DEFAULT_SDR_PRESET = 'x264-crf';

/** duhdr's version, written into manifests. */
export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export type EncodeOptions = {
  input: string;
  output: string;
  /** SDR encoder preset name or JSON path (default 'x264-crf'). */
  preset?: string;
  /** Constant quality in place of the preset's rate control (x264/x265 0–51, AV1 0–63; lower is better). */
  crf?: number;
  /** The encoder's speed preset in place of the preset's (x264: ultrafast … placebo; AV1: cpu-used 0–8). */
  encoderPreset?: string;
  /** Tone model id (default: the default model). */
  model?: string;
  /**
   * Tune the forward network on this clip and ship it in the file (learned models only):
   * `seconds` of training (default 60), optionally capped at `maxSteps`.
   */
  adapt?: { seconds?: number; maxSteps?: number };
  batchSize?: number;
  concurrency?: number;
  signal?: AbortSignal;
  /** Stage `encode` in frames, then `remux` (embedding the manifest) in bytes; `adapt` in steps between them. */
  onProgress?: ProgressListener;
};

export type JobResult = {
  output: string;
  frames: number;
  seconds: number;
  fps: number;
  bytes: number;
  /** Mean bitrate of the output file, bits/s. */
  bitrate: number;
  model: { id: string; hash: string };
  /** Seconds spent waiting on decode, model and encode: the largest is the bottleneck. */
  stages: StageTimes;
  /** encode --adapt: what the tuning did (`shipped` false: it did not beat the base model on held-out frames, so none was shipped). */
  adapt?: AdaptSummary;
};

/**
 * HDR10/HLG video -> 8-bit BT.709 SDR that any player shows, with duhdr's manifest (source
 * colour, HDR10 metadata, model id and hash, per-frame side info) embedded so `restore` can
 * bring the HDR back from this one file. Audio, subtitles and chapters are copied.
 *
 * @example await encode({ input: 'hdr10.mkv', output: 'sdr.mkv', preset: 'x264-crf' })
 */
export function encode(options: EncodeOptions): Promise<JobResult> {
  return besideCapabilityListing(() => encodeJob(options));
}

async function encodeJob(options: EncodeOptions): Promise<JobResult> {
  const { input, output, signal } = options;
  if (typeof input !== 'string' || typeof output !== 'string') throw new TypeError('options.input and options.output must be file paths');
  // Where it cannot be written (a folder, a missing folder) says more than its extension.
  await checkWritableOutput(output, [input]);
  manifestCarrierFor(output);
  const adaptSeconds = options.adapt ? (options.adapt.seconds ?? DEFAULT_ADAPT_SECONDS) : 0;
  if (options.adapt) {
    if (!(adaptSeconds > 0 && adaptSeconds <= 86_400)) throw new OptionError(`--adapt ${adaptSeconds}: expected seconds in (0, 86400]`);
    checkAdaptable(options.model ?? DEFAULT_MODEL);
  }
  const preset = withEncoderOverrides(await loadPreset(options.preset ?? DEFAULT_SDR_PRESET, 'sdr'), options);
  const info = await probe(input, signal ? { signal } : {});
  const { video, source } = hdrSourceOf(info);
  warnIfResampled(input, video);
  const model = await loadToneModel(options.model ?? DEFAULT_MODEL);
  // The SDR stream goes to a temporary file first; the manifest (whose side info is known only
  // at the end) is then embedded by a stream-copy remux into the real output.
  const intermediate = tempPathFor(output);
  try {
    // Shared memory: an off-thread model reads the frames in place (see BufferPool).
    const pool = new BufferPool(16, { shared: true });
    const progress = new ProgressTracker('encode', framesToRead(video), options.onProgress, { encoderReports: true });
    const reader = await FrameReader.open(input, { format: model.hdrFormat, expectedFrames: framesToRead(video), pool, info, ...(signal ? { signal } : {}) });
    const writer = await FrameWriter.open({
      output: intermediate,
      displayName: output,
      width: video.width,
      height: video.height,
      format: model.sdrFormat,
      frameRate: video.frameRateRational,
      encoder: preset.encoder,
      color: SDR_BT709,
      copyStreamsFrom: input,
      copyLayout: info,
      // The remux below rewrites the whole file anyway, and puts the index at the front then.
      faststart: false,
      onEncoded: (n) => progress.encoderWrote(n),
      ...(signal ? { signal } : {}),
    });
    const sideInfo: SideInfo[] = [];
    let stages: StageTimes;
    try {
      stages = await runFramePipeline({
        reader,
        writer,
        batchSize: options.batchSize ?? model.preferredBatch.size,
        concurrency: options.concurrency ?? model.preferredBatch.concurrency,
        prepare: (frames) => {
          const info = model.analyze(frames, source);
          sideInfo.push(...info);
          return info;
        },
        process: (frames, info) => model.reverse(frames, info, source),
        progress,
        signal,
        inputPool: pool,
        recycle: (buffers) => model.recycle?.(buffers),
      });
      progress.finishing();
      await writer.finish();
    } catch (err) {
      await writer.abort();
      throw err;
    }
    const adapted = options.adapt
      ? await adaptToClip({
        modelId: model.id, source: input, sdr: intermediate, info, hdrSource: source, sideInfo, seconds: adaptSeconds,
        ...(options.adapt.maxSteps !== undefined ? { maxSteps: options.adapt.maxSteps } : {}), signal, onProgress: options.onProgress,
      })
      : null;
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      createdBy: `duhdr ${VERSION}`,
      source: {
        file: basename(input),
        width: video.width,
        height: video.height,
        frameRate: video.frameRateRational,
        frameCount: sideInfo.length,
        transfer: source.transfer,
        primaries: video.color.primaries,
        matrix: video.color.matrix,
        range: video.color.range,
        hdr10: video.hdr10,
      },
      sdr: { width: video.width, height: video.height, pixelFormat: 'yuv420p', codec: preset.encoder.codec },
      model: { id: model.id, hash: model.contentHash, ...(adapted?.manifest ? { adaptedForward: adapted.manifest } : {}) },
      sideInfo: { fields: [...model.sideInfoFields], frames: sideInfo.map((s) => [...s]) },
    };
    // Matroska copies the source's fonts (never a manifest) before ours is attached.
    const fonts = /\.mkv$/i.test(output) ? info.attachments.filter((a) => a.filename !== MANIFEST_ATTACHMENT).length : 0;
    // A stream copy of the whole SDR (tens of seconds for a film): progress of its own, in bytes.
    const onRemux = byteProgress('remux', options.onProgress);
    await embedManifest(intermediate, output, serializeManifest(manifest), { signal, knownAttachments: fonts, ...(onRemux ? { onProgress: onRemux } : {}) });
    const { size } = await stat(output);
    const { elapsed, fps } = progress.snapshot();
    const duration = (sideInfo.length * video.frameRateRational.den) / video.frameRateRational.num;
    return {
      output,
      frames: sideInfo.length,
      seconds: elapsed,
      fps,
      bytes: size,
      bitrate: duration ? (size * 8) / duration : 0,
      model: { id: model.id, hash: model.contentHash },
      stages,
      ...(adapted ? { adapt: adaptSummary(adapted) } : {}),
    };
  } finally {
    model.dispose();
    await discardTemp(intermediate);
  }
}
