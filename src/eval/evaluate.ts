// Measures a test video against its HDR reference, frame by frame, with bounded memory: one
// decoder per file (FrameReader), frames taken in lockstep and dropped once measured, every
// working plane allocated once for the clip.
//
// Each frame becomes absolute linear BT.2020 light in cd/m²:
//   PQ   Y'CbCr (BT.2020 NCL) → R'G'B' → PQ EOTF
//   HLG  Y'CbCr → R'G'B' → inverse OETF + OOTF (BT.2100, on luminance) for a display of the
//        mastering peak (1000 cd/m² when the file carries none)
//   SDR  Y'CbCr (BT.709) → R'G'B' → BT.1886 EOTF for a 100 cd/m² display (black 0) → BT.2020
//
// HDR test vs HDR reference: PQ-PSNR, PU21-PSNR, PU21-SSIM, ΔE_ITP, µ-PSNR and flicker.
// SDR test vs HDR reference: TMQI (Q, S, N), colourfulness and RMS contrast of the SDR.
//
// Clip values: each PSNR is the PSNR of the MSE pooled over every frame (and channel), not
// the mean of per-frame PSNRs — one perfect frame would otherwise make a clip's mean
// infinite. SSIM, ΔE_ITP, TMQI and the look statistics are means of the per-frame values
// (ΔE_ITP: every pixel weighs the same). Identical inputs give PSNR = +Infinity here; the
// JSON form turns that into null (evaluation-json.ts).

import {
  BT709_TO_BT2020, applyMatrix3, bt1886EotfPlane, hlgDecodePlanes, pqDecodePlane, rgb2020ToIctcpPlanes,
  YuvFrameConverter, type IntPlane, type RgbPlanes, type YuvLayout,
} from '../color/index.js';
import {
  FrameReader, InputError, UnsupportedInputError, checkBaseLayer, framesToRead, probe, toCanceledError, type Frame, type VideoStream,
} from '../io/index.js';
import { deltaEItpSum } from './delta-e-itp.js';
import { FlickerMeter, planeMean } from './flicker.js';
import { WindowedMoments } from './local-moments.js';
import { muNorm, muSquaredError } from './mu-psnr.js';
import { MsePool, pqSquaredError, psnrFromMse, sumSquaredError } from './psnr.js';
import { PU21_PEAK, pu21EncodePlane } from './pu21.js';
import { colourfulness, rmsContrast } from './sdr-look.js';
import { ssimFromMoments } from './ssim.js';
import { TmqiMeter } from './tmqi.js';

export type EvaluateOptions = {
  signal?: AbortSignal;
  /** Measure only the first N frames of each file. */
  maxFrames?: number;
  /** Called after each frame is measured, with the number measured so far (progress bars). */
  onFrame?: (frames: number) => void;
};

/** HDR test against an HDR reference. PSNRs are +Infinity where the inputs are identical. */
export type HdrEvaluation = {
  mode: 'hdr';
  reference: string;
  test: string;
  width: number;
  height: number;
  frames: number;
  /** PSNR (peak 1) of PQ-encoded R'G'B', pooled MSE over the clip. */
  pq_psnr: number;
  /** PSNR (peak 256) of PU21-encoded luminance, pooled MSE over the clip. */
  pu21_psnr: number;
  /** Mean over frames of SSIM on PU21-encoded luminance. */
  pu21_ssim: number;
  /** Mean ΔE_ITP over every pixel of the clip (BT.2124). */
  delta_e_itp: number;
  /** NTIRE µ-PSNR, pooled MSE over the clip (each frame normalised by its reference's 99th percentile). */
  mu_psnr: number;
  /** Mean |Δm_test − Δm_ref| of the frame-mean PU21 luminance, PU21 units. */
  flicker: number;
  per_frame: {
    pq_psnr: number[];
    pu21_psnr: number[];
    pu21_ssim: number[];
    delta_e_itp: number[];
    mu_psnr: number[];
    /** Frame-mean PU21 luminance of the reference and of the test (the flicker series). */
    pu21_mean_ref: number[];
    pu21_mean_test: number[];
  };
};

