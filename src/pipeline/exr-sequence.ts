import { stat } from 'node:fs/promises';
import { BT2020_TO_BT709, YuvFrameConverter, applyMatrix3, pqDecodePlane, type RgbPlanes } from '../color/index.js';
import { InputError, checkWritableOutput, commitTemp, discardTemp, isSequencePattern, planeViews, tempPathFor, writeExr } from '../io/index.js';

/** Where an EXR sequence's 1.0 sits: 100 cd/m² (SDR reference white), the usual grading scale. */
export const EXR_NITS_PER_UNIT = 100;

/**
 * Writes HDR10 frames (yuv420p10le, PQ BT.2020) as a numbered sequence of half-float linear
 * EXRs for grading: 1.0 = 100 cd/m², BT.2020 or BT.709 primaries. Frames go to temporary names
 * and are renamed only by `finish()`; `abort()` removes them.
 *
 * @example const sink = await ExrSequenceWriter.open('frames/%05d.exr', 1920, 1080, 'bt2020')
 */
export class ExrSequenceWriter {
  readonly pattern: string;
  readonly #converter: YuvFrameConverter;
  readonly #rgb: RgbPlanes;
  readonly #primaries: 'bt2020' | 'bt709';
  readonly #written: { temp: string; final: string }[] = [];
  readonly #width: number;
  readonly #height: number;

  private constructor(pattern: string, width: number, height: number, primaries: 'bt2020' | 'bt709') {
    this.pattern = pattern;
    this.#width = width;
    this.#height = height;
    this.#primaries = primaries;
    this.#converter = new YuvFrameConverter(width, height, { matrix: 'bt2020nc', range: 'limited', bitDepth: 10, subsampling: '420' });
    const n = width * height;
    this.#rgb = { r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
  }

  static async open(pattern: string, width: number, height: number, primaries: 'bt2020' | 'bt709' = 'bt2020'): Promise<ExrSequenceWriter> {
    if (!isSequencePattern(pattern)) {
      throw new InputError(pattern, 'an EXR output must be a numbered pattern such as frames/%05d.exr');
    }
    await checkWritableOutput(pattern);
    return new ExrSequenceWriter(pattern, width, height, primaries);
  }

  get framesWritten(): number {
    return this.#written.length;
  }

  /** One yuv420p10le PQ frame in, one EXR file out (numbered from 0). */
  async write(frame: Uint8Array): Promise<void> {
    const planes = planeViews('yuv420p10le', this.#width, this.#height, frame) as Uint16Array[];
    const { r, g, b } = this.#converter.toRgb(planes, this.#rgb);
    for (const p of [r, g, b]) {
      pqDecodePlane(p, p);
      for (let i = 0; i < p.length; i++) p[i]! /= EXR_NITS_PER_UNIT;
    }
    if (this.#primaries === 'bt709') applyMatrix3(BT2020_TO_BT709, r, g, b, r, g, b);
    const index = this.#written.length;
    const final = this.pattern.replace(/%(0?)(\d*)d/, (_, zero: string, width: string) => String(index).padStart(Number(width || 0), zero ? '0' : ' '));
    const temp = tempPathFor(final);
    this.#written.push({ temp, final });
    await writeExr(temp, { width: this.#width, height: this.#height, r, g, b });
  }

  async finish(): Promise<{ output: string; frames: number; bytes: number }> {
    let bytes = 0;
    for (const f of this.#written) {
      bytes += (await stat(f.temp)).size;
      await commitTemp(f.temp, f.final);
    }
    return { output: this.pattern, frames: this.#written.length, bytes };
  }

  async abort(): Promise<void> {
    await Promise.all(this.#written.map((f) => discardTemp(f.temp)));
  }
}
