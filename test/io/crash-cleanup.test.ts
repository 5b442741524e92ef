import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEMP_MARK } from '../../src/io/index.js';
import { processesMentioning, sample, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const root = new URL('../../', import.meta.url).pathname;

// The error paths' cleanup never runs when the process itself dies mid-job: a bug's uncaught
// exception, or a program around the library calling process.exit().
describe('a process that dies mid-encode', () => {
  for (const death of ['an uncaught exception', 'process.exit(3)'] as const) {
    it(`(${death}) leaves no temp output and no ffmpeg`, () => {
      const input = join(dir, `crash-input-${death.length}.mkv`); // a private path: only this test's processes name it
      copyFileSync(sample('city-pq.mkv'), input);
      const output = join(dir, `crash-${death.length}.mkv`);
      const die = death === 'process.exit(3)' ? 'process.exit(3)' : "setImmediate(() => { throw new Error('boom') })";
      const script = `
        import { encode } from './src/pipeline/index.ts';
        let died = false;
        await encode({ input: ${JSON.stringify(input)}, output: ${JSON.stringify(output)}, onProgress: (p) => {
          if (!died && p.frames >= 2) { died = true; console.log('dying'); ${die}; }
        } });`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
      expect(r.stdout).toBe('dying\n');
      expect(r.status).toBe(death === 'process.exit(3)' ? 3 : 1);
      if (death !== 'process.exit(3)') expect(r.stderr).toContain('boom');
      expect(existsSync(output)).toBe(false);
      expect(readdirSync(dir).filter((f) => f.includes(TEMP_MARK))).toEqual([]);
      expect(processesMentioning(input)).toEqual([]);
    });
  }
});
