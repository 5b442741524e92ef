/** src/train/data: training data — paired HDR/SDR views from real HDR images, real SDR footage, the camera simulation. The folder's only door. */
export { createRng, uniform, logUniform, randomInt, gaussian, type Rng } from './rng.js';
export type { RgbImage } from './planes.js';
export { HdrImageSet, type PairedSample, type DatasetLoadOptions, type HdrSampleOptions } from './hdr-set.js';
export { LdrImageSet, LDR_IMAGE_EXTENSIONS, LDR_VIDEO_EXTENSIONS, type LdrLoadOptions } from './ldr-set.js';
export {
  simulateCamera, sampleCameraParams, renderCamera, cameraCurve, medianLuminance709,
  type CameraOptions, type CameraParams,
} from './camera.js';
export { decodeExr, decodePfm, encodePfm, decodeHdr, repairSunDot, SUN_DOT_PATTERN, HDR_STILL_EXTENSIONS } from './hdr-formats.js';
export { readHdrVideoFrames, HDR_VIDEO_EXTENSIONS, HLG_DISPLAY_NITS } from './hdr-video.js';
export { groupOf, isValidation } from './split.js';
