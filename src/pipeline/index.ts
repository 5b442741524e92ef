/** src/pipeline: the jobs duhdr runs on whole videos. */
export { encode, DEFAULT_MODEL, DEFAULT_SDR_PRESET, type EncodeOptions, type JobResult } from './encode.js';
export { restore, upconvert, type RestoreOptions, type UpconvertOptions } from './restore.js';
export { pack, unpack, type PackOptions } from './pack.js';
export { transcode, type TranscodeOptions, type TranscodeResult } from './transcode.js';
export { ProgressTracker, type Progress, type ProgressListener } from './progress.js';
export { runFramePipeline, checkBatching, type FrameSink, type StageTimes } from './frame-pipeline.js';
export { loadPreset, listPresets, withEncoderOverrides, givenOverride, PRESETS_DIR, type EncoderOverrides, type Preset, type SdrPreset, type HdrPreset } from './presets.js';
export { parseManifest, serializeManifest, manifestSchema, MANIFEST_MAX_BYTES, type Manifest } from './manifest.js';
export { embedManifest, readEmbeddedManifest, manifestCarrierFor, MANIFEST_ATTACHMENT, MANIFEST_TAG } from './manifest-container.js';
export { ExrSequenceWriter, EXR_NITS_PER_UNIT } from './exr-sequence.js';
export { constantRateCommand } from './hdr-source.js';
export {
  encodeImages, restoreImages, upconvertImages, isImageJob, AUTO_EXPOSURE_NITS,
  type ImageEncodeOptions, type ImageRestoreOptions, type ImageUpconvertOptions, type ImageJobResult,
} from './image-jobs.js';