/** SDR test against the HDR reference it was made from. */
export type SdrEvaluation = {
  mode: 'sdr';
  reference: string;
  test: string;
  width: number;
  height: number;
  frames: number;
  /** Mean over frames of TMQI Q, S and N. */
  tmqi: number;
  tmqi_s: number;
  tmqi_n: number;
  /** Mean over frames of the SDR's colourfulness (Hasler & Süsstrunk, 8-bit scale). */
  colourfulness: number;
  /** Mean over frames of the SDR's RMS contrast of relative luminance (0–1, 100 cd/m² = 1). */
  contrast: number;
  per_frame: { tmqi: number[]; tmqi_s: number[]; tmqi_n: number[]; colourfulness: number[]; contrast: number[] };
};

export type Evaluation = HdrEvaluation | SdrEvaluation;

/** Default display peak for HLG without mastering metadata, cd/m² (BT.2100's reference display). */
export const DEFAULT_HLG_PEAK = 1000;

/** BT.1886 display white used for SDR, cd/m². */
export const SDR_WHITE = 100;

// BT.2100 / BT.709 luminance weights.
const Y2020 = [0.2627, 0.678, 0.0593] as const;
const Y709 = [0.2126, 0.7152, 0.0722] as const;

type Source = {
  file: string;
  video: VideoStream;
  transfer: 'pq' | 'hlg' | 'sdr';
  layout: YuvLayout;
  format: 'yuv420p10le' | 'yuv420p';
  toBt2020: boolean;
  hlgPeak: number;
};

function describe(file: string, video: VideoStream | null, role: 'reference' | 'test'): Source {
  if (!video) throw new InputError(file, 'has no video stream');
  const transfer = video.dynamicRange;
  if (transfer === 'unknown') {
    throw new UnsupportedInputError(file, `has no transfer tag evaluate understands (${video.color.transfer ?? 'untagged'}) — tag it PQ (smpte2084), HLG (arib-std-b67) or SDR (bt709)`);
  }
  if (role === 'reference' && transfer === 'sdr') {
    throw new UnsupportedInputError(file, 'is SDR — the reference must be the HDR original (PQ or HLG); pass the SDR as the test');
  }
  if (video.family !== null && video.family !== 'yuv') {
    throw new UnsupportedInputError(file, `pixel format ${video.pixelFormat} is not Y'CbCr video`);
  }
  const hdr = transfer !== 'sdr';
  const tagged = video.color.matrix;
  const matrix = tagged === null ? (hdr ? 'bt2020nc' : 'bt709') : tagged;
  if (matrix !== 'bt2020nc' && matrix !== 'bt709') {
    throw new UnsupportedInputError(file, `Y'CbCr matrix ${matrix} is not supported — evaluate reads bt2020nc and bt709`);
  }
  const primaries = video.color.primaries;
  if (primaries !== null && primaries !== 'bt709' && primaries !== 'bt2020') {
    throw new UnsupportedInputError(file, `colour primaries ${primaries} are not supported — evaluate reads bt709 and bt2020`);
  }
  return {
    file,
    video,
    transfer,
    layout: { matrix, range: video.color.range ?? 'limited', bitDepth: hdr ? 10 : 8, subsampling: '420' },
    format: hdr ? 'yuv420p10le' : 'yuv420p',
    // Untagged HDR is taken as BT.2020, untagged SDR as BT.709.
    toBt2020: primaries === null ? !hdr : primaries === 'bt709',
    hlgPeak: video.hdr10.masteringDisplay?.maxLuminance ?? DEFAULT_HLG_PEAK,
  };
}

