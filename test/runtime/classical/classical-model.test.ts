import { describe, expect, it } from 'vitest';
import { ycbcrToRgb } from '../../../src/color/index.js';
import { FrameReader, frameByteLength, planeViews } from '../../../src/io/index.js';
import { Bt2390Eetf, ClassicalToneModel, type HdrSourceInfo, type ModelFrame } from '../../../src/runtime/index.js';
import { forwardReference, reverseReference, type HdrSignal } from '../../../src/runtime/classical/reference.js';
import { sample } from '../../helpers/media.js';
import { encodeHdrFrame, imageFrom, modelFrame, psnr10, syntheticImage, type LinearImage } from './synthetic-frame.js';

const source = (width: number, height: number, transfer: 'pq' | 'hlg' = 'pq', masteringPeak = 1000): HdrSourceInfo => ({
  width, height, transfer, masteringPeak, maxCll: null,
});

const u16 = (frame: ModelFrame): { y: Uint16Array; cb: Uint16Array; cr: Uint16Array } => ({
  y: frame.planes[0] as Uint16Array, cb: frame.planes[1] as Uint16Array, cr: frame.planes[2] as Uint16Array,
});

/** Largest code difference and the fraction of codes that differ. */
function codeDiff(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; fraction: number } {
  expect(a.length).toBe(b.length);
  let max = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > 0) n++;
    if (d > max) max = d;
  }
  return { max, fraction: n / a.length };
}

/** SDR planes of a reverse output. */
const sdrPlanes = (data: Uint8Array, w: number, h: number): Uint8Array[] => planeViews('yuv420p', w, h, data) as Uint8Array[];
const hdrPlanes = (data: Uint8Array, w: number, h: number): Uint16Array[] => planeViews('yuv420p10le', w, h, data) as Uint16Array[];

/** Uniform grey patches of the given cd/m², side by side (each `patch` pixels wide, full height). */
function greyPatches(levels: readonly number[], patch = 16, height = 16): LinearImage {
  return imageFrom(levels.length * patch, height, (x) => {
    const l = levels[Math.floor(x / patch)]!;
    return [l, l, l];
  });
}

async function roundTrip(model: ClassicalToneModel, frame: ModelFrame, info: HdrSourceInfo): Promise<{ sdr: Uint8Array; hdr: Uint8Array; peak: number }> {
  const side = model.analyze([frame], info);
  const [sdr] = await model.reverse([frame], side, info);
  const [hdr] = await model.forward([modelFrame('yuv420p', info.width, info.height, sdr!)], side, info);
  return { sdr: sdr!, hdr: hdr!, peak: side[0]![0]! };
}

