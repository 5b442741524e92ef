// Real SDR photographs and footage without HDR, for the unpaired (semi-supervised) cycle and
// blind-restore checks: decoded by ffmpeg to 8-bit R'G'B', kept as Uint8 planes.

import { InputError } from '../../io/index.js';
import { decodeRgb24 } from './ffmpeg-decode.js';
import { loadEntries, type DatasetLoadOptions } from './hdr-set.js';
import { buildPyramid, randomCrop, sampleCrop, type Planes, type RgbImage } from './planes.js';
import { randomInt, type Rng } from './rng.js';
import { isValidation } from './split.js';

export const LDR_IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff'] as const;
export const LDR_VIDEO_EXTENSIONS = ['.mp4', '.mkv', '.mov', '.avi', '.mpg', '.mpeg', '.ogv', '.webm', '.m4v', '.ts', '.wmv', '.flv'] as const;

export type LdrLoadOptions = DatasetLoadOptions & {
  /** Stop after this many images (video frames count one each); the first ones in source order. */
  maxImages?: number;
};

type LdrItem = { name: string; pyramid: Planes<Uint8Array>[] };

/**
 * SDR images (JPEG, PNG, WebP, …) and sparse frames of SDR videos from files, directories or
 * .zip archives, served as random crops. Values are what the file holds: BT.709-ish gamma R'G'B'
 * on the k/255 grid (an sRGB JPEG is taken as it is, as a camera would have written it).
 *
 * @example const ldr = await LdrImageSet.load(['../shared/data/ldr'], { maxImages: 200 });
 */
export class LdrImageSet {
  readonly names: readonly string[];
  readonly #items: readonly LdrItem[];

  private constructor(items: readonly LdrItem[]) {
    this.#items = items;
    this.names = Object.freeze(items.map((i) => i.name));
  }

  static readonly extensions: readonly string[] = [...LDR_IMAGE_EXTENSIONS, ...LDR_VIDEO_EXTENSIONS];

  static async load(sources: string[], opts: LdrLoadOptions = {}): Promise<LdrImageSet> {
    const maxSide = opts.maxSide ?? 512;
    if (!Number.isInteger(maxSide) || maxSide < 8) throw new RangeError(`options.maxSide must be an integer ≥ 8, got ${maxSide}`);
    const maxImages = opts.maxImages ?? Infinity;
    if (!(maxImages > 0)) throw new RangeError(`options.maxImages must be positive, got ${maxImages}`);
    const frames = opts.framesPerVideo ?? 8;
    if (sources.length === 0) throw new RangeError('LdrImageSet.load: no sources given');
    const video = new Set<string>(LDR_VIDEO_EXTENSIONS);
    const signal = opts.signal;
    // Two ffmpeg children at a time: most of the cost is process start-up, not decoding.
    const all = await loadEntries(sources, new Set(LdrImageSet.extensions), opts, async (entry): Promise<LdrItem[]> => {
      if (video.has(entry.ext)) {
        const decoded = await entry.withPath((path) => decodeRgb24({ path, label: entry.label }, { maxSide, frames, signal }));
        return decoded.map((p, i) => ({ name: `${entry.name}#${i}`, pyramid: buildPyramid(p, 16) }));
      }
      const decoded = await decodeRgb24({ bytes: await entry.read(), label: entry.label }, { maxSide, signal });
      return [{ name: entry.name, pyramid: buildPyramid(decoded[0]!, 16) }];
    }, 2, (loaded) => loaded >= maxImages);
    const items = all.slice(0, Number.isFinite(maxImages) ? maxImages : all.length);
    if (items.length === 0) {
      throw new InputError(sources.join(', '), `contains no readable SDR image or video (looked for ${LdrImageSet.extensions.join(' ')}, also inside .zip)`);
    }
    return new LdrImageSet(items);
  }

  /** Deterministic split by name (hash of the scene group: a video's frames stay together). */
  split(valFraction: number): { train: LdrImageSet; val: LdrImageSet } {
    const val = this.#items.filter((i) => isValidation(i.name, valFraction));
    const train = this.#items.filter((i) => !isValidation(i.name, valFraction));
    return { train: new LdrImageSet(train), val: new LdrImageSet(val) };
  }

  /**
   * A random crop of `width` x `height` (scale log-uniform from 1:1 to the largest crop that fits,
   * bilinear from a 2x pyramid, horizontal flip with probability ½), re-quantised to k/255.
   */
  sample(rng: Rng, width: number, height: number): RgbImage {
    for (const [k, v] of [['width', width], ['height', height]] as const) {
      if (!Number.isInteger(v) || v <= 0 || v > 8192) throw new RangeError(`sample: ${k} must be an integer in [1, 8192], got ${v}`);
    }
    if (this.#items.length === 0) throw new RangeError('LdrImageSet.sample: the set is empty (a split with no images on this side?)');
    const item = this.#items[randomInt(rng, this.#items.length)]!;
    const base = item.pyramid[0]!;
    const data = new Float32Array(3 * width * height);
    sampleCrop(item.pyramid, randomCrop(rng, base.width, base.height, width, height), width, height, data);
    for (let i = 0; i < data.length; i++) data[i] = Math.round(data[i]!) / 255;
    return { width, height, data };
  }
}