/** Float R'G'B' planes of one frame size. */
function rgbPlanes(n: number): RgbPlanes {
  return { r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
}

function intPlanes(frame: Frame, file: string): IntPlane[] {
  const planes = frame.planes;
  for (const p of planes) {
    if (p instanceof Float32Array) throw new InputError(file, 'decoded to float planes where Y\'CbCr was expected');
  }
  return planes as IntPlane[];
}

/** Decodes a frame into `out` as absolute linear BT.2020 cd/m² (the R'G'B' is not kept). */
function toLinear(src: Source, conv: YuvFrameConverter, frame: Frame, out: RgbPlanes): void {
  conv.toRgb(intPlanes(frame, src.file), out);
  const { r, g, b } = out;
  if (src.transfer === 'pq') {
    pqDecodePlane(r, r);
    pqDecodePlane(g, g);
    pqDecodePlane(b, b);
  } else if (src.transfer === 'hlg') {
    hlgDecodePlanes(r, g, b, r, g, b, src.hlgPeak);
  } else {
    bt1886EotfPlane(r, r, SDR_WHITE, 0);
    bt1886EotfPlane(g, g, SDR_WHITE, 0);
    bt1886EotfPlane(b, b, SDR_WHITE, 0);
  }
  if (src.toBt2020) applyMatrix3(BT709_TO_BT2020, r, g, b, r, g, b);
}

function luminance(rgb: RgbPlanes, w: readonly [number, number, number], scale: number, out: Float32Array): Float32Array {
  const { r, g, b } = rgb;
  const [kr, kg, kb] = [w[0] * scale, w[1] * scale, w[2] * scale];
  for (let i = 0; i < out.length; i++) out[i] = kr * r[i]! + kg * g[i]! + kb * b[i]!;
  return out;
}

function clamp01(p: Float32Array): void {
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    // NaN compares false both ways and would survive; `!(v > 0)` sends it to 0.
    p[i] = !(v > 0) ? 0 : v > 1 ? 1 : v;
  }
}

function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Per-frame work of one mode, with its buffers; `finish` gives the clip's result. */
type FrameMeter = {
  measure(ref: Frame, test: Frame): void;
  finish(frames: number): Evaluation;
};

function hdrMeter(ref: Source, test: Source, width: number, height: number): FrameMeter {
  const n = width * height;
  const refConv = new YuvFrameConverter(width, height, ref.layout);
  const testConv = new YuvFrameConverter(width, height, test.layout);
  const refRgb = rgbPlanes(n);
  const testRgb = rgbPlanes(n);
  const refPu = new Float32Array(n);
  const testPu = new Float32Array(n);
  const s = Array.from({ length: 6 }, () => new Float32Array(n));
  const [s0, s1, s2, s3, s4, s5] = s as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const percentileScratch = new Float32Array(3 * n);
  const moments = new WindowedMoments(width, height);
  const pools = { pq: new MsePool(), pu: new MsePool(), mu: new MsePool() };
  const flicker = new FlickerMeter();
  const perFrame: HdrEvaluation['per_frame'] = {
    pq_psnr: [], pu21_psnr: [], pu21_ssim: [], delta_e_itp: [], mu_psnr: [], pu21_mean_ref: [], pu21_mean_test: [],
  };
  return {
    measure(refFrame, testFrame) {
      toLinear(ref, refConv, refFrame, refRgb);
      toLinear(test, testConv, testFrame, testRgb);

      const pqSse = pqSquaredError(refRgb, testRgb, s0, s1);
      pools.pq.add(pqSse, 3 * n);
      perFrame.pq_psnr.push(psnrFromMse(pqSse / (3 * n), 1));

      const refChannels = [refRgb.r, refRgb.g, refRgb.b];
      const muSse = muSquaredError(refChannels, [testRgb.r, testRgb.g, testRgb.b], muNorm(refChannels, percentileScratch), s0, s1);
      pools.mu.add(muSse, 3 * n);
      perFrame.mu_psnr.push(psnrFromMse(muSse / (3 * n), 1));

      rgb2020ToIctcpPlanes(refRgb.r, refRgb.g, refRgb.b, s0, s1, s2);
      rgb2020ToIctcpPlanes(testRgb.r, testRgb.g, testRgb.b, s3, s4, s5);
      perFrame.delta_e_itp.push(deltaEItpSum(s0, s1, s2, s3, s4, s5) / n);

      pu21EncodePlane(luminance(refRgb, Y2020, 1, refPu), refPu);
      pu21EncodePlane(luminance(testRgb, Y2020, 1, testPu), testPu);
      const puSse = sumSquaredError(refPu, testPu);
      pools.pu.add(puSse, n);
      perFrame.pu21_psnr.push(psnrFromMse(puSse / n, PU21_PEAK));
      perFrame.pu21_ssim.push(ssimFromMoments(moments.compute(refPu, testPu), PU21_PEAK));
      const mRef = planeMean(refPu);
      const mTest = planeMean(testPu);
      perFrame.pu21_mean_ref.push(mRef);
      perFrame.pu21_mean_test.push(mTest);
      flicker.push(mRef, mTest);
    },
    finish(frames) {
      return {
        mode: 'hdr',
        reference: ref.file,
        test: test.file,
        width,
        height,
        frames,
        pq_psnr: pools.pq.psnr(1),
        pu21_psnr: pools.pu.psnr(PU21_PEAK),
        pu21_ssim: mean(perFrame.pu21_ssim),
        delta_e_itp: mean(perFrame.delta_e_itp),
        mu_psnr: pools.mu.psnr(1),
        flicker: flicker.value,
        per_frame: perFrame,
      };
    },
  };
}