describe('ClassicalToneModel: interface', () => {
  it('declares its formats, side info and batching', () => {
    const model = new ClassicalToneModel();
    expect(model.id).toBe('classical-bt2390');
    expect(model.hdrFormat).toBe('yuv420p10le');
    expect(model.sdrFormat).toBe('yuv420p');
    expect(model.sideInfoFields).toEqual(['peakNits']);
    expect(model.preferredBatch).toEqual({ size: 1, concurrency: 1 });
    expect(model.options).toEqual({ targetPeak: 100, frameRate: 24, releaseSeconds: 0.5, sceneCutStops: 1, peakDecimals: 1, topSlope: 0 });
  });

  it('hashes every output-changing parameter into contentHash', () => {
    const base = new ClassicalToneModel().contentHash;
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(new ClassicalToneModel({ frameRate: 24, targetPeak: 100 }).contentHash).toBe(base);
    const changed = [
      { targetPeak: 120 }, { frameRate: 25 }, { releaseSeconds: 1 }, { sceneCutStops: 2 }, { peakDecimals: 0 }, { topSlope: 0.1 },
    ].map((o) => new ClassicalToneModel(o).contentHash);
    changed.push(new ClassicalToneModel({}, 'classical-other').contentHash);
    expect(new Set([base, ...changed]).size).toBe(changed.length + 1);
    // topSlope 0 is BT.2390 itself: the hash files were made with before the option existed.
    expect(new ClassicalToneModel({ topSlope: 0 }).contentHash).toBe(base);
    expect(base).toBe('683ef2d2c001b0175884930708362e7d85ec8e02eb5c104b0f1b27da6eb75725');
  });

  it('validates options, frames and side info, saying what was expected', async () => {
    expect(() => new ClassicalToneModel({ targetPeak: 5 })).toThrow(RangeError);
    expect(() => new ClassicalToneModel({ targetPeak: 5 })).toThrow('options.targetPeak must be a number in [10, 2000], got 5');
    expect(() => new ClassicalToneModel({ peakDecimals: 0.5 })).toThrow('options.peakDecimals must be an integer in [0, 3], got 0.5');
    expect(() => new ClassicalToneModel({ frameRate: '24' as unknown as number })).toThrow(TypeError);
    const model = new ClassicalToneModel();
    const frame = encodeHdrFrame(greyPatches([10, 100]), 'pq');
    const info = source(32, 16);
    await expect(model.reverse([frame], [], info)).rejects.toThrow('reverse: got 0 side-info entries for 1 frames; need one per frame');
    await expect(model.reverse([frame], [[Number.NaN]], info)).rejects.toThrow(/reverse: sideInfo\[0\]: expected \[peakNits\] with peakNits in \(0, 10000\] cd\/m², got \[null\]/);
    await expect(model.reverse([frame], [[500]], source(30, 16))).rejects.toThrow(/reverse: frame 0: planes hold 512\/128\/128 samples, expected 480\/120\/120 for yuv420p10le 30x16/);
    expect(() => model.analyze([frame], { ...info, transfer: 'linear' as 'pq' })).toThrow("analyze: source.transfer must be 'pq' or 'hlg', got \"linear\"");
    model.dispose();
    expect(() => model.analyze([frame], info)).toThrow('ClassicalToneModel: used after dispose()');
  });

  it('returns new frame buffers of the output format, and accepts frames given as bytes only', async () => {
    const model = new ClassicalToneModel();
    const info = source(32, 16);
    const frame = encodeHdrFrame(greyPatches([10, 100]), 'pq');
    const [a, b] = await model.reverse([frame, { data: frame.data, planes: [] }], [[500], [500]], info);
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a!.byteLength).toBe(frameByteLength('yuv420p', 32, 16));
    expect(a!.buffer).not.toBe(b!.buffer);
    expect(Array.from(b!)).toEqual(Array.from(a!));
    const [h] = await model.forward([modelFrame('yuv420p', 32, 16, a!)], [[500]], info);
    expect(h!.byteLength).toBe(frameByteLength('yuv420p10le', 32, 16));
  });

  it('writes into the buffers given as `into` (shared memory too), and refuses one of the wrong size', async () => {
    const model = new ClassicalToneModel();
    const info = source(32, 16);
    const frame = encodeHdrFrame(greyPatches([10, 100]), 'pq');
    const [own] = await model.reverse([frame], [[500]], info);
    const into = new Uint8Array(new SharedArrayBuffer(frameByteLength('yuv420p', 32, 16)));
    const [sdr] = await model.reverse([frame], [[500]], info, [into]);
    expect(sdr).toBe(into);
    expect(Array.from(sdr!)).toEqual(Array.from(own!));
    const hdrInto = new Uint8Array(frameByteLength('yuv420p10le', 32, 16)).fill(0xff);
    const [hdr] = await model.forward([modelFrame('yuv420p', 32, 16, sdr!)], [[500]], info, [hdrInto]);
    const [hdrOwn] = await model.forward([modelFrame('yuv420p', 32, 16, own!)], [[500]], info);
    expect(hdr).toBe(hdrInto);
    expect(Array.from(hdr!)).toEqual(Array.from(hdrOwn!));
    await expect(model.reverse([frame], [[500]], info, [new Uint8Array(10)])).rejects.toThrow(
      `reverse: into[0]: an output frame is ${frameByteLength('yuv420p', 32, 16)} bytes, got a buffer of 10`,
    );
  });
});

