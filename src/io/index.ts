/** src/io: ffmpeg processes, probing, frame pipes and atomic outputs. The folder's only door. */
export * from './errors.js';
export { besideCapabilityListing, binaries, ffmpegCapabilities, requireEncoder, resetBinaries, type Binary, type Capabilities } from './ffmpeg-binaries.js';
export { ManagedChild, liveChildCount, formatCommand, lastMeaningfulLine, type ChildResult } from './child-process.js';
export { runToCompletion } from './run-tool.js';
export { followProgressReport } from './progress-report.js';
export { log, setVerbose, isVerbose } from './log.js';
export * from './pixel-format.js';
export * from './probe.js';
export { FrameReader, framesToRead, warnIfResampled, type Frame, type FrameReaderOptions, type FrameSource } from './frame-reader.js';
export { FrameWriter, MANIFEST_ATTACHMENT_NAME, STDOUT, type FrameWriterOptions, type Attachment } from './frame-writer.js';
export * from './encoder-args.js';
export { TEMP_MARK, tempPathFor, checkWritableOutput, commitTemp, discardTemp } from './atomic-output.js';
export { decodeExr, readExr, type LinearImage } from './exr.js';
export { writeExr, floatToHalf, halfToFloat } from './exr-writer.js';
export { BufferPool } from './buffer-pool.js';
