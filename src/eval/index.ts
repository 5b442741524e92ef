// Evaluation metrics for duhdr: pure functions over Float32Array planes, and `evaluate`, which
// measures a whole test video against its HDR reference. Other folders import from here only.

export { assertChannels, assertLengths, assertSize } from './checks.js';
export { gaussianTaps, WindowedMoments, type FloatPlane } from './local-moments.js';
export { MsePool, mse, pqPsnr, pqSquaredError, psnr, psnrFromMse, sumSquaredError } from './psnr.js';
export { ssim, ssimFromMoments, type SsimOptions } from './ssim.js';
export {
  PU21_BANDING_GLARE, PU21_MAX_NITS, PU21_MIN_NITS, PU21_PEAK, pu21Encode, pu21EncodePlane, pu21Psnr, pu21Ssim,
} from './pu21.js';
export { DELTA_E_ITP_SCALE, deltaEItp, deltaEItpPixel, deltaEItpSum } from './delta-e-itp.js';
export {
  MU_LAW_MU, MU_NORM_PERCENTILE, muLaw, muNorm, muPsnr, muSquaredError, muTonemapNormalised, muTonemapPlane, percentile,
} from './mu-psnr.js';
export { FlickerMeter, flicker, planeMean } from './flicker.js';
export { TMQI_PARAMS, TmqiMeter, statisticalNaturalness, tmqi, tmqiCsf, type TmqiResult } from './tmqi.js';
export { colourfulness, rmsContrast } from './sdr-look.js';
export { bdPsnr, bdRate, type RdPoint } from './bd-rate.js';
export {
  DEFAULT_HLG_PEAK, SDR_WHITE, evaluate, type EvaluateOptions, type Evaluation, type HdrEvaluation, type SdrEvaluation,
} from './evaluate.js';
export { evaluationFromJson, evaluationToJson, type EvaluationJson } from './evaluation-json.js';
