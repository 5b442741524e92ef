// Real HDR images (and sparse frames of HDR videos) as a training set of paired views:
// PQ BT.2020 HDR of a random view, and the simulated camera's SDR of the same view.

import {
  BT2020_TO_BT709, BT709_TO_BT2020, PQ_MAX_NITS, pqEncodePlane, type Mat3,
} from '../../color/index.js';
import { CanceledError, InputError, toCanceledError, type LinearImage } from '../../io/index.js';
import { renderView } from '../../scene/index.js';
import { simulateCamera, type CameraOptions } from './camera.js';
import { HDR_STILL_EXTENSIONS, SUN_DOT_PATTERN, decodeHdrStill, repairSunDot } from './hdr-formats.js';
import { HDR_VIDEO_EXTENSIONS, readHdrVideoFrames } from './hdr-video.js';
import { buildPyramid, fitPlanes, randomCrop, sampleCrop, type Planes, type RgbImage } from './planes.js';
import { logUniform, randomInt, uniform, type Rng } from './rng.js';
import { listSources, type SourceEntry } from './sources.js';
import { isValidation } from './split.js';

export type PairedSample = {
  /** PQ-encoded BT.2020 R'G'B' in [0,1], absolute (code 1.0 = 10000 cd/m²). */
  hdr: RgbImage;
  /** Simulated camera SDR of the same view, pixel-aligned: BT.709 primaries, BT.1886 (γ 2.4) R'G'B' on the k/255 grid. */
  sdr: RgbImage;
  /** Peak (cd/m²) the HDR was clipped to, like a mastering display peak. */
  peakNits: number;
  /** Source name for logs. */
  source: string;
};

export type DatasetLoadOptions = {
  /** Longest side kept at load (area downscale); bounds memory. HDR default 1024, LDR 512. */
  maxSide?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /**
   * Given: an unreadable file is skipped and reported here (a one-line InputError naming it).
   * Not given: the first unreadable file fails the load with that error.
   */
  onSkip?: (error: InputError) => void;
  /** Frames taken from each video, evenly spaced. Default 6 (HDR), 8 (LDR). */
  framesPerVideo?: number;
};

export type HdrSampleOptions = {
  /** Camera ranges passed to simulateCamera. */
  camera?: CameraOptions;
  /** Mastering peaks drawn from (uniformly). Default [1000, 2000, 4000]. */
  peaks?: readonly number[];
  /** Range of the median-luminance key, cd/m² (log-uniform). Default [8, 40]. */
  keyNits?: readonly [number, number];
};

type HdrItem = {
  name: string;
  /** 2:1 equirectangular panorama: views are perspective renders. Else: scaled crops. */
  panorama: boolean;
  primaries: 'bt709' | 'bt2020';
  /** true: values are already cd/m² (PQ/HLG video); false: relative radiance. */
  absolute: boolean;
  pyramid: Planes<Float32Array>[];
};

const DEFAULT_PEAKS = [1000, 2000, 4000] as const;
// BT.2100 luminance weights (BT.2020 primaries).
const KR = 0.2627;
const KG = 0.678;
const KB = 0.0593;

function checkSize(width: number, height: number): void {
  for (const [k, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v <= 0 || v > 8192) throw new RangeError(`sample: ${k} must be an integer in [1, 8192], got ${v}`);
  }
}

function applyMat(m: Mat3, d: Float32Array): void {
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = m;
  for (let o = 0; o < d.length; o += 3) {
    const r = d[o]!;
    const g = d[o + 1]!;
    const b = d[o + 2]!;
    d[o] = m0 * r + m1 * g + m2 * b;
    d[o + 1] = m3 * r + m4 * g + m5 * b;
    d[o + 2] = m6 * r + m7 * g + m8 * b;
  }
}

/** Median luminance (BT.2020 weights) over a strided subset of ≤ ~4096 pixels. */
function medianY2020(d: Float32Array): number {
  const n = d.length / 3;
  const stride = Math.max(1, Math.floor(n / 4096));
  const ys = new Float32Array(Math.ceil(n / stride));
  let k = 0;
  for (let i = 0; i < n; i += stride) ys[k++] = KR * d[3 * i]! + KG * d[3 * i + 1]! + KB * d[3 * i + 2]!;
  const s = ys.subarray(0, k).sort();
  return s[k >> 1] ?? 0;
}

