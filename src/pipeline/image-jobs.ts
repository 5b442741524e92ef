import { readdir, mkdir, rmdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import {
  InputError, ModelMismatchError, OptionError, STDOUT, checkWritableOutput, commitTemp, discardTemp, planeViews,
  tempPathFor, toCanceledError,
} from '../io/index.js';
import {
  HDR_IMAGE_EXTENSIONS, HDR_IMAGE_OUTPUTS, SDR_IMAGE_EXTENSIONS, SDR_IMAGE_OUTPUTS, cropPlanes, hdrFrameFromNits, interleave8,
  nitsFromHdrFrame, paddedSize, padPlanes, readHdrImage, readSdrImage, rgbFromSdrFrame, sdrFrameFromRgb, toBt2020, writeHdrImage,
  writeSdrImage,
} from '../image/index.js';
import { BT2020_TO_BT709, applyMatrix3, type RgbPlanes } from '../color/index.js';
import { loadToneModel, type HdrSourceInfo, type ModelFrame, type SideInfo, type ToneModel } from '../runtime/index.js';
import { LightLevelMeter, P3_D65_DISPLAY } from '../scene/index.js';
import { DEFAULT_MODEL, VERSION, type JobResult } from './encode.js';
import { EXR_NITS_PER_UNIT } from './exr-sequence.js';
import { checkBatching, type StageTimes } from './frame-pipeline.js';
import { DEFAULT_MASTERING_PEAK } from './hdr-source.js';
import { MANIFEST_FORMAT, MANIFEST_MAX_BYTES, MANIFEST_VERSION, parseManifest, serializeManifest, type Manifest } from './manifest.js';
import { ProgressTracker, type ProgressListener } from './progress.js';

/**
 * Still images through the same ToneModel as video: one image is a one-frame sequence. An image
 * or a folder of images in, an image or a folder out; a folder is all or nothing (every output
 * goes to a temporary name and is renamed only when every image has succeeded).
 */

/** `--exposure auto` puts the median luminance here: where the sample clips put it (30-40 cd/m²). */
export const AUTO_EXPOSURE_NITS = 35;
/** SDR white of the gain map: the 100 cd/m² display the models grade SDR for. */
const SDR_WHITE_NITS = 100;

type Common = {
  input: string;
  /** An image file, or a folder when `input` is a folder. */
  output: string;
  /** Output type for folders, as an extension without the dot (encode: jpg; restore/upconvert: exr). */
  format?: string;
  batchSize?: number;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
};

export type ImageEncodeOptions = Common & {
  model?: string;
  /**
   * Stops applied to the source: scene-referred EXR/.hdr are taken at 1.0 = 100 cd/m² × 2^stops
   * (default 0); 'auto' scales each image so its median luminance is 35 cd/m².
   */
  exposure?: number | 'auto';
  /** Mastering peak, cd/m²: light above it is clipped (default 1000; PQ/HLG sources: their own peak, at least 1000). */
  peak?: number;
  /**
   * JPEG output only: add an Ultra HDR gain map made from the model's forward pass over the SDR
   * (what `restore` would give), so gain-map viewers (Android 14+, Chrome) show the HDR.
   */
  ultraHdr?: boolean;
};

export type ImageRestoreOptions = Common & {
  /** Refuse unless the image was made with this model. */
  model?: string;
  /** EXR primaries (default: the source's for restore, bt2020 for upconvert). */
  exrPrimaries?: 'bt2020' | 'bt709';
};

export type ImageUpconvertOptions = Common & { model?: string; exrPrimaries?: 'bt2020' | 'bt709'; masteringPeak?: number };

export type ImageJobResult = JobResult & { outputs: string[] };

type Pair = { input: string; output: string; temp: string };

const lower = (f: string): string => extname(f).toLowerCase();

/** True when `input` names an image or a folder: the CLI sends these here instead of the video jobs. */
export async function isImageJob(input: string): Promise<boolean> {
  if (([...HDR_IMAGE_EXTENSIONS, ...SDR_IMAGE_EXTENSIONS] as readonly string[]).includes(lower(input))) return true;
  return (await stat(input).catch(() => null))?.isDirectory() ?? false;
}

/**
 * Input/output pairs of a job. A folder: every file with an extension in `accepts` (sorted by
 * name), each to OUT/stem.format; the output folder is created when missing.
 */
async function planPairs(o: Common, accepts: readonly string[], outputs: readonly string[], defaultFormat: string): Promise<{ pairs: Pair[]; createdDir: string | null }> {
  if (o.output === STDOUT) throw new OptionError('images cannot be streamed to stdout — give an output file or folder');
  const st = await stat(o.input).catch(() => null);
  if (!st) throw new InputError(o.input, 'no such file');
  if (!st.isDirectory()) {
    if (!outputs.includes(lower(o.output))) throw new InputError(o.output, `the output image must be ${outputs.join(', ')}`);
    await checkWritableOutput(o.output, [o.input]);
    return { pairs: [{ input: o.input, output: o.output, temp: tempPathFor(o.output) }], createdDir: null };
  }
  const format = `.${(o.format ?? defaultFormat).replace(/^\./, '').toLowerCase()}`;
  if (!outputs.includes(format)) throw new OptionError(`--format must be one of ${outputs.map((e) => e.slice(1)).join(', ')}, got ${o.format}`);
  const names = (await readdir(o.input, { withFileTypes: true }))
    .filter((d) => d.isFile() && !d.name.startsWith('.') && accepts.includes(lower(d.name)))
    .map((d) => d.name)
    .sort();
  if (!names.length) throw new InputError(o.input, `holds no images to read (${accepts.join(', ')})`);
  const out = await stat(o.output).catch(() => null);
  let createdDir: string | null = null;
  if (out && !out.isDirectory()) throw new InputError(o.output, 'is a file; a folder of images goes to a folder');
  const seen = new Map<string, string>();
  const pairs = names.map((name) => {
    const output = join(o.output, `${basename(name, extname(name))}${format}`);
    const clash = seen.get(output);
    if (clash) throw new InputError(join(o.input, name), `and ${clash} would both be written to ${output} — rename one`);
    seen.set(output, join(o.input, name));
    return { input: join(o.input, name), output, temp: '' };
  });
  if (!out) {
    await checkWritableOutput(o.output);
    await mkdir(o.output);
    createdDir = o.output;
  }
  for (const p of pairs) {
    await checkWritableOutput(p.output, [p.input]);
    p.temp = tempPathFor(p.output);
  }
  return { pairs, createdDir };
}

/** One image ready for the model: the frame, the batch it may join, and what writing it back needs. */
type Prepared = {
  pair: Pair;
  frame: ModelFrame;
  width: number;
  height: number;
  model: ToneModel;
  info: HdrSourceInfo;
  side: SideInfo | null;
  finish: (out: Uint8Array) => Promise<void>;
};

/**
 * The shared loop: read a chunk of `batchSize` images (the next chunk is read while the model
 * works on this one), run the model on groups that share a size, model and target, write the
 * outputs to temporary names; rename them all only when every image is done.
 */
async function runImages(
  stage: string,
  o: Common,
  plan: { pairs: Pair[]; createdDir: string | null },
  batchSize: number,
  prepare: (pair: Pair) => Promise<Prepared>,
  run: (model: ToneModel, batch: Prepared[]) => Promise<Uint8Array[]>,
  modelOf: () => { id: string; hash: string },
): Promise<ImageJobResult> {
  const { pairs } = plan;
  const progress = new ProgressTracker(stage, pairs.length, o.onProgress);
  const times: StageTimes = { decode: 0, model: 0, encode: 0 };
  progress.watchStages(times);
  const chunks: Pair[][] = [];
  for (let i = 0; i < pairs.length; i += batchSize) chunks.push(pairs.slice(i, i + batchSize));
  const read = async (chunk: Pair[]): Promise<Prepared[]> => {
    const t0 = performance.now();
    // One at a time within a chunk: an image's error names it, and memory stays at one chunk.
    const out: Prepared[] = [];
    for (const p of chunk) {
      if (o.signal?.aborted) throw toCanceledError(o.signal);
      out.push(await prepare(p));
    }
    times.decode += (performance.now() - t0) / 1000;
    return out;
  };
  let next: Promise<Prepared[]> | null = null;
  try {
    next = read(chunks[0]!);
    for (let k = 0; k < chunks.length; k++) {
      const current = await next!;
      next = k + 1 < chunks.length ? read(chunks[k + 1]!) : null;
      next?.catch(() => {}); // observed when awaited
      const groups = new Map<string, Prepared[]>();
      for (const p of current) {
        const key = `${p.model.id}|${p.width}x${p.height}|${p.info.masteringPeak}|${p.info.maxCll}`;
        groups.set(key, [...(groups.get(key) ?? []), p]);
      }
      for (const group of groups.values()) {
        const t0 = performance.now();
        const outs = await run(group[0]!.model, group);
        times.model += (performance.now() - t0) / 1000;
        const t1 = performance.now();
        for (let i = 0; i < group.length; i++) {
          await group[i]!.finish(outs[i]!);
          progress.frameSent();
        }
        times.encode += (performance.now() - t1) / 1000;
      }
      if (o.signal?.aborted) throw toCanceledError(o.signal);
    }
    for (const p of pairs) await commitTemp(p.temp, p.output);
  } catch (err) {
    await next?.catch(() => {});
    await Promise.all(pairs.map((p) => discardTemp(p.temp)));
    if (plan.createdDir) await rmdir(plan.createdDir).catch(() => {});
    throw err;
  }
  let bytes = 0;
  for (const p of pairs) bytes += (await stat(p.output)).size;
  const { elapsed, fps } = progress.snapshot();
  return {
    output: o.output,
    outputs: pairs.map((p) => p.output),
    frames: pairs.length,
    seconds: elapsed,
    fps,
    bytes,
    bitrate: 0,
    model: modelOf(),
    stages: times,
  };
}

function batchOf(o: Common, model: ToneModel): number {
  const size = o.batchSize ?? model.preferredBatch.size;
  checkBatching(size, o.concurrency ?? 1);
  return size;
}

/**
 * HDR images (EXR, Radiance .hdr, PQ/HLG PNG, AVIF PQ where ffmpeg reads it) -> SDR JPEG or PNG
 * with the manifest embedded (JPEG: XMP in APP1; PNG: iTXt), so `restoreImages` brings the HDR
 * back. A folder in gives a folder out.
 *
 * @example await encodeImages({ input: 'sun.exr', output: 'sun.jpg' })
 */
export async function encodeImages(o: ImageEncodeOptions): Promise<ImageJobResult> {
  const exposure = o.exposure ?? 0;
  if (exposure !== 'auto' && !(Number.isFinite(exposure) && Math.abs(exposure) <= 30)) {
    throw new RangeError(`options.exposure must be 'auto' or stops in [-30, 30], got ${String(exposure)}`);
  }
  if (o.peak !== undefined && !(o.peak >= 100 && o.peak <= 10_000)) throw new RangeError(`options.peak must be in [100, 10000] cd/m², got ${o.peak}`);
  const plan = await planPairs(o, HDR_IMAGE_EXTENSIONS, SDR_IMAGE_OUTPUTS, 'jpg');
  const notJpeg = plan.pairs.find((p) => !/\.jpe?g$/i.test(p.output));
  if (o.ultraHdr && notJpeg) throw new OptionError(`${notJpeg.output}: an Ultra HDR gain map needs JPEG output (.jpg)`);
  const modelId = o.model ?? DEFAULT_MODEL;
  const model = await loadToneModel(modelId);
  try {
    const prepare = async (pair: Pair): Promise<Prepared> => {
      const img = await readHdrImage(pair.input, o.signal);
      const { width, height } = img;
      // Scene-referred values become cd/m²: 1.0 = 100 cd/m² (the scale restore's EXRs use) × 2^stops.
      let unit = img.scale === 'relative' ? EXR_NITS_PER_UNIT : 1;
      if (exposure === 'auto') {
        const y = new Float32Array(width * height);
        const [kr, kg, kb] = img.primaries === 'bt709' ? [0.2126, 0.7152, 0.0722] : [0.2627, 0.678, 0.0593];
        for (let i = 0; i < y.length; i++) y[i] = kr * img.r[i]! + kg * img.g[i]! + kb * img.b[i]!;
        const median = y.sort()[y.length >> 1]!;
        if (!(median > 0)) throw new InputError(pair.input, 'is black at its median: --exposure auto cannot choose an exposure — give stops instead');
        unit = AUTO_EXPOSURE_NITS / median;
      } else {
        unit *= 2 ** exposure;
      }
      const rgb = toBt2020(img);
      let max = 0;
      for (const p of [rgb.r, rgb.g, rgb.b]) for (let i = 0; i < p.length; i++) max = Math.max(max, p[i]! * unit);
      const peak = o.peak ?? (img.scale === 'nits' ? Math.min(10_000, Math.max(DEFAULT_MASTERING_PEAK, Math.ceil(max))) : DEFAULT_MASTERING_PEAK);
      for (const p of [rgb.r, rgb.g, rgb.b]) {
        for (let i = 0; i < p.length; i++) {
          const v = p[i]! * unit;
          p[i] = v > 0 ? (v < peak ? v : peak) : 0; // out-of-gamut negatives carry no light; the master clips at its peak
        }
      }
      const meter = new LightLevelMeter();
      meter.add(rgb.r, rgb.g, rgb.b);
      const light = meter.result();
      const even = paddedSize(width, height);
      const frame = hdrFrameFromNits(model.hdrFormat, even.width, even.height, padPlanes(rgb, width, height, even.width, even.height));
      const info: HdrSourceInfo = { width: even.width, height: even.height, transfer: 'pq', masteringPeak: peak, maxCll: light.maxCll };
      // analyze may smooth over a sequence; a still is a sequence of one, so each gets a fresh instance.
      const analyzer = await loadToneModel(modelId, { thread: 'main' });
      let side: SideInfo;
      try {
        side = analyzer.analyze([frame], info)[0]!;
      } finally {
        analyzer.dispose();
      }
      const sdrCodec = /\.png$/i.test(pair.output) ? 'png' : 'mjpeg';
      const manifest: Manifest = {
        format: MANIFEST_FORMAT,
        version: MANIFEST_VERSION,
        createdBy: `duhdr ${VERSION}`,
        source: {
          file: basename(pair.input),
          width,
          height,
          frameRate: { num: 1, den: 1 },
          frameCount: 1,
          transfer: 'pq',
          primaries: img.primaries,
          matrix: null,
          range: 'full',
          hdr10: { masteringDisplay: { ...P3_D65_DISPLAY, minLuminance: 0.0001, maxLuminance: peak }, contentLightLevel: light },
        },
        sdr: { width, height, pixelFormat: 'yuv420p', codec: sdrCodec },
        model: { id: model.id, hash: model.contentHash },
        sideInfo: { fields: [...model.sideInfoFields], frames: [[...side]] },
        image: { container: img.container, nitsPerUnit: img.scale === 'relative' ? unit : null },
      };
      return {
        pair, frame, width: even.width, height: even.height, model, info, side,
        finish: async (out) => {
          const sdr = cropPlanes(rgbFromSdrFrame(model.sdrFormat, even.width, even.height, out), even.width, width, height);
          let gainMapHdr: RgbPlanes | undefined;
          if (o.ultraHdr) {
            // The HDR the gain map should make is the model's restore of this very SDR frame.
            const [hdr] = await model.forward([{ data: out, planes: planeViews(model.sdrFormat, even.width, even.height, out) }], [side], info);
            gainMapHdr = cropPlanes(nitsFromHdrFrame(model.hdrFormat, even.width, even.height, hdr!), even.width, width, height);
            applyMatrix3(BT2020_TO_BT709, gainMapHdr.r, gainMapHdr.g, gainMapHdr.b, gainMapHdr.r, gainMapHdr.g, gainMapHdr.b);
            // Relative to SDR white: the model grades SDR for a 100 cd/m² display.
            for (const p of [gainMapHdr.r, gainMapHdr.g, gainMapHdr.b]) for (let i = 0; i < p.length; i++) p[i]! /= SDR_WHITE_NITS;
          }
          await writeSdrImage(pair.temp, width, height, interleave8(sdr), serializeManifest(manifest), o.signal, gainMapHdr);
        },
      };
    };
    return await runImages('encode', o, plan, batchOf(o, model), prepare,
      (m, batch) => m.reverse(batch.map((b) => b.frame), batch.map((b) => b.side!), batch[0]!.info),
      () => ({ id: model.id, hash: model.contentHash }));
  } finally {
    model.dispose();
  }
}

/** Shared by restore and upconvert: the SDR image as a model frame, and the writer of its HDR result. */
async function sdrPrepared(
  pair: Pair, o: Common & { exrPrimaries?: 'bt2020' | 'bt709' }, model: ToneModel,
  target: (w: number, h: number) => HdrSourceInfo, side: SideInfo | null, out: { primaries: 'bt2020' | 'bt709'; nitsPerUnit: number },
  img: Awaited<ReturnType<typeof readSdrImage>>,
): Promise<Prepared> {
  const { width, height } = img;
  const even = paddedSize(width, height);
  const frame = sdrFrameFromRgb(model.sdrFormat, even.width, even.height, padPlanes(img, width, height, even.width, even.height));
  return {
    pair, frame, width: even.width, height: even.height, model, info: target(even.width, even.height), side,
    finish: async (hdr) => {
      const nits = cropPlanes(nitsFromHdrFrame(model.hdrFormat, even.width, even.height, hdr), even.width, width, height);
      await writeHdrImage(pair.temp, width, height, nits, { primaries: o.exrPrimaries ?? out.primaries, nitsPerUnit: out.nitsPerUnit, ...(o.signal ? { signal: o.signal } : {}) });
    },
  };
}

/**
 * SDR images made by `encodeImages` (JPEG/PNG with the manifest) -> HDR: half-float linear EXR
 * (in the source's units and primaries unless asked otherwise), 16-bit PQ PNG with cICP, or AVIF
 * PQ where ffmpeg can encode it. The model and its hash must match the manifest.
 *
 * @example await restoreImages({ input: 'sun.jpg', output: 'sun.exr' })
 */
export async function restoreImages(o: ImageRestoreOptions): Promise<ImageJobResult> {
  const plan = await planPairs(o, SDR_IMAGE_EXTENSIONS, HDR_IMAGE_OUTPUTS, 'exr');
  const models = new Map<string, ToneModel>();
  let last = { id: o.model ?? DEFAULT_MODEL, hash: '' };
  try {
    const first = await loadToneModel(o.model ?? DEFAULT_MODEL);
    models.set(first.id, first);
    const prepare = async (pair: Pair): Promise<Prepared> => {
      const file = pair.input;
      const img = await readSdrImage(file, MANIFEST_MAX_BYTES, o.signal);
      if (img.manifest === null) {
        throw new InputError(file, 'carries no duhdr manifest — restore needs an image made by `duhdr encode`; for any other SDR image use `duhdr upconvert`');
      }
      const m = parseManifest(img.manifest, file);
      if (o.model && o.model !== m.model.id) {
        throw new ModelMismatchError(`${file}: was made with model ${m.model.id}, not ${o.model} — restore it with --model ${m.model.id} (or omit --model)`);
      }
      if (img.width !== m.sdr.width || img.height !== m.sdr.height) {
        throw new InputError(file, `is ${img.width}x${img.height} but its manifest says ${m.sdr.width}x${m.sdr.height} — the image was altered after encoding`);
      }
      let model = models.get(m.model.id);
      if (!model) {
        model = await loadToneModel(m.model.id).catch((err: unknown) => {
          throw new ModelMismatchError(`${file}: was made with model ${m.model.id}, which this duhdr does not have`, { cause: err });
        });
        models.set(model.id, model);
      }
      if (model.contentHash !== m.model.hash) {
        throw new ModelMismatchError(`${file}: was made with ${m.model.id} hash ${m.model.hash.slice(0, 12)}…, but this duhdr's ${model.id} has hash ${model.contentHash.slice(0, 12)}… — restore with the duhdr version that encoded it`);
      }
      if (m.sideInfo.fields.join(',') !== model.sideInfoFields.join(',') || m.sideInfo.frames.length !== 1) {
        throw new InputError(file, `manifest side info [${m.sideInfo.fields.join(', ')}] × ${m.sideInfo.frames.length} frames does not fit model ${model.id}'s single image [${model.sideInfoFields.join(', ')}]`);
      }
      last = { id: model.id, hash: model.contentHash };
      const hdr10 = m.source.hdr10;
      return sdrPrepared(pair, o, model, (width, height) => ({
        width, height, transfer: 'pq', masteringPeak: hdr10.masteringDisplay?.maxLuminance ?? DEFAULT_MASTERING_PEAK, maxCll: hdr10.contentLightLevel?.maxCll ?? null,
      }), m.sideInfo.frames[0]!, { primaries: m.source.primaries === 'bt709' ? 'bt709' : 'bt2020', nitsPerUnit: m.image?.nitsPerUnit ?? EXR_NITS_PER_UNIT }, img);
    };
    return await runImages('restore', o, plan, batchOf(o, first), prepare,
      (m, batch) => m.forward(batch.map((b) => b.frame), batch.map((b) => b.side), batch[0]!.info), () => last);
  } finally {
    for (const m of models.values()) m.dispose();
  }
}

/**
 * Any SDR image (JPEG, PNG, WebP) -> HDR, blind: the forward model restores from pixels alone for
 * a display of `masteringPeak` cd/m² (default 1000). EXR: 1.0 = 100 cd/m², BT.2020 unless asked.
 *
 * @example await upconvertImages({ input: 'photo.jpg', output: 'photo-pq.png' })
 */
export async function upconvertImages(o: ImageUpconvertOptions): Promise<ImageJobResult> {
  const peak = o.masteringPeak ?? DEFAULT_MASTERING_PEAK;
  if (!(peak >= 200 && peak <= 10_000)) throw new RangeError(`options.masteringPeak must be in [200, 10000] cd/m², got ${peak}`);
  const plan = await planPairs(o, SDR_IMAGE_EXTENSIONS, HDR_IMAGE_OUTPUTS, 'exr');
  const model = await loadToneModel(o.model ?? DEFAULT_MODEL);
  try {
    const prepare = async (pair: Pair): Promise<Prepared> => {
      const img = await readSdrImage(pair.input, MANIFEST_MAX_BYTES, o.signal);
      return sdrPrepared(pair, o, model, (width, height) => ({ width, height, transfer: 'pq', masteringPeak: peak, maxCll: null }), null,
        { primaries: 'bt2020', nitsPerUnit: EXR_NITS_PER_UNIT }, img);
    };
    return await runImages('upconvert', o, plan, batchOf(o, model), prepare,
      (m, batch) => m.forward(batch.map((b) => b.frame), batch.map(() => null), batch[0]!.info), () => ({ id: model.id, hash: model.contentHash }));
  } finally {
    model.dispose();
  }
}
