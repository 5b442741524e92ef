// The classical tone models: BT.2390 EETF on maxRGB (classical-bt2390; classical-soft, the
// default, ends the curve at a slope instead of flat), HDR10/HLG ⇄ BT.709 SDR, with one number of
// side info per frame (the peak the EETF was built for) so that the restore inverts exactly
// what the encode did.

import { createHash } from 'node:crypto';
import { PQ_MAX_NITS } from '../../color/index.js';
import { BufferPool, frameByteLength, planeViews, type PlanarFormat } from '../../io/index.js';
import { intoBuffer, type HdrSourceInfo, type ModelFrame, type SideInfo, type ToneModel } from '../tone-model.js';
import { Bt2390Eetf, EetfLut, MAX_TOP_SLOPE } from './bt2390-eetf.js';
import { MAX_WIDTH, measureKernel, type Planes } from './kernels.js';
import { forwardSimd, prepareSimd, reverseSimd } from './simd-kernels.js';
import { hlgDisplayTables } from './transfer-tables.js';

/** Constructor options of {@link ClassicalToneModel}; every one changes the output (and the contentHash). */
export type ClassicalToneModelOptions = {
  /** Peak of the SDR display the SDR is graded for, cd/m² (BT.1886 Lw; Lb = 0). Default 100. */
  targetPeak?: number;
  /** Frame rate the temporal smoothing of `analyze` assumes, frames/s. Default 24. */
  frameRate?: number;
  /** Time constant of the peak's exponential release (in log luminance), seconds. Default 0.5. */
  releaseSeconds?: number;
  /** A change of the frame's mean luminance by more than this many stops is a scene cut. Default 1. */
  sceneCutStops?: number;
  /** Decimals the side-info peak is rounded up to (1 → 0.1 cd/m²). Default 1. */
  peakDecimals?: number;
  /**
   * The EETF's slope at the frame's peak (normalised PQ domain, [0, 0.3]); bounds how much the
   * restore expands the SDR's top codes (see bt2390-eetf.ts). Default 0: BT.2390's EETF.
   */
  topSlope?: number;
};

export type ResolvedClassicalOptions = Required<ClassicalToneModelOptions>;

const DEFAULTS: ResolvedClassicalOptions = {
  targetPeak: 100,
  frameRate: 24,
  releaseSeconds: 0.5,
  sceneCutStops: 1,
  peakDecimals: 1,
  topSlope: 0,
};

/** The frame's measured peak is never taken below this multiple of the SDR peak. */
const PEAK_FLOOR_FACTOR = 2;
/** Added to both means before comparing them, cd/m², so noise in near-black frames is no cut. */
const SCENE_CUT_FLOOR_NITS = 1;
/** Statistics grid step of `analyze`, luma pixels (every other chroma sample). */
const ANALYSIS_STEP = 4;
/** Distinct peaks whose EETF tables are kept (~2 ms to build one). */
const EETF_CACHE_SIZE = 16;

const HDR_FORMAT: PlanarFormat = 'yuv420p10le';
const SDR_FORMAT: PlanarFormat = 'yuv420p';

