// `duhdr export` and `duhdr bench model` as a user runs them.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

describe('duhdr export', () => {
  it('writes every graph and a manifest naming the model and its weights', async () => {
    const out = join(dir, 'onnx');
    const r = await runCli(['export', '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dual-v1 \(weights [0-9a-f]{12}…\) -> .*: reverse-curve\.onnx, reverse\.onnx, forward-guided\.onnx, forward-blind\.onnx, reverse-grid\.onnx, forward-guided-grid\.onnx, forward-blind-grid\.onnx, manifest\.json\n$/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { id: string; contentHash: string; opset: number };
    expect(manifest).toMatchObject({ id: 'dual-v1', opset: 17 });
    for (const f of ['reverse-curve', 'reverse', 'forward-guided', 'forward-blind', 'reverse-grid', 'forward-guided-grid', 'forward-blind-grid']) expect(existsSync(join(out, `${f}.onnx`))).toBe(true);
  });

  it('a missing model folder is one line naming the file, exit 1', async () => {
    const missing = join(dir, 'nope');
    const r = await runCli(['export', '--model-dir', missing, '-o', join(dir, 'x')]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `duhdr: ${join(missing, 'model.json')}: no such model file\n` });
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});

describe('duhdr bench model', () => {
  it('--json prints one object per network, engine, device and size', async () => {
    const r = await runCli(['bench', 'model', '--engine', 'ort,tfjs', '--sizes', '64x32', '--seconds', '0.05', '--json']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((x) => `${x['network']}/${x['engine']}`)).toEqual(['reverse/ort', 'reverse/tfjs', 'forward/ort', 'forward/tfjs']);
    for (const row of rows) {
      expect(row).toMatchObject({ width: 64, height: 32 });
      for (const k of ['fps', 'gflop_per_frame', 'gflop_per_s', 'matmul_peak_gflop_per_s']) expect(row[k]).toBeGreaterThan(0);
      expect(typeof row['device']).toBe('string');
    }
  }, 120_000);

  it('rejects an unknown size in one line', async () => {
    const r = await runCli(['bench', 'model', '--sizes', '1080i']);
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: 'duhdr: --sizes: "1080i" is not 720p, 1080p, 2160p or WIDTHxHEIGHT\n' });
  });
});
