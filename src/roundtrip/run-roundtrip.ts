// The round trip: every method at every rung of its rate ladder on one clip; each restored HDR
// measured against the source with src/eval's evaluate() (the numbers `duhdr eval` prints), each
// SDR with the SDR-look metrics, bitrates from the video packets (plus side info), and BD-rates
// of every method against the anchors.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bdRate, evaluate, type Evaluation, type HdrEvaluation, type RdPoint, type SdrEvaluation } from '../eval/index.js';
import { InputError, OptionError, UnsupportedInputError, checkBaseLayer, probe, speedPresetProblem, type EncoderSettings } from '../io/index.js';
import { constantRateCommand, type Progress, type ProgressListener } from '../pipeline/index.js';
import { ANCHORS, METHODS, resolveMethods, type MethodContext, type MethodSpec, type Rung, type SentStream } from './methods.js';
import { videoStreamBytes } from './stream-bytes.js';

/** Default ladders: CRFs of the 8-bit SDR encoder and of the 10-bit HDR10 encoder. */
export const DEFAULT_SDR_CRFS = [14, 20, 26, 32] as const;
export const DEFAULT_HDR_CRFS = [16, 22, 28, 34] as const;

export type RoundtripOptions = {
  /** HDR10 (PQ) source clip. */
  input: string;
  /** An existing directory for the streams and restored files. */
  workDir: string;
  /** Method ids (default: every method of {@link METHODS}). */
  methods?: readonly string[];
  /** SDR encoder (8-bit): x265 by default, so it is the same codec as hdr10-direct. */
  sdrCodec?: 'libx264' | 'libx265';
  sdrCrfs?: readonly number[];
  hdrCrfs?: readonly number[];
  /** x264/x265 preset for every ladder encode (default 'medium'). */
  encoderPreset?: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
};

export type RatePoint = {
  crf: number;
  /** The stream sent (SDR, or HDR10 for hdr10-direct) and the HDR the receiver restores. */
  stream: string;
  restored: string;
  videoBytes: number;
  sideInfoBytes: number;
  /** (video + side info) bits per second of the clip. */
  bitrate: number;
  hdr: HdrEvaluation;
  /** SDR-look metrics of the sent SDR against the source (null for hdr10-direct). */
  sdr: SdrEvaluation | null;
};

export type MethodResult = { id: string; label: string; description: string; kind: 'hdr' | 'sdr'; points: RatePoint[] };

/** BD-rate in percent (negative: fewer bits), or null with the reason it cannot be computed. */
export type BdValue = { value: number | null; reason?: string };

export type BdRateEntry = { method: string; anchor: string; pu21_psnr: BdValue; delta_e_itp: BdValue };

export type RoundtripResult = {
  input: string;
  width: number;
  height: number;
  frames: number;
  frameRate: number;
  duration: number;
  peakNits: number;
  encoders: { sdr: EncoderSettings; hdr: EncoderSettings; restoredLossless: EncoderSettings };
  methods: MethodResult[];
  bdRate: BdRateEntry[];
  seconds: number;
};

function checkLadder(name: string, crfs: readonly number[]): void {
  if (crfs.length < 4) throw new RangeError(`options.${name} needs at least 4 rates for BD-rate (a cubic fit), got ${crfs.length}`);
  for (const c of crfs) if (!Number.isInteger(c) || c < 0 || c > 51) throw new RangeError(`options.${name}: CRF must be an integer in [0, 51], got ${c}`);
  if (new Set(crfs).size !== crfs.length) throw new RangeError(`options.${name} has a repeated CRF`);
}

function bd(anchor: RdPoint[], test: RdPoint[]): BdValue {
  try {
    const v = bdRate(anchor, test);
    return Number.isFinite(v) ? { value: v } : { value: null, reason: 'not finite' };
  } catch (err) {
    if (err instanceof RangeError) return { value: null, reason: err.message.replace(/^bdRate: /, '') };
    throw err;
  }
}