describe('ClassicalToneModel: pixels', () => {
  const cases: { transfer: 'pq' | 'hlg'; w: number; h: number }[] = [
    { transfer: 'pq', w: 322, h: 182 },
    { transfer: 'pq', w: 321, h: 181 },
    { transfer: 'hlg', w: 322, h: 182 },
  ];
  it.each(cases)('matches the reference chain of src/color + the exact EETF to ±1 code at ties ($transfer $w x $h)', async ({ transfer, w, h }) => {
    const model = new ClassicalToneModel();
    const info = source(w, h, transfer);
    const frame = encodeHdrFrame(syntheticImage(w, h), transfer);
    const { sdr, hdr, peak } = await roundTrip(model, frame, info);
    const signal: HdrSignal = transfer === 'pq' ? { transfer } : { transfer, lw: 1000 };
    const exact = new Bt2390Eetf({ srcMin: 0, srcMax: peak, dstMin: 0, dstMax: 100 });
    const refSdr = reverseReference(w, h, u16(frame), signal, exact, 100);
    const s = sdrPlanes(sdr, w, h);
    for (const [k, plane] of [refSdr.y, refSdr.cb, refSdr.cr].entries()) {
      const d = codeDiff(s[k]!, plane);
      expect(d.max).toBeLessThanOrEqual(1);
      expect(d.fraction).toBeLessThan(1e-3);
    }
    // Forward from the same SDR.
    const refHdr = forwardReference(w, h, { y: s[0]!, cb: s[1]!, cr: s[2]! }, signal, exact, 100);
    const o = hdrPlanes(hdr, w, h);
    for (const [k, plane] of [refHdr.y, refHdr.cb, refHdr.cr].entries()) {
      const d = codeDiff(o[k]!, plane);
      expect(d.max).toBeLessThanOrEqual(1);
      expect(d.fraction).toBeLessThan(2e-3);
    }
  });

  // Floors measured on this content, ~1.3 dB below what the model reaches (PQ: 47.9 dB over
  // Y+Cb+Cr, 46.3 dB Y; HLG: 44.3 / 42.7). The loss is the 8-bit SDR in the middle: mid-tones
  // lose ±½ SDR code ≈ ±1 10-bit PQ code, but BT.2390's curve is flat at its peak, so the top
  // SDR codes each span many HDR codes (234 → 235 is 496 → 1000 cd/m², 67 PQ luma codes for a
  // 1000 cd/m² peak) and the 1000 cd/m² highlights dominate the error.
  it.each([
    { transfer: 'pq' as const, all: 46.5, luma: 45 },
    { transfer: 'hlg' as const, all: 43, luma: 41.5 },
  ])('round-trips a synthetic $transfer frame (gradients, saturated BT.709 colours, 1000 cd/m² highlights)', async ({ transfer, all, luma }) => {
    const w = 320;
    const h = 180;
    const frame = encodeHdrFrame(syntheticImage(w, h), transfer);
    const { hdr } = await roundTrip(new ClassicalToneModel(), frame, source(w, h, transfer));
    expect(psnr10(frame.data, hdr, w, h)).toBeGreaterThan(all);
    expect(psnr10(frame.data, hdr, w, h, [0])).toBeGreaterThan(luma);
  });

  // topSlope 0.1 (classical-soft) bounds how far the top SDR codes expand: measured on the same
  // frame 55.0 dB (Y 53.4) for PQ and 50.6 (Y 49.1) for HLG: Y 7.0 and 6.1 dB above BT.2390.
  it.each(['pq', 'hlg'] as const)('round-trips the synthetic %s frame ≥ 5 dB closer (Y) with topSlope 0.1 than with BT.2390', async (transfer) => {
    const w = 320;
    const h = 180;
    const frame = encodeHdrFrame(syntheticImage(w, h), transfer);
    const hard = await roundTrip(new ClassicalToneModel(), frame, source(w, h, transfer));
    const soft = await roundTrip(new ClassicalToneModel({ topSlope: 0.1 }, 'classical-soft'), frame, source(w, h, transfer));
    expect(soft.peak).toBe(hard.peak);
    const gain = psnr10(frame.data, soft.hdr, w, h, [0]) - psnr10(frame.data, hard.hdr, w, h, [0]);
    expect(gain).toBeGreaterThan(5);
  });

  // Real footage: measured 51.4–51.7 dB (Y 49.7–50.0) on the first three frames.
  it('round-trips the first frames of samples/city-pq.mkv above 50 dB PQ-PSNR (Y above 48.5)', async () => {
    const reader = await FrameReader.open(sample('city-pq.mkv'), { format: 'yuv420p10le', maxFrames: 3 });
    const model = new ClassicalToneModel();
    const info = source(reader.width, reader.height);
    let frames = 0;
    for await (const f of reader) {
      const frame = { data: f.data, planes: f.planes };
      const { hdr } = await roundTrip(model, frame, info);
      expect(psnr10(f.data, hdr, info.width, info.height)).toBeGreaterThan(50);
      expect(psnr10(f.data, hdr, info.width, info.height, [0])).toBeGreaterThan(48.5);
      frames++;
    }
    expect(frames).toBe(3);
  });

  it('keeps neutral greys neutral in the SDR and back', async () => {
    const levels = [0.01, 0.1, 1, 5, 20, 50, 100, 200, 500, 1000];
    const img = greyPatches(levels);
    const info = source(img.width, img.height);
    const frame = encodeHdrFrame(img, 'pq');
    const { sdr, hdr } = await roundTrip(new ClassicalToneModel(), frame, info);
    const [, cb, cr] = sdrPlanes(sdr, img.width, img.height);
    for (const c of [...cb!, ...cr!]) expect(Math.abs(c - 128)).toBeLessThanOrEqual(1);
    const [, hcb, hcr] = hdrPlanes(hdr, img.width, img.height);
    for (const c of [...hcb!, ...hcr!]) expect(Math.abs(c - 512)).toBeLessThanOrEqual(1);
  });

  it('compresses highlights above the knee but keeps them ordered; diffuse white is bright, not clipped', async () => {
    // Not 500–999: BT.2390 is flat at its peak, so with a 1000 cd/m² peak everything from
    // ~496 cd/m² up shares the top two SDR codes (ordered, but not strictly in 8 bits).
    const levels = [20, 50, 100, 150, 200, 300, 400, 1000];
    const img = greyPatches(levels);
    const info = source(img.width, img.height);
    const model = new ClassicalToneModel();
    const frame = encodeHdrFrame(img, 'pq');
    const side = model.analyze([frame], info);
    expect(side).toEqual([[1000]]);
    const [sdr] = await model.reverse([frame], side, info);
    const y = sdrPlanes(sdr!, img.width, img.height)[0]!;
    // Centre of each patch, row 8.
    const codes = levels.map((_, i) => y[8 * img.width + 16 * i + 8]!);
    for (let i = 1; i < codes.length; i++) expect(codes[i]!).toBeGreaterThan(codes[i - 1]!);
    // …and a finer ladder stays non-decreasing all the way up.
    const ladder = Array.from({ length: 40 }, (_, i) => 30 * 1.09 ** i);
    const fine = greyPatches(ladder, 8, 8);
    const fineInfo = source(fine.width, fine.height);
    const [fineSdr] = await model.reverse([encodeHdrFrame(fine, 'pq')], [[1000]], fineInfo);
    const fy = sdrPlanes(fineSdr!, fine.width, fine.height)[0]!;
    for (let i = 1; i < ladder.length; i++) expect(fy[4 * fine.width + 8 * i + 4]!).toBeGreaterThanOrEqual(fy[4 * fine.width + 8 * i - 4]!);
    const sdrNits = (code: number): number => 100 * ((code - 16) / 219) ** 2.4;
    const knee = new Bt2390Eetf({ srcMin: 0, srcMax: 1000, dstMin: 0, dstMax: 100 }).kneeNits;
    // Identity below the knee (~28 cd/m²), then more compression the brighter the input.
    expect(Math.abs(sdrNits(codes[0]!) / levels[0]! - 1)).toBeLessThan(0.03);
    const ratios = levels.map((l, i) => sdrNits(codes[i]!) / l);
    for (let i = 1; i < levels.length; i++) {
      expect(levels[i]!).toBeGreaterThan(knee);
      expect(ratios[i]!).toBeLessThan(Math.min(ratios[i - 1]!, 0.97));
    }
    expect(codes.at(-1)).toBe(235);
    // 100 cd/m² HDR (diffuse white) → E(100) ≈ 69 cd/m² → code ≈ 204: bright, well short of 235.
    expect(codes[2]!).toBeGreaterThan(190);
    expect(codes[2]!).toBeLessThan(220);
  });

  it('tone maps on maxRGB: a bright saturated colour keeps its channel ratios (hue and saturation)', async () => {
    const colours: [number, number, number][] = [[600, 60, 60], [60, 600, 60], [60, 60, 600], [300, 300, 30]];
    const img = imageFrom(64, 16, (x) => colours[Math.floor(x / 16)]!);
    const info = source(64, 16);
    const model = new ClassicalToneModel();
    const [sdr] = await model.reverse([encodeHdrFrame(img, 'pq')], [[1000]], info);
    const [y, cb, cr] = sdrPlanes(sdr!, 64, 16);
    colours.forEach((c, p) => {
      const [r, g, b] = ycbcrToRgb({ matrix: 'bt709', range: 'limited', bitDepth: 8 }, y![8 * 64 + 16 * p + 8]!, cb![4 * 32 + 8 * p + 4]!, cr![4 * 32 + 8 * p + 4]!);
      const lin = [r, g, b].map((v) => Math.max(v, 0) ** 2.4);
      const m = Math.max(...lin);
      const cm = Math.max(...c);
      // Compressed (600 → ~99 cd/m²) but with the HDR ratios: a per-channel curve would squeeze
      // 600:60 to ~99:52.
      expect(100 * m).toBeLessThan(cm / 3);
      for (let k = 0; k < 3; k++) expect(Math.abs(lin[k]! / m - c[k]! / cm)).toBeLessThan(0.03);
    });
  });

  it('round-trips saturated colours inside BT.709; clips colours outside it (not restored)', async () => {
    // Left half: BT.709 primaries and secondaries at 40 cd/m² max channel; right half: pure
    // BT.2020 green, outside BT.709.
    const colours: [number, number, number][] = [[40, 2, 2], [2, 40, 2], [2, 2, 40], [40, 40, 2], [2, 40, 40], [40, 2, 40]];
    const inGamut = imageFrom(96, 16, (x) => colours[Math.floor(x / 16)]!);
    const info = source(96, 16);
    const frame = encodeHdrFrame(inGamut, 'pq');
    const { hdr } = await roundTrip(new ClassicalToneModel(), frame, info);
    const a = hdrPlanes(frame.data, 96, 16);
    const b = hdrPlanes(hdr, 96, 16);
    // Patch centres (away from the chroma edges between patches).
    for (let p = 0; p < colours.length; p++) {
      for (const k of [0, 1, 2]) {
        const w = k === 0 ? 96 : 48;
        const x = k === 0 ? 16 * p + 8 : 8 * p + 4;
        const row = k === 0 ? 8 : 4;
        expect(Math.abs(a[k]![row * w + x]! - b[k]![row * w + x]!)).toBeLessThanOrEqual(3);
      }
    }
    const wide = encodeHdrFrame(imageFrom(32, 16, () => [0, 40, 0]), 'pq', 1000, 'bt2020');
    const back = await roundTrip(new ClassicalToneModel(), wide, source(32, 16));
    const cr0 = hdrPlanes(wide.data, 32, 16)[2]![4 * 16 + 8]!;
    const cr1 = hdrPlanes(back.hdr, 32, 16)[2]![4 * 16 + 8]!;
    expect(Math.abs(cr1 - cr0)).toBeGreaterThan(10);
  });

  it('restores blind (null side info) as if the peak were the target mastering peak', async () => {
    const w = 64;
    const h = 36;
    const model = new ClassicalToneModel();
    const info = source(w, h, 'pq', 4000);
    const frame = encodeHdrFrame(syntheticImage(w, h), 'pq');
    const [sdr] = await model.reverse([frame], [[1000]], info);
    const sdrFrame = modelFrame('yuv420p', w, h, sdr!);
    const [blind, guided4000, guided1000] = await model.forward([sdrFrame, sdrFrame, sdrFrame], [null, [4000], [1000]], info);
    expect(Array.from(blind!)).toEqual(Array.from(guided4000!));
    expect(Array.from(blind!)).not.toEqual(Array.from(guided1000!));
    // Blind restore of SDR made with another peak still gives a plausible HDR picture.
    expect(psnr10(frame.data, blind!, w, h)).toBeGreaterThan(25);
    expect(psnr10(frame.data, guided1000!, w, h)).toBeGreaterThan(psnr10(frame.data, blind!, w, h));
  });

  it('restores into an HLG target from SDR of a PQ source', async () => {
    const w = 64;
    const h = 36;
    const model = new ClassicalToneModel();
    const pqFrame = encodeHdrFrame(syntheticImage(w, h), 'pq');
    const side = model.analyze([pqFrame], source(w, h));
    const [sdr] = await model.reverse([pqFrame], side, source(w, h));
    const [hlg] = await model.forward([modelFrame('yuv420p', w, h, sdr!)], side, source(w, h, 'hlg'));
    const hlgFrame = encodeHdrFrame(syntheticImage(w, h), 'hlg');
    expect(psnr10(hlgFrame.data, hlg!, w, h)).toBeGreaterThan(35);
  });
});

