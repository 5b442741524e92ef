import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import {
  BufferPool, FrameReader, FrameWriter, HDR10_PQ, STDOUT, HLG_BT2100, InputError, ModelMismatchError, OptionError, UnsupportedInputError,
  besideCapabilityListing, checkComplete, checkWritableOutput, framesToRead, probe, probeStreamLayout, warnIfResampled,
  type Hdr10Metadata, type StreamLayout,
} from '../io/index.js';
import { openBundle } from '../bundle/index.js';
import { loadToneModel, type HdrSourceInfo, type SideInfo, type ToneModel } from '../runtime/index.js';
import { P3_D65_DISPLAY } from '../scene/index.js';
import { adaptedWeights } from './adapt.js';
import { ExrSequenceWriter } from './exr-sequence.js';
import { runFramePipeline, type FrameSink, type StageTimes } from './frame-pipeline.js';
import { DEFAULT_MASTERING_PEAK, checkDimensions } from './hdr-source.js';
import { parseManifest, type Manifest } from './manifest.js';
import { readEmbeddedManifest } from './manifest-container.js';
import { DEFAULT_MODEL, type JobResult } from './encode.js';
import { givenOverride, loadPreset, withEncoderOverrides, type HdrPreset } from './presets.js';
import { ProgressTracker, type ProgressListener } from './progress.js';

export type RestoreOptions = {
  /** An SDR file made by `encode`, or a bundle (.zip) made by `pack`. */
  input: string;
  /** An HDR video (.mkv/.mp4), `-` to stream Matroska to stdout (a player), or a numbered EXR pattern (frames/%05d.exr). */
  output: string;
  /** HDR preset (default: hdr10-x265 for PQ sources, hlg-x265 for HLG). */
  preset?: string;
  /** Constant quality in place of the preset's rate control (x265 0–51; lower is better). */
  crf?: number;
  /** The encoder's speed preset in place of the preset's (x265: ultrafast … placebo). */
  encoderPreset?: string;
  /** Expect this model; refused when the file names another. */
  model?: string;
  /** EXR output primaries (default bt2020). */
  exrPrimaries?: 'bt2020' | 'bt709';
  batchSize?: number;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
};

export type UpconvertOptions = Omit<RestoreOptions, 'model'> & { model?: string; masteringPeak?: number };

type VideoInput = {
  label: string;
  width: number;
  height: number;
  frameRate: { num: number; den: number };
  frameCount: number | null;
  /** Open the frame reader (a fresh decode each call), taking frame buffers from `pool`. */
  reader: (format: ToneModel['sdrFormat'], pool: BufferPool) => Promise<FrameReader>;
  /** Where audio, subtitles and chapters come from. */
  streams: () => Promise<string | { stream: Readable; label: string; layout: StreamLayout }>;
  /** The stream layout when `streams()` is a file already probed. */
  layout?: StreamLayout;
  close: () => Promise<void>;
};

/**
 * ffmpeg's decoding threads for the SDR: one per four cores, at least one. Decoding 8-bit SDR is
 * a few percent of a restore's CPU (1.0 s of 38 s for 120 1080p frames here); ffmpeg's default,
 * a frame thread per core and one more, only adds threads on cores the model and x265 fill. On
 * the 2-core dev machine one thread made a 1080p restore ~4 % faster (see README, Performance).
 */
const sdrDecodeArgs = (): string[] => ['-threads', String(Math.max(1, Math.floor(availableParallelism() / 4)))];

