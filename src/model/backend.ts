// TF.js backend selection for training and the reference engine: tfjs-node-gpu, then tfjs-node
// (optional: their install downloads libtensorflow from outside npm, so they are often absent),
// else wasm with the project's own gradients for kernels wasm lacks, else the plain JS cpu backend.

import * as tf from '@tensorflow/tfjs';
import { MissingCapabilityError } from '../io/index.js';
import { registerWasmGradients } from './wasm-gradients.js';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';

let active: BackendName | null = null;

async function tryNative(pkg: string): Promise<boolean> {
  try {
    await import(pkg);
    return tf.findBackend('tensorflow') !== null && (await tf.setBackend('tensorflow'));
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) return false;
    registerWasmGradients();
    return true;
  } catch {
    return false;
  }
}

async function useCpu(): Promise<true> {
  await tf.setBackend('cpu');
  // The cpu backend greets Node users once on first write; it is our deliberate last resort.
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  return true;
}

/**
 * Select and initialise a TF.js backend once per process; returns its name.
 * 'auto' tries tensorflow (tfjs-node-gpu, tfjs-node), then wasm, then cpu.
 */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<BackendName> {
  if (active && (choice === 'auto' || choice === active)) return active;
  tf.env().set('PROD', true);
  let ok = false;
  if (choice === 'tensorflow' || choice === 'auto') {
    ok = (await tryNative('@tensorflow/tfjs-node-gpu')) || (await tryNative('@tensorflow/tfjs-node'));
    if (ok) active = 'tensorflow';
    else if (choice === 'tensorflow') throw new MissingCapabilityError('backend "tensorflow" needs @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu with its native library installed');
  }
  if (!ok && (choice === 'wasm' || choice === 'auto')) {
    ok = await tryWasm();
    if (ok) active = 'wasm';
    else if (choice === 'wasm') throw new MissingCapabilityError('backend "wasm" failed to load @tensorflow/tfjs-backend-wasm');
  }
  if (!ok) {
    await useCpu();
    active = 'cpu';
  }
  await tf.ready();
  return active as BackendName;
}

export function activeBackend(): BackendName | null {
  return active;
}