function resolveOptions(options: ClassicalToneModelOptions): ResolvedClassicalOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`ClassicalToneModel: options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const o: ResolvedClassicalOptions = { ...DEFAULTS };
  const num = (name: keyof ClassicalToneModelOptions, lo: number, hi: number, integer = false): void => {
    const v = options[name];
    if (v === undefined) return;
    if (typeof v !== 'number') throw new TypeError(`options.${name} must be a number, got ${typeof v}`);
    if (!Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
      throw new RangeError(`options.${name} must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${v}`);
    }
    o[name] = v;
  };
  num('targetPeak', 10, 2000);
  num('frameRate', 1, 1000);
  num('releaseSeconds', 0, 60);
  num('sceneCutStops', 0.01, 20);
  num('peakDecimals', 0, 3, true);
  num('topSlope', 0, MAX_TOP_SLOPE);
  return o;
}

/** JSON with object keys sorted at every level, so equal content always hashes equal. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Planes of a frame in `format`, checked against the expected size. */
function framePlanes<T extends Uint8Array | Uint16Array>(
  frame: ModelFrame, format: PlanarFormat, width: number, height: number,
  kind: new (...args: never[]) => T, where: string,
): Planes<T> {
  const cLen = ((width + 1) >> 1) * ((height + 1) >> 1);
  const [y, cb, cr] = frame.planes;
  if (y instanceof kind && cb instanceof kind && cr instanceof kind) {
    if (y.length === width * height && cb.length === cLen && cr.length === cLen) return { y, cb, cr };
    throw new RangeError(
      `${where}: planes hold ${y.length}/${cb.length}/${cr.length} samples, expected ` +
        `${width * height}/${cLen}/${cLen} for ${format} ${width}x${height}`,
    );
  }
  const bytes = frameByteLength(format, width, height);
  if (frame.data instanceof Uint8Array && frame.data.byteLength === bytes && frame.data.byteOffset % 4 === 0) {
    const [vy, vcb, vcr] = planeViews(format, width, height, frame.data) as T[];
    return { y: vy!, cb: vcb!, cr: vcr! };
  }
  throw new TypeError(
    `${where}: expected a ${format} ${width}x${height} frame (3 ${kind.name} planes or ${bytes} bytes of data), ` +
      `got planes [${frame.planes.map((p) => p.constructor.name).join(', ')}] and ${frame.data?.byteLength ?? 'no'} bytes`,
  );
}

function checkSize(info: HdrSourceInfo, where: string): void {
  for (const k of ['width', 'height'] as const) {
    if (!Number.isInteger(info[k]) || info[k] <= 0) throw new RangeError(`${where}.${k} must be a positive integer, got ${info[k]}`);
  }
  if (info.width > MAX_WIDTH) {
    throw new RangeError(`${where}.width is ${info.width}; the classical model takes frames up to ${MAX_WIDTH} pixels wide`);
  }
  if (info.transfer !== 'pq' && info.transfer !== 'hlg') {
    throw new RangeError(`${where}.transfer must be 'pq' or 'hlg', got ${JSON.stringify(info.transfer)}`);
  }
  if (!(Number.isFinite(info.masteringPeak) && info.masteringPeak > 0)) {
    throw new RangeError(`${where}.masteringPeak must be a positive cd/m² value, got ${info.masteringPeak}`);
  }
}

/**
 * Classical HDR ⇄ SDR model: ITU-R BT.2390 EETF applied to maxRGB.
 *
 * - reverse (HDR → SDR): Y'CbCr BT.2020 10-bit → R'G'B' → PQ EOTF (or HLG inverse OETF + the
 *   luminance-based BT.2100 OOTF at Lw = mastering peak) → BT.2020 → BT.709 → negative
 *   components clipped to 0 → m = max(R, G, B), every channel scaled by EETF(m)/m with
 *   srcMax = the frame's peak (side info), dstMax = targetPeak, and the spline's slope at the
 *   peak = `topSlope` (0: BT.2390 as written; classical-soft uses 0.1) → BT.1886 inverse EOTF
 *   (V = (L/targetPeak)^(1/2.4)) → Y'CbCr BT.709 8-bit limited 4:2:0.
 * - forward (SDR → HDR): the same chain inverted (signals clamped to [0, 1] first), PQ or HLG
 *   per the target's transfer. Blind (null side info): peak = the target's mastering peak.
 * - Colours outside BT.709 are clipped into it and not restored; colours inside BT.709 and below
 *   the frame's peak round-trip up to 8-bit quantisation (amplified near the peak, where the
 *   EETF is flat). Pixels brighter than the measured peak (which the sparse analysis grid can
 *   miss) clip to the SDR peak and come back at the peak.
 * - analyze: per frame, the peak of maxRGB (BT.709, cd/m²) over every 4th pixel in both
 *   directions (at co-sited chroma samples), clamped to [2·targetPeak, masteringPeak];
 *   smoothed over time with instant attack and an exponential release (time constant
 *   `releaseSeconds` at `frameRate`, in log luminance), reset on a scene cut: the mean BT.2020
 *   luminance of the same samples moving by more than `sceneCutStops` (means compared with
 *   1 cd/m² added, so noise in near-black frames is no cut); rounded up to `peakDecimals`
 *   decimals. That rounded value is the side info, and the only peak reverse and forward use.
 *   The grid reads 1/16 of the pixels (luma at columns and rows 0, 4, 8, … with the chroma
 *   sample sited there, uninterpolated): a highlight smaller than ~4 pixels can be missed.
 *
 * The model keeps analysis state between `analyze` calls: one instance per video, or call
 * {@link resetAnalysis} between videos.
 *
 * @example
 * const model = new ClassicalToneModel({ targetPeak: 100 });
 * const side = model.analyze([frame], source);
 * const [sdr] = await model.reverse([frame], side, source);
 */
export class ClassicalToneModel implements ToneModel {
  readonly id: string;
  readonly contentHash: string;
  readonly sideInfoFields: readonly string[] = Object.freeze(['peakNits']);
  readonly hdrFormat: PlanarFormat = HDR_FORMAT;
  readonly sdrFormat: PlanarFormat = SDR_FORMAT;
  /** Synchronous on the calling thread (WebAssembly SIMD): one frame at a time, nothing to overlap. */
  readonly preferredBatch = Object.freeze({ size: 1, concurrency: 1 });
  readonly options: Readonly<ResolvedClassicalOptions>;
  readonly #release: number;
  readonly #quantum: number;
  #state: { peak: number; mean: number } | null = null;
  readonly #eetfCache = new Map<number, EetfLut>();
  /** Output buffers handed back by the caller (recycle), reused instead of allocated. */
  readonly #outputs = new BufferPool(8);
  #disposed = false;

  /** `id` names the variant in manifests (MODEL_TABLE's key); the options make its contentHash. */
  constructor(options: ClassicalToneModelOptions = {}, id = 'classical-bt2390') {
    this.options = Object.freeze(resolveOptions(options));
    this.id = id;
    const { topSlope, ...o } = this.options;
    // The worst case the model can meet (peak 10 000 cd/m²) must give a valid BT.2390 curve.
    new Bt2390Eetf({ srcMin: 0, srcMax: PQ_MAX_NITS, dstMin: 0, dstMax: o.targetPeak, topSlope });
    this.#release = o.releaseSeconds > 0 ? Math.exp(-1 / (o.releaseSeconds * o.frameRate)) : 0;
    this.#quantum = 10 ** o.peakDecimals;
    this.contentHash = createHash('sha256')
      .update(
        canonicalJson({
          id: this.id,
          version: 1,
          ...o,
          // Absent at 0 (BT.2390 itself), so files made before the option existed keep their hash.
          ...(topSlope > 0 ? { topSlope } : {}),
          peakFloorFactor: PEAK_FLOOR_FACTOR,
          sceneCutFloorNits: SCENE_CUT_FLOOR_NITS,
          analysisStep: ANALYSIS_STEP,
          eetf: 'bt2390-maxrgb',
          gamut: 'clip-negative-bt709',
          hdr: { format: HDR_FORMAT, matrix: 'bt2020nc', range: 'limited', hlgOotf: 'bt2100-luminance-lw-mastering' },
          sdr: { format: SDR_FORMAT, matrix: 'bt709', primaries: 'bt709', range: 'limited', transfer: 'bt1886', gamma: 2.4, black: 0 },
        }),
      )
      .digest('hex');
  }

  /** Forgets the temporal state of `analyze` (the next frame starts a new scene). */
  resetAnalysis(): void {
    this.#state = null;
  }

  /** The range a frame's peak is clamped to for `source`, cd/m². */
  peakRange(source: Pick<HdrSourceInfo, 'masteringPeak'>): { min: number; max: number } {
    const min = PEAK_FLOOR_FACTOR * this.options.targetPeak;
    return { min, max: Math.max(min, Math.min(source.masteringPeak, PQ_MAX_NITS)) };
  }

  analyze(frames: readonly ModelFrame[], source: HdrSourceInfo): SideInfo[] {
    this.#checkLive();
    checkSize(source, 'analyze: source');
    const hlg = source.transfer === 'hlg' ? hlgDisplayTables(source.masteringPeak) : null;
    const { min, max } = this.peakRange(source);
    const stops = this.options.sceneCutStops;
    return frames.map((frame, i) => {
      const planes = framePlanes(frame, HDR_FORMAT, source.width, source.height, Uint16Array, `analyze: frame ${i}`);
      const stats = measureKernel(source.width, source.height, planes, hlg);
      const target = Math.min(Math.max(stats.peakNits, min), max);
      const prev = this.#state;
      let peak = target;
      if (prev !== null && target < prev.peak) {
        const jump = Math.abs(Math.log2((stats.meanNits + SCENE_CUT_FLOOR_NITS) / (prev.mean + SCENE_CUT_FLOOR_NITS)));
        // Release in log luminance: the same fraction of the remaining ratio every frame.
        if (!(jump > stops)) peak = target * Math.exp(this.#release * Math.log(prev.peak / target));
      }
      this.#state = { peak, mean: stats.meanNits };
      // Rounded up, so the side-info peak is never below what was measured (the 1e-9 keeps
      // values already on the grid there despite float error).
      return [Math.ceil(peak * this.#quantum - 1e-9) / this.#quantum];
    });
  }

  async reverse(
    frames: readonly ModelFrame[], sideInfo: readonly SideInfo[], source: HdrSourceInfo, into?: readonly Uint8Array[],
  ): Promise<Uint8Array[]> {
    this.#checkLive();
    checkSize(source, 'reverse: source');
    if (sideInfo.length !== frames.length) {
      throw new RangeError(`reverse: got ${sideInfo.length} side-info entries for ${frames.length} frames; need one per frame`);
    }
    const { width, height } = source;
    const hlg = source.transfer === 'hlg' ? hlgDisplayTables(source.masteringPeak) : null;
    return frames.map((frame, i) => {
      const src = framePlanes(frame, HDR_FORMAT, width, height, Uint16Array, `reverse: frame ${i}`);
      const eetf = this.#eetfFor(this.#sidePeak(sideInfo[i], `reverse: sideInfo[${i}]`));
      const data = this.#output(into?.[i], frameByteLength(SDR_FORMAT, width, height), `reverse: into[${i}]`); // the kernel writes every byte
      const [y, cb, cr] = planeViews(SDR_FORMAT, width, height, data) as Uint8Array[];
      reverseSimd(width, height, src, { y: y!, cb: cb!, cr: cr! }, { hlg, eetf, dstPeak: this.options.targetPeak });
      return data;
    });
  }

  async forward(
    frames: readonly ModelFrame[], sideInfo: readonly (SideInfo | null)[], target: HdrSourceInfo, into?: readonly Uint8Array[],
  ): Promise<Uint8Array[]> {
    this.#checkLive();
    checkSize(target, 'forward: target');
    if (sideInfo.length !== frames.length) {
      throw new RangeError(`forward: got ${sideInfo.length} side-info entries for ${frames.length} frames; need one per frame (null for blind)`);
    }
    const { width, height } = target;
    const hlg = target.transfer === 'hlg' ? hlgDisplayTables(target.masteringPeak) : null;
    const blindPeak = this.peakRange(target).max;
    return frames.map((frame, i) => {
      const src = framePlanes(frame, SDR_FORMAT, width, height, Uint8Array, `forward: frame ${i}`);
      const side = sideInfo[i];
      const peak = side === null || side === undefined ? blindPeak : this.#sidePeak(side, `forward: sideInfo[${i}]`);
      const eetf = this.#eetfFor(peak);
      const data = this.#output(into?.[i], frameByteLength(HDR_FORMAT, width, height), `forward: into[${i}]`); // the kernel writes every byte
      const [y, cb, cr] = planeViews(HDR_FORMAT, width, height, data) as Uint16Array[];
      forwardSimd(width, height, src, { y: y!, cb: cb!, cr: cr! }, { hlg, eetf, dstPeak: this.options.targetPeak });
      return data;
    });
  }

  recycle(buffers: Uint8Array[]): void {
    for (const b of buffers) this.#outputs.give(b);
  }

  /** Load this thread's kernels and their static tables (~10 ms) before the first frame needs them. */
  warm(): void {
    prepareSimd();
  }

  dispose(): void {
    this.#disposed = true;
    this.#eetfCache.clear();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  #checkLive(): void {
    if (this.#disposed) throw new Error('ClassicalToneModel: used after dispose()');
  }

  /** The caller's buffer for an output, else one of ours. */
  #output(given: Uint8Array | undefined, bytes: number, where: string): Uint8Array {
    return intoBuffer(given, bytes, where) ?? this.#outputs.take(bytes);
  }

  #sidePeak(side: SideInfo | undefined, where: string): number {
    const peak = side?.[0];
    if (typeof peak !== 'number' || !Number.isFinite(peak) || peak <= 0 || peak > PQ_MAX_NITS) {
      throw new RangeError(`${where}: expected [peakNits] with peakNits in (0, ${PQ_MAX_NITS}] cd/m², got ${JSON.stringify(side)}`);
    }
    return peak;
  }

  #eetfFor(peak: number): EetfLut {
    let lut = this.#eetfCache.get(peak);
    if (lut !== undefined) {
      // Most recently used last, so the oldest is evicted first.
      this.#eetfCache.delete(peak);
    } else {
      lut = new EetfLut({ srcMin: 0, srcMax: peak, dstMin: 0, dstMax: this.options.targetPeak, topSlope: this.options.topSlope });
      if (this.#eetfCache.size >= EETF_CACHE_SIZE) this.#eetfCache.delete(this.#eetfCache.keys().next().value!);
    }
    this.#eetfCache.set(peak, lut);
    return lut;
  }
}