describe('ClassicalToneModel: analyze', () => {
  const W = 128;
  const H = 64;
  const info = source(W, H);
  /**
   * Mid-grey background of `bg` cd/m² with an 8×8 highlight of `peak` cd/m² (1/128 of the
   * picture: it moves the mean by well under a stop; 4 analysis samples fall inside it).
   */
  const scene = (bg: number, peak: number): ModelFrame =>
    encodeHdrFrame(imageFrom(W, H, (x, y) => (x >= 56 && x < 64 && y >= 24 && y < 32 ? [peak, peak, peak] : [bg, bg, bg])), 'pq');

  it('gives constant side info for constant content, rounded up to 0.1 cd/m²', () => {
    const model = new ClassicalToneModel();
    const f = scene(20, 613.37);
    const side = model.analyze(Array.from({ length: 8 }, () => f), info);
    expect(new Set(side.map((s) => s[0])).size).toBe(1);
    const p = side[0]![0]!;
    expect(Math.round(p * 10)).toBeCloseTo(p * 10, 9);
    // 613.37 cd/m² after 10-bit PQ quantisation (a code is ~0.1% there).
    expect(Math.abs(p / 613.37 - 1)).toBeLessThan(2e-3);
  });

  it('clamps the peak to [2·targetPeak, masteringPeak]', () => {
    const model = new ClassicalToneModel();
    expect(model.analyze([scene(5, 50)], info)).toEqual([[200]]);
    model.resetAnalysis();
    expect(model.analyze([scene(20, 4000)], info)).toEqual([[1000]]);
  });

  it('follows a brighter frame at once and releases slowly (time constant 0.5 s at 24 fps)', () => {
    const model = new ClassicalToneModel();
    const dim = scene(20, 300);
    const bright = scene(20, 1000);
    // The dim frame's own peak (300 cd/m² after 10-bit quantisation).
    const target = new ClassicalToneModel().analyze([dim], info)[0]![0]!;
    expect(Math.abs(target / 300 - 1)).toBeLessThan(5e-3);
    const up = model.analyze([dim, dim, bright], info).map((s) => s[0]!);
    expect(up[0]).toBe(target);
    expect(up[2]).toBe(1000);
    // Same background (no scene cut), dimmer highlight: a gradual, monotone decay.
    const down = model.analyze(Array.from({ length: 48 }, () => dim), info).map((s) => s[0]!);
    for (let i = 1; i < down.length; i++) expect(down[i]!).toBeLessThanOrEqual(down[i - 1]!);
    expect(down[0]!).toBeGreaterThan(900);
    // After 12 frames (one time constant) the log ratio to the target has fallen by e.
    const ratio = Math.log(down[11]! / target) / Math.log(1000 / target);
    expect(ratio).toBeGreaterThan(Math.exp(-1) - 0.02);
    expect(ratio).toBeLessThan(Math.exp(-1) + 0.02);
    expect(down.at(-1)!).toBeLessThan(target * 1.03);
  });

  it('resets on a scene cut (mean luminance moves by more than a stop)', () => {
    const model = new ClassicalToneModel();
    const target = new ClassicalToneModel().analyze([scene(2, 300)], info)[0]![0]!;
    const side = model.analyze([scene(20, 1000), scene(20, 1000), scene(2, 300)], info).map((s) => s[0]!);
    expect(side[1]).toBe(1000);
    expect(side[2]).toBe(target);
    // The same drop in peak without the cut decays instead.
    const model2 = new ClassicalToneModel();
    const side2 = model2.analyze([scene(20, 1000), scene(20, 1000), scene(20, 300)], info).map((s) => s[0]!);
    expect(side2[2]!).toBeGreaterThan(900);
    // resetAnalysis forgets the history too.
    model2.resetAnalysis();
    expect(model2.analyze([scene(2, 300)], info)[0]![0]).toBe(target);
  });

  it('measures HLG sources through the BT.2100 OOTF at the mastering peak', () => {
    const model = new ClassicalToneModel();
    const frame = encodeHdrFrame(imageFrom(W, H, (x) => (x < 64 ? [20, 20, 20] : [600, 600, 600])), 'hlg', 1000);
    const [[peak]] = model.analyze([frame], source(W, H, 'hlg')) as [[number]];
    expect(peak).toBeGreaterThan(590);
    expect(peak).toBeLessThan(612);
  });
});
