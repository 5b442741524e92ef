// The methods a round trip compares, as data: each says how the stream sent at one rung of the
// rate ladder is made and how the receiver gets HDR back from it. A tone model of src/runtime
// joins with one line (`toneModelMethod(id)`), or with none: `methodById` builds the method for
// any id `toneModelIds()` lists, and `blind:<id>` for its blind restore.

import { join } from 'node:path';
import {
  OptionError, SDR_BT709, binaries, runToCompletion, videoEncoderArgs, type EncoderSettings, type Hdr10Metadata,
} from '../io/index.js';
import { encode, readEmbeddedManifest, restore, transcode, upconvert, type ProgressListener } from '../pipeline/index.js';
import { toneModelIds } from '../runtime/index.js';
import { MOBIUS_DEFAULT_PARAM, tonemapFilterChain, type TonemapCurve, type TonemapParams } from './ffmpeg-tonemap.js';
import { inverseTonemapVideo } from './inverse-tonemap-job.js';

/** One rung of a ladder: its position and the encoder's constant-quality setting. */
export type Rung = { index: number; crf: number };

/** What a method sends: a video file and the bytes of side info that travel with it. */
export type SentStream = { file: string; sideInfoBytes: number };

/** What the runner gives each method. */
export type MethodContext = {
  input: string;
  /** The source's HDR10 metadata, carried into restored files. */
  hdr10: Hdr10Metadata;
  /** Signal peak of the source relative to 100 cd/m² (MaxCLL, else mastering peak, else 1000 cd/m²). */
  peak: number;
  /** Mastering display peak, cd/m² (the target of a blind restore). */
  masteringPeak: number;
  workDir: string;
  /** 8-bit SDR encoder at a rung. */
  sdrEncoder: (crf: number) => EncoderSettings;
  /** The same as a preset file (for the pipeline jobs, which take presets). */
  sdrPresetFile: (crf: number) => Promise<string>;
  /** 10-bit HDR10 encoder at a rung (hdr10-direct). */
  hdrEncoder: (crf: number) => EncoderSettings;
  /** Lossless 10-bit PQ output for restored HDR, so only the sent stream's coding is measured. */
  losslessEncoder: EncoderSettings;
  losslessPresetFile: string;
  /** Another method's stream at the same rung (made once, shared). */
  streamOf: (methodId: string, rung: Rung) => Promise<SentStream>;
  /** A progress listener for one step, named `what`. */
  progress: (what: string) => ProgressListener;
  signal: AbortSignal | undefined;
};

export type MethodSpec = {
  id: string;
  label: string;
  description: string;
  /** 'hdr': the stream is the HDR itself (hdr10-direct); 'sdr': an 8-bit SDR stream restored at the receiver. */
  kind: 'hdr' | 'sdr';
  /** Ids of methods whose streams this one reuses (so they are made first). */
  uses?: readonly string[];
  stream: (ctx: MethodContext, rung: Rung) => Promise<SentStream>;
  /** The HDR the receiver shows: a file path. */
  restore: (ctx: MethodContext, rung: Rung, sent: SentStream) => Promise<string>;
};

const file = (ctx: MethodContext, id: string, rung: Rung, what: string): string =>
  join(ctx.workDir, `${id.replace(/[^\w.-]/g, '_')}-crf${rung.crf}-${what}.mkv`);

const opt = (signal: AbortSignal | undefined): { signal?: AbortSignal } => (signal ? { signal } : {});

/** HDR10 sent as it is: x265 10-bit PQ at the HDR ladder — what a user picks when SDR compatibility does not matter. */
export const hdr10Direct: MethodSpec = {
  id: 'hdr10-direct',
  label: 'HDR10 direct',
  description: 'x265 10-bit PQ at the HDR CRF ladder; no SDR, nothing to restore',
  kind: 'hdr',
  async stream(ctx, rung) {
    const output = file(ctx, 'hdr10-direct', rung, 'hdr');
    await transcode({ input: ctx.input, output, encoder: ctx.hdrEncoder(rung.crf), onProgress: ctx.progress('encode'), ...opt(ctx.signal) });
    return { file: output, sideInfoBytes: 0 };
  },
  restore: async (_ctx, _rung, sent) => sent.file,
};

/**
 * ffmpeg's zscale + tonemap (desat=0) to BT.709 SDR on the SDR ladder, restored by the curve's
 * exact inverse. Side info: the filter's peak, one float64 for the clip.
 */
