import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaries, probe } from '../../src/io/index.js';
import { encode } from '../../src/pipeline/index.js';
import { processesMentioning, sample, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const root = new URL('../../', import.meta.url).pathname;
const sdr = join(dir, 'interior-sdr.mkv');
const duhdr = `"${process.execPath}" --import tsx src/cli/run.ts`;

beforeAll(async () => {
  const input = join(dir, 'interior-pq.mp4'); // a private path: only this file's processes name it
  copyFileSync(sample('interior-pq.mp4'), input);
  await encode({ input, output: sdr });
});

describe('duhdr restore -o - (streaming for a player)', () => {
  it('streams PQ-tagged Matroska that an ffmpeg reading stdin decodes to the last frame', async () => {
    const received = join(dir, 'received.mkv');
    const ff = binaries().ffmpeg.path;
    const r = spawnSync('bash', ['-c', `set -o pipefail; ${duhdr} restore "${sdr}" -o - | "${ff}" -v error -i - -c copy -f matroska -y "${received}"`], {
      cwd: root, encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^restored to stdout: 50 frames .* streamed, model classical-soft\n$/);
    const v = (await probe(received)).video!;
    expect(v).toMatchObject({ frameCount: 50, dynamicRange: 'pq', bitDepth: 10, color: { primaries: 'bt2020', matrix: 'bt2020nc' } });
    expect(v.hdr10.masteringDisplay?.maxLuminance).toBe(1000);
  });

  it('ends cleanly when the reader goes away: one line, exit 1, no process left', () => {
    const r = spawnSync('bash', ['-c', `${duhdr} restore "${sdr}" -o - | head -c 20000 > /dev/null; exit \${PIPESTATUS[0]}`], {
      cwd: root, encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^duhdr: streaming to stdout: the reader of the output stream went away \(broken pipe\)/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(processesMentioning(sdr)).toEqual([]);
  });

  it('refuses --json with -o - (both would use stdout)', () => {
    const r = spawnSync('bash', ['-c', `${duhdr} restore "${sdr}" -o - --json`], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('duhdr: --json prints on stdout, which `-o -` streams video to — drop one of them\n');
  });
});