async function fileInput(file: string, signal: AbortSignal | undefined, job: 'restore' | 'upconvert'): Promise<{ input: VideoInput; manifest: Manifest | null }> {
  const info = await probe(file, signal ? { signal } : {});
  const v = info.video;
  if (!v) throw new UnsupportedInputError(file, info.audio.length ? 'is audio only — restore needs SDR video' : 'has no video stream');
  if (v.dynamicRange === 'pq' || v.dynamicRange === 'hlg') {
    throw new UnsupportedInputError(file, `is already HDR (${v.dynamicRange.toUpperCase()}) — restore takes the SDR that \`duhdr encode\` made`);
  }
  if (info.isImage) throw new UnsupportedInputError(file, 'is a still image — restore takes SDR video');
  checkDimensions(file, v.width, v.height);
  if (v.frameCount === 0) throw new InputError(file, 'has no frames');
  if (v.variableFrameRate && job === 'restore') {
    // Its frames would no longer line up with the manifest's per-frame side info.
    throw new UnsupportedInputError(file, 'has a variable frame rate, which the SDR `duhdr encode` writes never has: it was re-encoded or re-timed — restore the file encode made, or use `duhdr upconvert` (blind, no manifest)');
  }
  warnIfResampled(file, v);
  checkComplete(info);
  const text = await readEmbeddedManifest(file, signal, info);
  return {
    manifest: text === null ? null : parseManifest(text, file),
    input: {
      label: file,
      width: v.width,
      height: v.height,
      frameRate: v.frameRateRational,
      frameCount: framesToRead(v),
      reader: (format, pool) => FrameReader.open(file, { format, expectedFrames: framesToRead(v), pool, info, inputArgs: sdrDecodeArgs(), ...(signal ? { signal } : {}) }),
      streams: async () => file,
      layout: info,
      close: async () => {},
    },
  };
}

async function bundleInput(file: string, signal: AbortSignal | undefined): Promise<{ input: VideoInput; manifest: Manifest }> {
  const bundle = await openBundle(file);
  try {
    const manifest = parseManifest(await bundle.manifestText(), `${file}:manifest.json`);
    const label = `${file}:${bundle.videoName}`;
    return {
      manifest,
      input: {
        label,
        width: manifest.sdr.width,
        height: manifest.sdr.height,
        frameRate: manifest.source.frameRate,
        frameCount: manifest.source.frameCount,
        // The video entry is streamed into ffmpeg straight from the zip: nothing is extracted.
        reader: async (format, pool) =>
          FrameReader.open(
            { stream: await bundle.openVideoStream({ verify: true }), label },
            {
              format,
              width: manifest.sdr.width,
              height: manifest.sdr.height,
              frameRate: manifest.source.frameRate.num / manifest.source.frameRate.den,
              expectedFrames: manifest.source.frameCount,
              pool,
              inputArgs: sdrDecodeArgs(),
              ...(signal ? { signal } : {}),
            },
          ),
        // One read of the entry for its stream layout (headers), another that ffmpeg copies from.
        streams: async () => ({
          layout: await probeStreamLayout({ stream: await bundle.openVideoStream(), label }, signal),
          stream: await bundle.openVideoStream(),
          label,
        }),
        close: async () => bundle.close(),
      },
    };
  } catch (err) {
    await bundle.close();
    throw err;
  }
}

async function hdrPreset(options: RestoreOptions, transfer: 'pq' | 'hlg'): Promise<HdrPreset> {
  return withEncoderOverrides(await loadPreset(options.preset ?? (transfer === 'pq' ? 'hdr10-x265' : 'hlg-x265'), 'hdr'), options);
}