/** Loads entries one at a time through `decode`, with progress, abort and skip handling. */
export async function loadEntries<T>(
  sources: readonly string[],
  accept: ReadonlySet<string>,
  opts: Pick<DatasetLoadOptions, 'onProgress' | 'signal' | 'onSkip'>,
  decode: (entry: SourceEntry) => Promise<T[]>,
  concurrency = 1,
  enough?: (loaded: number) => boolean,
): Promise<T[]> {
  const list = await listSources(sources, accept);
  try {
    const { entries } = list;
    const results: T[][] = new Array(entries.length);
    let next = 0;
    let done = 0;
    let loaded = 0;
    let failure: unknown;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < entries.length && !(enough?.(loaded) ?? false)) {
        if (opts.signal?.aborted) throw toCanceledError(opts.signal);
        const i = next++;
        const entry = entries[i]!;
        try {
          results[i] = await decode(entry);
          loaded += results[i]!.length;
        } catch (err) {
          if (err instanceof InputError && !(err instanceof CanceledError) && opts.onSkip) {
            opts.onSkip(err);
            results[i] = [];
          } else {
            failure ??= err;
            throw err;
          }
        }
        opts.onProgress?.(++done, entries.length);
      }
    };
    const workers = Array.from({ length: Math.max(1, concurrency) }, () => worker());
    const settled = await Promise.allSettled(workers);
    if (failure !== undefined) throw failure;
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
    if (opts.signal?.aborted) throw toCanceledError(opts.signal);
    return results.flatMap((r) => r ?? []);
  } finally {
    await list.close();
  }
}

/**
 * HDR images (EXR, PFM, Radiance .hdr) and HDR videos (PQ/HLG, frames sampled sparsely) from
 * files, directories or .zip archives, served as random paired HDR/SDR views.
 *
 * @example
 * const set = await HdrImageSet.load(['../shared/data/hdr']);
 * const { train, val } = set.split(0.1);
 * const { hdr, sdr } = train.sample(createRng(1), 192, 108);
 */
export class HdrImageSet {
  readonly names: readonly string[];
  readonly #items: readonly HdrItem[];

  private constructor(items: readonly HdrItem[]) {
    this.#items = items;
    this.names = Object.freeze(items.map((i) => i.name));
  }

  /** Extensions read: HDR stills and HDR videos. */
  static readonly extensions: readonly string[] = [...HDR_STILL_EXTENSIONS, ...HDR_VIDEO_EXTENSIONS];

  static async load(sources: string[], opts: DatasetLoadOptions = {}): Promise<HdrImageSet> {
    const maxSide = opts.maxSide ?? 1024;
    if (!Number.isInteger(maxSide) || maxSide < 8) throw new RangeError(`options.maxSide must be an integer ≥ 8, got ${maxSide}`);
    const framesPerVideo = opts.framesPerVideo ?? 6;
    if (sources.length === 0) throw new RangeError('HdrImageSet.load: no sources given');
    const still = new Set<string>(HDR_STILL_EXTENSIONS);
    const items = await loadEntries(sources, new Set(HdrImageSet.extensions), opts, async (entry): Promise<HdrItem[]> => {
      if (still.has(entry.ext)) {
        const img = decodeHdrStill(await entry.read(), entry.label, entry.ext);
        if (SUN_DOT_PATTERN.test(entry.name)) repairSunDot(img);
        return [makeItem(entry.name, img, 'bt709', false, maxSide)];
      }
      const frames = await entry.withPath((p) => readHdrVideoFrames(p, entry.label, { maxSide, frames: framesPerVideo, signal: opts.signal }));
      return frames.map((f) => makeItem(`${entry.name}#${f.index}`, f, f.primaries, true, maxSide));
    });
    if (items.length === 0) {
      throw new InputError(sources.join(', '), `contains no readable HDR image or video (looked for ${HdrImageSet.extensions.join(' ')}, also inside .zip)`);
    }
    return new HdrImageSet(items);
  }