/** BD-rates of every method against each anchor present, on PU21-PSNR and on ΔE_ITP. */
export function bdRates(methods: readonly MethodResult[]): BdRateEntry[] {
  const curve = (m: MethodResult, q: (p: RatePoint) => number): RdPoint[] => m.points.map((p) => ({ rate: p.bitrate, quality: q(p) }));
  const out: BdRateEntry[] = [];
  for (const anchorId of ANCHORS) {
    const anchor = methods.find((m) => m.id === anchorId);
    if (!anchor) continue;
    for (const m of methods) {
      if (m.id === anchorId) continue;
      out.push({
        method: m.id,
        anchor: anchorId,
        pu21_psnr: bd(curve(anchor, (p) => p.hdr.pu21_psnr), curve(m, (p) => p.hdr.pu21_psnr)),
        // Lower ΔE is better; BD-rate compares log-rate at equal quality either way.
        delta_e_itp: bd(curve(anchor, (p) => p.hdr.delta_e_itp), curve(m, (p) => p.hdr.delta_e_itp)),
      });
    }
  }
  return out;
}

/**
 * Runs every method at every rung on `input`, measures it, and returns every number (the files
 * stay in `workDir`, named in each point). Steps run one after another: the machine's cores go
 * to ffmpeg.
 *
 * @example const r = await runRoundtrip({ input: 'clip-pq.mkv', workDir: '/tmp/rt' })
 */