/** Shared body of restore and upconvert: SDR frames through `model.forward` into an HDR sink. */
async function runForward(o: {
  input: VideoInput;
  output: string;
  model: ToneModel;
  target: HdrSourceInfo;
  preset: HdrPreset;
  hdr10: Hdr10Metadata | null;
  sideInfo: (index: number) => SideInfo | null;
  options: RestoreOptions;
  stage: string;
}): Promise<JobResult> {
  const { input, output, model, options } = o;
  const signal = options.signal;
  const exr = /\.exr$/i.test(output);
  const override = givenOverride(options);
  if (exr && override) throw new OptionError(`${override} is a video encoder's setting; ${output} is a sequence of EXR frames, stored without loss`);
  // EXR frames are linear light made from the model's PQ output, whatever the preset says.
  const target: HdrSourceInfo = exr ? { ...o.target, transfer: 'pq' } : o.target;
  if (output !== STDOUT) await checkWritableOutput(output, exr ? [] : [input.label]);
  // Shared memory: an off-thread model reads the frames in place (see BufferPool).
  const pool = new BufferPool(16, { shared: true });
  // Video output counts frames as the encoder writes them; EXR frames as they are written.
  const progress = new ProgressTracker(o.stage, input.frameCount, options.onProgress, { encoderReports: !exr });
  const reader = await input.reader(model.sdrFormat, pool);
  const sink: FrameSink & { finish(): Promise<{ bytes: number }>; abort(): Promise<void> } = exr
    ? await ExrSequenceWriter.open(output, input.width, input.height, options.exrPrimaries ?? 'bt2020')
    : await FrameWriter.open({
        output,
        width: input.width,
        height: input.height,
        format: model.hdrFormat,
        frameRate: input.frameRate,
        encoder: o.preset.encoder,
        color: target.transfer === 'pq' ? HDR10_PQ : HLG_BT2100,
        hdr10: target.transfer === 'pq' ? o.hdr10 : null,
        copyStreamsFrom: await input.streams(),
        ...(input.layout ? { copyLayout: input.layout } : {}),
        onEncoded: (n) => progress.encoderWrote(n),
        ...(signal ? { signal } : {}),
      });
  let stages: StageTimes;
  let bytes: number;
  try {
    stages = await runFramePipeline({
      reader,
      writer: sink,
      batchSize: options.batchSize ?? model.preferredBatch.size,
      concurrency: options.concurrency ?? model.preferredBatch.concurrency,
      prepare: (frames, first) => frames.map((_, i) => o.sideInfo(first + i)),
      process: (frames, side) => model.forward(frames, side, target),
      progress,
      signal,
      inputPool: pool,
      recycle: (buffers) => model.recycle?.(buffers),
    });
    if (!exr) progress.finishing();
    ({ bytes } = await sink.finish());
  } catch (err) {
    await sink.abort();
    throw err;
  }
  const { elapsed, fps, frames } = progress.snapshot();
  const duration = (frames * input.frameRate.den) / input.frameRate.num;
  return {
    output,
    frames,
    seconds: elapsed,
    fps,
    bytes,
    bitrate: duration ? (bytes * 8) / duration : 0,
    model: { id: model.id, hash: model.contentHash },
    stages,
  };
}

/**
 * SDR made by `encode` (a file or a `pack` bundle) -> HDR10 or HLG video, or a linear EXR
 * sequence, with the model and per-frame side info its manifest names and the source's
 * HDR10 metadata. A file whose manifest names another model, or a model whose hash differs,
 * is refused.
 *
 * @example await restore({ input: 'sdr.mkv', output: 'hdr10.mkv' })
 */
export function restore(options: RestoreOptions): Promise<JobResult> {
  return besideCapabilityListing(() => restoreJob(options));
}

