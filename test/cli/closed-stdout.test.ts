import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEMP_MARK } from '../../src/io/index.js';
import { runCli } from '../helpers/cli.js';
import { processesMentioning, sample, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

// A reader that stops reading early (`duhdr encode --json | head -1`) closes the pipe under
// duhdr's stdout; its next write fails with EPIPE.
describe('stdout closed by its reader', () => {
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
});
