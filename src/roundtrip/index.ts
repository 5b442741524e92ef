// src/roundtrip: every method at a rate ladder on one clip, restored and measured. The folder's door.
export {
  MOBIUS_DEFAULT_PARAM, inverseTonemapPixel, tonemapCurve, tonemapCurveInverse, tonemapFilterChain, tonemapPixel,
  type TonemapCurve, type TonemapParams,
} from './ffmpeg-tonemap.js';
export { inverseTonemapRgb, inverseTonemapVideo, type InverseTonemapOptions } from './inverse-tonemap-job.js';
export {
  ANCHORS, METHODS, blindMethod, ffmpegTonemapMethod, hdr10Direct, methodById, resolveMethods, toneModelMethod,
  type MethodContext, type MethodSpec, type Rung, type SentStream,
} from './methods.js';
export {
  DEFAULT_HDR_CRFS, DEFAULT_SDR_CRFS, bdRates, runRoundtrip,
  type BdRateEntry, type BdValue, type MethodResult, type RatePoint, type RoundtripOptions, type RoundtripResult,
} from './run-roundtrip.js';
export { videoStreamBytes } from './stream-bytes.js';