async function restoreJob(options: RestoreOptions): Promise<JobResult> {
  const { input: file, signal } = options;
  const { input, manifest } = /\.zip$/i.test(file) ? await bundleInput(file, signal) : await fileInput(file, signal, 'restore');
  try {
    if (!manifest) {
      throw new InputError(file, 'carries no duhdr manifest — restore needs SDR made by `duhdr encode`; for any other SDR use `duhdr upconvert`');
    }
    if (options.model && options.model !== manifest.model.id) {
      throw new ModelMismatchError(`${file}: was made with model ${manifest.model.id}, not ${options.model} — restore it with --model ${manifest.model.id} (or omit --model)`);
    }
    if (input.width !== manifest.sdr.width || input.height !== manifest.sdr.height) {
      throw new InputError(file, `video is ${input.width}x${input.height} but its manifest says ${manifest.sdr.width}x${manifest.sdr.height} — the file was altered after encoding`);
    }
    if (input.frameCount !== null && input.frameCount !== manifest.source.frameCount) {
      throw new InputError(file, `video has ${input.frameCount} frames but its manifest describes ${manifest.source.frameCount} — the file was cut or altered after encoding`);
    }
    const adapted = manifest.model.adaptedForward ? adaptedWeights(manifest.model.adaptedForward, file) : undefined;
    const model = await loadToneModel(manifest.model.id, adapted ? { forwardWeights: adapted } : {}).catch((err: unknown) => {
      if (err instanceof RangeError && adapted) throw new InputError(file, `its adapted forward network does not fit model ${manifest.model.id}: ${err.message}`);
      throw new ModelMismatchError(`${file}: was made with model ${manifest.model.id}, which this duhdr does not have`, { cause: err });
    });
    try {
      if (model.contentHash !== manifest.model.hash) {
        throw new ModelMismatchError(
          `${file}: was made with ${manifest.model.id} hash ${manifest.model.hash.slice(0, 12)}…, but this duhdr's ${model.id} has hash ${model.contentHash.slice(0, 12)}… — restore with the duhdr version that encoded it`,
        );
      }
      const expectedSide = model.sideInfoFields.join(',');
      if (manifest.sideInfo.fields.join(',') !== expectedSide) {
        throw new InputError(file, `manifest side info has fields [${manifest.sideInfo.fields.join(', ')}], model ${model.id} expects [${expectedSide}]`);
      }
      const preset = await hdrPreset(options, manifest.source.transfer);
      const hdr10 = manifest.source.hdr10;
      const target: HdrSourceInfo = {
        width: input.width,
        height: input.height,
        transfer: preset.transfer,
        masteringPeak: hdr10.masteringDisplay?.maxLuminance ?? DEFAULT_MASTERING_PEAK,
        maxCll: hdr10.contentLightLevel?.maxCll ?? null,
      };
      const frames = manifest.sideInfo.frames;
      return await runForward({
        input, output: options.output, model, target, preset, hdr10, options, stage: 'restore',
        sideInfo: (i) => frames[i] ?? null,
      });
    } finally {
      model.dispose();
    }
  } finally {
    await input.close();
  }
}

/**
 * Any SDR video (no manifest) -> HDR10 or HLG, blind: the forward model restores from pixels
 * alone, for a display of `masteringPeak` cd/m² (default 1000, P3-D65 mastering metadata).
 *
 * @example await upconvert({ input: 'old.mp4', output: 'hdr10.mkv' })
 */
export function upconvert(options: UpconvertOptions): Promise<JobResult> {
  return besideCapabilityListing(() => upconvertJob(options));
}

async function upconvertJob(options: UpconvertOptions): Promise<JobResult> {
  const { input: file, signal } = options;
  const { input } = await fileInput(file, signal, 'upconvert');
  try {
    const model = await loadToneModel(options.model ?? DEFAULT_MODEL);
    try {
      const preset = await hdrPreset(options, 'pq');
      const peak = options.masteringPeak ?? DEFAULT_MASTERING_PEAK;
      if (!(peak >= 200 && peak <= 10_000)) throw new RangeError(`options.masteringPeak must be in [200, 10000] cd/m², got ${peak}`);
      const hdr10: Hdr10Metadata = {
        masteringDisplay: { ...P3_D65_DISPLAY, minLuminance: 0.0001, maxLuminance: peak },
        contentLightLevel: null,
      };
      const target: HdrSourceInfo = { width: input.width, height: input.height, transfer: preset.transfer, masteringPeak: peak, maxCll: null };
      return await runForward({ input, output: options.output, model, target, preset, hdr10, options, stage: 'upconvert', sideInfo: () => null });
    } finally {
      model.dispose();
    }
  } finally {
    await input.close();
  }
}
