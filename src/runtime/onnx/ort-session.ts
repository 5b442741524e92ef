// ONNX Runtime sessions behind one function: device -> execution provider, threads matched to
// the cores, and the CPU fallback when the requested provider is not in this install.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { OrtDevice } from './choices.js';

/** Execution providers per device, most preferred first (CPU always last as the safety net). */
const PROVIDERS: Record<OrtDevice, string[]> = { cpu: ['cpu'], cuda: ['cuda', 'cpu'] };

/**
 * Whether this onnxruntime-node install has `device`'s execution provider. The binding lists
 * CUDA as supported but not bundled: its provider library is only there when the package was
 * installed with --onnxruntime-node-install=cuda12, so look for the file (trying to create a
 * CUDA session without it makes ORT print a native error before it throws).
 */
export function hasDevice(device: OrtDevice): boolean {
  if (device === 'cpu') return true;
  const entry = ort.listSupportedBackends().find((b) => b.name === device);
  if (!entry) return false;
  if (entry.bundled) return true;
  const binDir = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
  const lib = process.platform === 'win32' ? `onnxruntime_providers_${device}.dll` : `libonnxruntime_providers_${device}.so`;
  return existsSync(join(binDir, lib));
}

export type SessionOptions = { device?: OrtDevice; threads?: number; warn?: (line: string) => void };

/** The device sessions will really run on, warning once (one line) when falling back to CPU. */
export function resolveDevice(opts: SessionOptions): OrtDevice {
  const want = opts.device ?? 'cpu';
  if (hasDevice(want)) return want;
  (opts.warn ?? ((l) => process.stderr.write(`${l}\n`)))(
    `duhdr: ONNX Runtime has no ${want.toUpperCase()} execution provider in this install (reinstall onnxruntime-node with --onnxruntime-node-install=cuda12); running on CPU`,
  );
  return 'cpu';
}

/**
 * A session on an already-resolved device. Its threads do not spin-wait between runs: ORT's
 * default keeps idle pool threads busy for a while after each run, which here took a core from
 * the JS full-resolution pass and from ffmpeg. @example await createSession(bytes, 'cpu')
 */
export async function createSession(bytes: Uint8Array, device: OrtDevice, threads = availableParallelism()): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, {
    executionProviders: PROVIDERS[device],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
}
