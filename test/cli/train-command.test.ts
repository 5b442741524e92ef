import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

describe('duhdr train', () => {
  it('--help teaches the backends and shows the command that made the shipped model', async () => {
    const r = await runCli(['train', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--resume');
    expect(r.stdout).toContain('tfjs-node-gpu, tfjs-node');
    expect(r.stdout).toMatch(/duhdr train --hdr \.\.\/shared\/data\/hdr --ldr/);
  });

  it('a bad option is one line naming it, exit 2 (usage), nothing written', async () => {
    const out = join(dir, 'model');
    const r = await runCli(['train', '--hdr', 'x', '--ldr', 'y', '-o', out, '--crop', '100x64']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--crop 100x64: both sides must be multiples of 64');
    expect(existsSync(out)).toBe(false);
  });

  it('a missing data folder is one line naming it, exit 1', async () => {
    const r = await runCli(['train', '--hdr', join(dir, 'nope'), '--ldr', join(dir, 'nope2'), '-o', join(dir, 'm'), '--backend', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nope');
    expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('backend:'))).toHaveLength(1);
  });
});
