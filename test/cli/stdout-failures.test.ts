import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEMP_MARK } from '../../src/io/index.js';
import { runCli } from '../helpers/cli.js';
import { processesMentioning, sample, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const root = new URL('../../', import.meta.url).pathname;

// A reader that stops reading early (`duhdr encode --json | head -1`) closes the pipe under
// duhdr's stdout, whose next write fails with EPIPE; a file on a full disk fails with ENOSPC.
describe('when stdout fails', () => {
  it('--version: exits 141 (as SIGPIPE would) without a stack trace', async () => {
    const r = await runCli(['--version'], { onSpawn: (child) => child.stdout!.destroy() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(141);
  });

  it('encode --json: stops the job with one line, exit 141, no output, no temp file, no ffmpeg left', async () => {
    const input = join(dir, 'closed-stdout-input.mkv'); // a private path: only this test's processes name it
    copyFileSync(sample('city-pq.mkv'), input);
    const output = join(dir, 'closed-stdout.mkv');
    let closed = false;
    const r = await runCli(['encode', input, '-o', output, '--json'], {
      onStdout: (text, child) => {
        if (!closed && text.includes('"type":"progress"')) {
          closed = true;
          child.stdout!.destroy();
        }
      },
    });
    expect(closed).toBe(true);
    expect(r.stderr).toBe('duhdr: stdout: its reader went away (broken pipe); stopped\n');
    expect(r.code).toBe(141);
    expect(r.stdout).not.toContain('"type":"summary"');
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes(TEMP_MARK))).toEqual([]);
    expect(processesMentioning(input)).toEqual([]);
  });

  it('a stdout that cannot be written (a full disk): stops the job with one line, exit 1, no output', () => {
    const input = join(dir, 'full-stdout-input.mkv');
    copyFileSync(sample('city-pq.mkv'), input);
    const output = join(dir, 'full-stdout.mkv');
    const r = spawnSync('bash', ['-c', `"${process.execPath}" --import tsx src/cli/run.ts encode "${input}" -o "${output}" --json > /dev/full`], {
      cwd: root, encoding: 'utf8',
    });
    expect(r.stderr).toBe('duhdr: cannot write to stdout: ENOSPC: no space left on device, write\n');
    expect(r.status).toBe(1);
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes(TEMP_MARK))).toEqual([]);
    expect(processesMentioning(input)).toEqual([]);
  });
});
