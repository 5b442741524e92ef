/** src/pipeline: the jobs duhdr runs on whole videos. */
export { transcode, type TranscodeOptions, type TranscodeResult } from './transcode.js';
export { ProgressTracker, type Progress, type ProgressListener } from './progress.js';
