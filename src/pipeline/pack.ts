import { extname } from 'node:path';
import { createBundle, unpackBundle } from '../bundle/index.js';
import { InputError, checkWritableOutput } from '../io/index.js';
import { parseManifest } from './manifest.js';
import { readEmbeddedManifest } from './manifest-container.js';
import { byteProgress, type ProgressListener } from './progress.js';

export type PackOptions = {
  input: string;
  output: string;
  signal?: AbortSignal;
  /** Bytes written into the bundle as it goes (`unit: 'bytes'`). */
  onProgress?: ProgressListener;
};

/**
 * Bundle an SDR file made by `encode` for storage: a zip (entries stored, not deflated) with the
 * video, its manifest and the model files the manifest names, with sha256 checksums. `restore`
 * reads the bundle directly, streaming the video entry into ffmpeg.
 *
 * @example await pack({ input: 'sdr.mkv', output: 'sdr.zip' })
 */
export async function pack(options: PackOptions): Promise<{ output: string; bytes: number; entries: { name: string; size: number; sha256: string }[] }> {
  const { input, output, signal } = options;
  if (extname(output).toLowerCase() !== '.zip') throw new InputError(output, 'a bundle must be a .zip file');
  await checkWritableOutput(output, [input]);
  const text = await readEmbeddedManifest(input, signal);
  if (text === null) throw new InputError(input, 'carries no duhdr manifest — pack takes SDR made by `duhdr encode`');
  parseManifest(text, input); // never bundle a manifest restore would refuse
  // The classical model is code, not files; learned models will add their ONNX files here.
  const onProgress = byteProgress('pack', options.onProgress);
  return createBundle({ output, video: input, manifest: text, models: [], ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) });
}

/** Extract a bundle into a folder, verifying every checksum. @example await unpack({ input: 'sdr.zip', output: 'sdr/' }) */
export async function unpack(options: { input: string; output: string; signal?: AbortSignal; onProgress?: ProgressListener }): Promise<string[]> {
  const onProgress = byteProgress('unpack', options.onProgress);
  return unpackBundle(options.input, options.output, { ...(options.signal ? { signal: options.signal } : {}), ...(onProgress ? { onProgress } : {}) });
}