function sdrMeter(ref: Source, test: Source, width: number, height: number): FrameMeter {
  const n = width * height;
  const refConv = new YuvFrameConverter(width, height, ref.layout);
  const testConv = new YuvFrameConverter(width, height, test.layout);
  const refRgb = rgbPlanes(n);
  const testRgb = rgbPlanes(n);
  const hdrY = new Float32Array(n);
  const sdrLuma = new Float32Array(n);
  const sdrY = new Float32Array(n);
  const tmqi = new TmqiMeter(width, height);
  const perFrame: SdrEvaluation['per_frame'] = { tmqi: [], tmqi_s: [], tmqi_n: [], colourfulness: [], contrast: [] };
  return {
    measure(refFrame, testFrame) {
      toLinear(ref, refConv, refFrame, refRgb);
      luminance(refRgb, Y2020, 1, hdrY);

      // The SDR as a display shows it: R'G'B' clipped to [0, 1].
      testConv.toRgb(intPlanes(testFrame, test.file), testRgb);
      clamp01(testRgb.r);
      clamp01(testRgb.g);
      clamp01(testRgb.b);
      // TMQI takes 8-bit luma (its release: Y of the 0–255 R'G'B' with BT.709 weights).
      luminance(testRgb, Y709, 255, sdrLuma);
      const t = tmqi.measure(hdrY, sdrLuma);
      perFrame.tmqi.push(t.q);
      perFrame.tmqi_s.push(t.s);
      perFrame.tmqi_n.push(t.n);
      // M is homogeneous of degree 1, so M on the 0–255 scale is 255 · M on [0, 1].
      perFrame.colourfulness.push(255 * colourfulness(testRgb.r, testRgb.g, testRgb.b));

      // Contrast on display light relative to SDR white.
      const { r, g, b } = testRgb;
      bt1886EotfPlane(r, r, SDR_WHITE, 0);
      bt1886EotfPlane(g, g, SDR_WHITE, 0);
      bt1886EotfPlane(b, b, SDR_WHITE, 0);
      if (test.toBt2020) applyMatrix3(BT709_TO_BT2020, r, g, b, r, g, b);
      perFrame.contrast.push(rmsContrast(luminance(testRgb, Y2020, 1 / SDR_WHITE, sdrY)));
    },
    finish(frames) {
      return {
        mode: 'sdr',
        reference: ref.file,
        test: test.file,
        width,
        height,
        frames,
        tmqi: mean(perFrame.tmqi),
        tmqi_s: mean(perFrame.tmqi_s),
        tmqi_n: mean(perFrame.tmqi_n),
        colourfulness: mean(perFrame.colourfulness),
        contrast: mean(perFrame.contrast),
        per_frame: perFrame,
      };
    },
  };
}

