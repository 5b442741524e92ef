import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Import `modules` (paths under src/) in a fresh Node and list the heavy CommonJS packages that
 * got loaded: TF.js and ONNX Runtime register in require's cache even when imported from ESM.
 */
function heavyLoadedBy(modules: string[]): string[] {
  const code = `
    for (const m of ${JSON.stringify(modules)}) await import(${JSON.stringify(ROOT)} + 'src/' + m);
    const { createRequire } = await import('node:module');
    const keys = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify(['@tensorflow/tfjs-core', 'onnxruntime-node'].filter((p) => keys.some((k) => k.includes('/node_modules/' + p + '/')))));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as string[];
}

describe('start-up', () => {
  // TF.js alone costs ~0.5 s of start-up: `duhdr --version` took 1.2 s with it, 0.5 s without.
  it('the CLI and the classical pipeline load neither TF.js nor ONNX Runtime', () => {
    expect(heavyLoadedBy(['cli/main.ts', 'pipeline/index.ts', 'runtime/index.ts'])).toEqual([]);
  });

  it('the learned models and the ONNX engine do load them (the check above can fail)', () => {
    expect(heavyLoadedBy(['runtime/learned/index.ts', 'runtime/onnx/index.ts'])).toEqual(['@tensorflow/tfjs-core', 'onnxruntime-node']);
  });
});
