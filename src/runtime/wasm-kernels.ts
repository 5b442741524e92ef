// Loading a kernels module that `npm run build:wasm` compiled from AssemblyScript (the learned
// and classical models' per-pixel loops), the same way for both.

import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { setFlagsFromString } from 'node:v8';

/** The part of the WebAssembly API used here (this project's TypeScript libs do not declare it). */
type WasmApi = {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};
const { WebAssembly: Wasm } = globalThis as unknown as { WebAssembly: WasmApi };

/**
 * Compiles and instantiates the module at `path` for this thread, straight to optimised code:
 * V8 otherwise starts a module on its baseline compiler, and a long kernel call stays there until
 * the next call (1.3-1.8x slower at 1080p, measured on the learned kernels). A missing file is
 * one line saying how to build it.
 *
 * @example const e = instantiateKernels<{ alloc(n: number): number }>(KERNELS_WASM)
 */
export function instantiateKernels<Exports>(path: string): Exports {
  if (!existsSync(path)) throw new Error(`${path} is missing: build it with \`npm run build\` (npm install does this)`);
  setFlagsFromString('--no-liftoff');
  let module: object;
  try {
    module = new Wasm.Module(readFileSync(path));
  } finally {
    setFlagsFromString('--liftoff');
  }
  const abort = (): never => {
    throw new Error(`${basename(path)} aborted`);
  };
  return new Wasm.Instance(module, { env: { abort } }).exports as Exports;
}