function frameCountMismatch(ref: string, test: string, refFrames: number | string, testFrames: number | string): InputError {
  return new InputError(
    test,
    `has ${testFrames} frames but the reference ${ref} has ${refFrames} — evaluate compares frame by frame; trim them to the same frames (or pass maxFrames)`,
  );
}

/**
 * Measures `test` against the HDR reference `ref`, decoding both frame by frame (memory stays
 * flat however long the clip). An HDR test (PQ or HLG) gives {@link HdrEvaluation}, an SDR test
 * {@link SdrEvaluation}. Sizes and frame counts must match (InputError naming both files).
 *
 * @example
 * const e = await evaluate('master.mkv', 'restored.mkv');
 * if (e.mode === 'hdr') console.log(e.pu21_psnr, e.delta_e_itp);
 */
export async function evaluate(ref: string, test: string, options: EvaluateOptions = {}): Promise<Evaluation> {
  const { signal, maxFrames, onFrame } = options;
  if (maxFrames !== undefined && (!Number.isInteger(maxFrames) || maxFrames <= 0)) {
    throw new RangeError(`options.maxFrames must be a positive integer, got ${maxFrames}`);
  }
  const probeOptions = signal ? { signal } : {};
  const [refInfo, testInfo] = await Promise.all([probe(ref, probeOptions), probe(test, probeOptions)]);
  checkBaseLayer(refInfo);
  checkBaseLayer(testInfo);
  const r = describe(ref, refInfo.video, 'reference');
  const t = describe(test, testInfo.video, 'test');
  const { width, height } = r.video;
  if (t.video.width !== width || t.video.height !== height) {
    throw new InputError(test, `is ${t.video.width}x${t.video.height} but the reference ${ref} is ${width}x${height} — scale the test to the reference's size first`);
  }
  const limit = (count: number | null): number | null => (count === null ? null : maxFrames === undefined ? count : Math.min(count, maxFrames));
  // A variable rate is read resampled (framesToRead): its count is known only at the end.
  const refCount = limit(framesToRead(r.video));
  const testCount = limit(framesToRead(t.video));
  if (refCount !== null && testCount !== null && refCount !== testCount) throw frameCountMismatch(ref, test, refCount, testCount);
  if (refCount === 0) throw new InputError(ref, 'has no frames');

  const open = (s: Source): Promise<FrameReader> =>
    FrameReader.open(s.file, {
      format: s.format,
      expectedFrames: framesToRead(s.video),
      ...(maxFrames !== undefined ? { maxFrames } : {}),
      ...(signal ? { signal } : {}),
    });
  const [refReader, testReader] = await Promise.all([open(r), open(t)]);
  const meter = t.transfer === 'sdr' ? sdrMeter(r, t, width, height) : hdrMeter(r, t, width, height);

  const refIt = refReader[Symbol.asyncIterator]();
  const testIt = testReader[Symbol.asyncIterator]();
  let frames = 0;
  try {
    for (;;) {
      // Both decoders run ahead into their pipes while this frame is measured.
      const [a, b] = await Promise.all([refIt.next(), testIt.next()]);
      if (a.done && b.done) break;
      if (a.done || b.done) {
        throw a.done ? frameCountMismatch(ref, test, frames, `more than ${frames}`) : frameCountMismatch(ref, test, `more than ${frames}`, frames);
      }
      if (signal?.aborted) throw toCanceledError(signal);
      meter.measure(a.value, b.value);
      frames++;
      onFrame?.(frames);
    }
  } finally {
    // Stops whichever decoder is still running (no-op for a finished one).
    await Promise.allSettled([refIt.return(), testIt.return()]);
  }
  if (frames === 0) throw new InputError(ref, 'decoded no frames');
  return meter.finish(frames);
}
