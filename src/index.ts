/**
 * duhdr's library API. The CLI is a thin layer over it.
 *
 * @example
 * import { encode, restore, probe } from 'duhdr';
 * await encode({ input: 'hdr10.mkv', output: 'sdr.mkv', onProgress: (p) => console.log(p.frames) });
 * await restore({ input: 'sdr.mkv', output: 'restored-hdr10.mkv' });
 * console.log((await probe('restored-hdr10.mkv')).video?.hdr10);
 */
export {
  encode, restore, upconvert, pack, unpack, transcode, loadPreset, listPresets, parseManifest, readEmbeddedManifest,
  type EncodeOptions, type RestoreOptions, type UpconvertOptions, type PackOptions, type TranscodeOptions, type JobResult,
  type Progress, type ProgressListener, type Manifest, type Preset,
  encodeImages, restoreImages, upconvertImages,
  type ImageEncodeOptions, type ImageRestoreOptions, type ImageUpconvertOptions, type ImageJobResult,
} from './pipeline/index.js';
export { loadToneModel, toneModelIds, type ToneModel, type SideInfo, type HdrSourceInfo } from './runtime/index.js';
export { runRoundtrip, METHODS as ROUNDTRIP_METHODS, type RoundtripOptions, type RoundtripResult } from './roundtrip/index.js';
export { roundtripReport, type RoundtripReportOptions, type ReportJson } from './report/index.js';
export * from './io/index.js';
export * as color from './color/index.js';
export * as scene from './scene/index.js';