export async function runRoundtrip(options: RoundtripOptions): Promise<RoundtripResult> {
  const { input, workDir, signal } = options;
  const started = performance.now();
  const sdrCrfs = options.sdrCrfs ?? DEFAULT_SDR_CRFS;
  const hdrCrfs = options.hdrCrfs ?? DEFAULT_HDR_CRFS;
  checkLadder('sdrCrfs', sdrCrfs);
  checkLadder('hdrCrfs', hdrCrfs);
  const methods = resolveMethods(options.methods ?? METHODS.map((m) => m.id));
  const preset = options.encoderPreset ?? 'medium';
  const sdrCodec = options.sdrCodec ?? 'libx265';
  // Checked here: ffmpeg would only say, at the first rung, that it could not open the encoder.
  // The SDR codec is x264 or x265, which share their names with the HDR ladder's x265.
  const presetProblem = speedPresetProblem(sdrCodec, preset);
  if (presetProblem) throw new OptionError(`--encoder-preset ${preset}: ${presetProblem}`);

  const info = await probe(input, signal ? { signal } : {});
  const v = info.video;
  if (!v) throw new UnsupportedInputError(input, info.audio.length ? 'is audio only — roundtrip needs HDR10 video' : 'has no video stream');
  if (v.dynamicRange !== 'pq') {
    throw new UnsupportedInputError(input, `is ${v.dynamicRange === 'unknown' ? 'untagged' : v.dynamicRange.toUpperCase()} — roundtrip takes HDR10 (PQ) video`);
  }
  if (!v.frameCount) throw new InputError(input, 'has no frames');
  checkBaseLayer(info);
  if (v.variableFrameRate) {
    // duhdr reads it resampled to a constant rate, but ffmpeg's own routes keep its timing:
    // their frames would not line up with the source's.
    throw new UnsupportedInputError(input, `has a variable frame rate, which roundtrip cannot compare across methods — make it constant first, still HDR: ${constantRateCommand(v)}`);
  }
  const masteringPeak = v.hdr10.masteringDisplay?.maxLuminance ?? 1000;
  const peakNits = v.hdr10.contentLightLevel?.maxCll || masteringPeak;
  const frameRate = v.frameRateRational.num / v.frameRateRational.den;

  const sdrEncoder = (crf: number): EncoderSettings => ({ codec: sdrCodec, pixelFormat: 'yuv420p', preset, crf });
  const hdrEncoder = (crf: number): EncoderSettings => ({ codec: 'libx265', pixelFormat: 'yuv420p10le', preset, crf });
  const losslessEncoder: EncoderSettings = { codec: 'ffv1', pixelFormat: 'yuv420p10le', lossless: true };

  // The pipeline jobs take presets (files): write the ladder's and the lossless one beside the media.
  const presetDir = join(workDir, 'presets');
  await mkdir(presetDir, { recursive: true });
  const losslessPresetFile = join(presetDir, 'restored-lossless.json');
  await writeFile(losslessPresetFile, JSON.stringify({ kind: 'hdr', transfer: 'pq', description: 'lossless FFV1 10-bit PQ: restored HDR for measurement', encoder: losslessEncoder }));
  const sdrPresetFile = async (crf: number): Promise<string> => {
    const f = join(presetDir, `sdr-crf${crf}.json`);
    await writeFile(f, JSON.stringify({ kind: 'sdr', description: `ladder rung CRF ${crf}`, encoder: sdrEncoder(crf) }));
    return f;
  };

  // Progress: one step at a time, its label in `stage`, its frames when it reports them.
  const total = methods.reduce((n, m) => n + (m.kind === 'hdr' ? hdrCrfs : sdrCrfs).length, 0);
  let done = 0;
  let current = '';
  const emit = (p: Partial<Progress> & { stage: string }): void =>
    options.onProgress?.({ frames: 0, totalFrames: v.frameCount, elapsed: (performance.now() - started) / 1000, fps: 0, eta: null, slowest: null, ...p });
  const progress = (what: string): ProgressListener => {
    const stage = `[${done + 1}/${total}] ${current}: ${what}`;
    emit({ stage });
    return (p) => emit({ ...p, stage });
  };

  const streams = new Map<string, Promise<SentStream>>();
  const byId = new Map(methods.map((m) => [m.id, m]));
  const ctx: MethodContext = {
    input, hdr10: v.hdr10, peak: peakNits / 100, masteringPeak, workDir,
    sdrEncoder, sdrPresetFile, hdrEncoder, losslessEncoder, losslessPresetFile,
    streamOf: (id, rung) => streamOf(byId.get(id) ?? resolveMethods([id]).at(-1)!, rung),
    progress, signal,
  };
  function streamOf(m: MethodSpec, rung: Rung): Promise<SentStream> {
    const key = `${m.id}@${rung.crf}`;
    let s = streams.get(key);
    if (!s) {
      s = m.stream(ctx, rung);
      streams.set(key, s);
    }
    return s;
  }
  const sdrEvals = new Map<string, SdrEvaluation>();
  const measure = (file: string, what: string): Promise<Evaluation> => {
    const p = progress(what);
    const t0 = performance.now();
    return evaluate(input, file, {
      ...(signal ? { signal } : {}),
      onFrame: (frames) => {
        const elapsed = (performance.now() - t0) / 1000;
        p({ stage: '', frames, totalFrames: v.frameCount, elapsed, fps: elapsed > 0 ? frames / elapsed : 0, eta: null, slowest: null });
      },
    });
  };

  const results: MethodResult[] = [];
  for (const m of methods) {
    const ladder = m.kind === 'hdr' ? hdrCrfs : sdrCrfs;
    const points: RatePoint[] = [];
    for (const [index, crf] of ladder.entries()) {
      const rung: Rung = { index, crf };
      current = `${m.id} crf ${crf}`;
      const sent = await streamOf(m, rung);
      const restored = await m.restore(ctx, rung, sent);
      const hdr = await measure(restored, 'measure HDR');
      if (hdr.mode !== 'hdr') throw new InputError(restored, 'is not HDR — the method restored the wrong signal');
      let sdr: SdrEvaluation | null = null;
      if (m.kind === 'sdr') {
        const e = sdrEvals.get(sent.file) ?? (await measure(sent.file, 'measure SDR'));
        if (e.mode !== 'sdr') throw new InputError(sent.file, 'is not SDR — the method sent the wrong signal');
        sdrEvals.set(sent.file, e);
        sdr = e;
      }
      const videoBytes = await videoStreamBytes(sent.file, signal);
      const duration = hdr.frames / frameRate;
      points.push({
        crf, stream: sent.file, restored, videoBytes, sideInfoBytes: sent.sideInfoBytes,
        bitrate: ((videoBytes + sent.sideInfoBytes) * 8) / duration, hdr, sdr,
      });
      done++;
    }
    results.push({ id: m.id, label: m.label, description: m.description, kind: m.kind, points });
  }
  return {
    input,
    width: v.width,
    height: v.height,
    frames: v.frameCount,
    frameRate,
    duration: v.frameCount / frameRate,
    peakNits,
    encoders: { sdr: sdrEncoder(sdrCrfs[0]!), hdr: hdrEncoder(hdrCrfs[0]!), restoredLossless: losslessEncoder },
    methods: results,
    bdRate: bdRates(results),
    seconds: (performance.now() - started) / 1000,
  };
}