  /** Deterministic split by name (hash of the scene group), so train/val never share a scene. */
  split(valFraction: number): { train: HdrImageSet; val: HdrImageSet } {
    const val = this.#items.filter((i) => isValidation(i.name, valFraction));
    const train = this.#items.filter((i) => !isValidation(i.name, valFraction));
    return { train: new HdrImageSet(train), val: new HdrImageSet(val) };
  }

  /**
   * A random view of `width` x `height`: a perspective render for 2:1 panoramas (yaw uniform,
   * pitch ±20°, horizontal fov 40–90°), a random scaled crop with a random flip for other images;
   * exposed so the view's median luminance lands at a key log-uniform in 8–40 cd/m² (videos keep
   * their own cd/m², ±½ stop); clipped per channel to a random peak; PQ-encoded; and the simulated
   * camera's SDR of the same (clipped) light.
   */
  sample(rng: Rng, width: number, height: number, opts: HdrSampleOptions = {}): PairedSample {
    checkSize(width, height);
    if (this.#items.length === 0) throw new RangeError('HdrImageSet.sample: the set is empty (a split with no images on this side?)');
    const item = this.#items[randomInt(rng, this.#items.length)]!;
    const n = width * height;
    const lin = new Float32Array(3 * n);
    renderItem(item, rng, width, height, lin);
    if (item.primaries === 'bt709') applyMat(BT709_TO_BT2020, lin);

    let scale: number;
    if (item.absolute) {
      scale = 2 ** uniform(rng, -0.5, 0.5);
    } else {
      const [k0, k1] = opts.keyNits ?? [8, 40];
      const key = logUniform(rng, k0, k1);
      let med = medianY2020(lin);
      if (!(med > 0)) {
        // Mostly black view: anchor on the brightest value instead (it lands 10 stops above key).
        let peak = 0;
        for (let i = 0; i < lin.length; i++) peak = Math.max(peak, lin[i]!);
        med = peak > 0 ? peak / 1024 : 1;
      }
      scale = key / med;
    }
    const peaks = opts.peaks ?? DEFAULT_PEAKS;
    const peakNits = Math.min(PQ_MAX_NITS, peaks[randomInt(rng, peaks.length)]!);
    for (let i = 0; i < lin.length; i++) {
      const v = lin[i]! * scale;
      lin[i] = v > 0 ? (v < peakNits ? v : peakNits) : 0;
    }
    // The camera sees the same clipped light, in BT.709 (out-of-gamut negatives clamped).
    const cam = Float32Array.from(lin);
    applyMat(BT2020_TO_BT709, cam);
    for (let i = 0; i < cam.length; i++) if (!(cam[i]! > 0)) cam[i] = 0;
    pqEncodePlane(lin, lin);
    const sdr = simulateCamera({ width, height, data: cam }, rng, opts.camera);
    return { hdr: { width, height, data: lin }, sdr, peakNits, source: item.name };
  }
}

function makeItem(name: string, img: LinearImage, primaries: 'bt709' | 'bt2020', absolute: boolean, maxSide: number): HdrItem {
  const fitted = fitPlanes(img, maxSide);
  const panorama = Math.abs(fitted.width - 2 * fitted.height) <= 1;
  return { name, panorama, primaries, absolute, pyramid: buildPyramid(fitted, 16) };
}

/** Renders the random view of `item` into interleaved `out` (linear, the item's primaries). */
function renderItem(item: HdrItem, rng: Rng, width: number, height: number, out: Float32Array): void {
  const base = item.pyramid[0]!;
  if (!item.panorama) {
    sampleCrop(item.pyramid, randomCrop(rng, base.width, base.height, width, height), width, height, out);
    return;
  }
  const pose = { yaw: uniform(rng, -180, 180), pitch: uniform(rng, -20, 20), fov: uniform(rng, 40, 90) };
  // Pick the pyramid level with fewer than 2 panorama pixels per output pixel (no aliasing).
  let level = 0;
  while (level + 1 < item.pyramid.length && (base.width / 2 ** (level + 1)) * (pose.fov / 360) / width >= 1) level++;
  const src = item.pyramid[level]!;
  const n = width * height;
  const planes = { r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
  renderView(src, pose, width, height, planes);
  for (let i = 0; i < n; i++) {
    out[3 * i] = planes.r[i]!;
    out[3 * i + 1] = planes.g[i]!;
    out[3 * i + 2] = planes.b[i]!;
  }
}