export function ffmpegTonemapMethod(curve: TonemapCurve): MethodSpec {
  const id = `ffmpeg-${curve}`;
  const params = (ctx: MethodContext): TonemapParams => ({ curve, peak: ctx.peak, param: MOBIUS_DEFAULT_PARAM });
  return {
    id,
    label: `ffmpeg ${curve}`,
    description: `ffmpeg zscale + tonemap=${curve}:desat=0 to BT.709 SDR; restored by the exact inverse of the curve`,
    kind: 'sdr',
    async stream(ctx, rung) {
      const output = file(ctx, id, rung, 'sdr');
      ctx.progress('ffmpeg tonemap + encode'); // announces the step; one ffmpeg command reports no frames
      await runToCompletion(binaries().ffmpeg.path, [
        '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
        '-i', ctx.input,
        '-map', '0:v:0',
        '-vf', tonemapFilterChain(params(ctx)),
        ...videoEncoderArgs(ctx.sdrEncoder(rung.crf), SDR_BT709, null),
        '-an', '-sn', '-dn',
        output,
      ], { label: `ffmpeg tonemap ${curve} of ${ctx.input}`, signal: ctx.signal });
      return { file: output, sideInfoBytes: 8 };
    },
    async restore(ctx, rung, sent) {
      const output = file(ctx, id, rung, 'restored');
      const p = ctx.progress('inverse tone map');
      let t0 = 0;
      await inverseTonemapVideo({
        input: sent.file, output, params: params(ctx), encoder: ctx.losslessEncoder, hdr10: ctx.hdr10, ...opt(ctx.signal),
        onFrame: (frames, total) => {
          t0 ||= performance.now();
          const elapsed = (performance.now() - t0) / 1000;
          p({ stage: '', frames, totalFrames: total, elapsed, fps: elapsed > 0 ? frames / elapsed : 0, eta: null, slowest: null });
        },
      });
      return output;
    },
  };
}

/**
 * duhdr's own encode/restore with a tone model of src/runtime: the SDR carries the manifest
 * (per-frame side info), counted as side info bytes.
 */
export function toneModelMethod(modelId: string, id: string = modelId): MethodSpec {
  return {
    id,
    label: id === modelId ? modelId : `${id} (${modelId})`,
    description: `duhdr encode/restore with the ${modelId} model (manifest and per-frame side info in the SDR file)`,
    kind: 'sdr',
    async stream(ctx, rung) {
      const output = file(ctx, id, rung, 'sdr');
      await encode({ input: ctx.input, output, model: modelId, preset: await ctx.sdrPresetFile(rung.crf), onProgress: ctx.progress('encode'), ...opt(ctx.signal) });
      const manifest = await readEmbeddedManifest(output, ctx.signal);
      return { file: output, sideInfoBytes: manifest === null ? 0 : Buffer.byteLength(manifest) };
    },
    async restore(ctx, rung, sent) {
      const output = file(ctx, id, rung, 'restored');
      await restore({ input: sent.file, output, preset: ctx.losslessPresetFile, onProgress: ctx.progress('restore'), ...opt(ctx.signal) });
      return output;
    },
  };
}

/**
 * Blind restore (`duhdr upconvert`, no side info) by `modelId` of the SDR that method `of`
 * sends: what a receiver without duhdr's manifest gets. Its rate is the SDR video alone.
 */
export function blindMethod(id: string, of: string, modelId: string): MethodSpec {
  return {
    id,
    label: id,
    description: `duhdr upconvert (${modelId}, no side info) of the ${of} SDR`,
    kind: 'sdr',
    uses: [of],
    async stream(ctx, rung) {
      const sent = await ctx.streamOf(of, rung);
      return { file: sent.file, sideInfoBytes: 0 };
    },
    async restore(ctx, rung, sent) {
      const output = file(ctx, id, rung, 'restored');
      await upconvert({
        input: sent.file, output, model: modelId, preset: ctx.losslessPresetFile, masteringPeak: ctx.masteringPeak,
        onProgress: ctx.progress('upconvert'), ...opt(ctx.signal),
      });
      return output;
    },
  };
}

/** The methods a round trip runs by default, in report order. Add a learned model with one line. */
export const METHODS: readonly MethodSpec[] = [
  hdr10Direct,
  ffmpegTonemapMethod('hable'),
  ffmpegTonemapMethod('mobius'),
  toneModelMethod('classical-soft', 'classical'),
  toneModelMethod('dual-v1'),
  // Blind restore: the learned forward network without side info, on the learned SDR.
  blindMethod('blind', 'dual-v1', 'dual-v1'),
];

/** The anchors BD-rates are measured against. */
export const ANCHORS = ['hdr10-direct', 'classical'] as const;

/**
 * A method by id: one of {@link METHODS}, any tone model id (`toneModelIds()`), or
 * `blind:<model id>` (that model's blind restore of its own SDR).
 */
export function methodById(id: string): MethodSpec {
  const known = METHODS.find((m) => m.id === id);
  if (known) return known;
  const models = toneModelIds();
  if (models.includes(id)) return toneModelMethod(id);
  const blind = /^blind:(.+)$/.exec(id);
  if (blind && models.includes(blind[1]!)) return blindMethod(id, blind[1]!, blind[1]!);
  throw new OptionError(
    `unknown method "${id}"; methods: ${[...METHODS.map((m) => m.id), ...models.filter((m) => !METHODS.some((x) => x.id === m)), ...models.map((m) => `blind:${m}`)].join(', ')}`,
  );
}

/** Methods for ids, with the methods they reuse added before them. */
export function resolveMethods(ids: readonly string[]): MethodSpec[] {
  const out: MethodSpec[] = [];
  const add = (id: string): void => {
    if (out.some((m) => m.id === id)) return;
    const m = methodById(id);
    for (const u of m.uses ?? []) add(u);
    out.push(m);
  };
  for (const id of ids) add(id);
  return out;
}
