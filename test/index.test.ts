import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sample, tempDir } from './helpers/media.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { dir, cleanup } = tempDir();
afterAll(cleanup);

/**
 * Run an ES module in a project of its own that has duhdr installed (node_modules/duhdr links to
 * this checkout, as `npm link` makes it): what it imports is the package's built entry
 * (package.json `exports`, dist/, which `npm test` builds first), not the sources.
 */
function runConsumer(code: string): { status: number | null; stdout: string; stderr: string } {
  const project = join(dir, 'consumer');
  const link = join(project, 'node_modules', 'duhdr');
  if (!existsSync(link)) {
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    symlinkSync(ROOT, link, 'dir');
  }
  const main = join(project, 'main.mjs');
  writeFileSync(main, code);
  return spawnSync(process.execPath, [main], { cwd: project, encoding: 'utf8' });
}

describe("the package entry, as a project imports it: import { encode, restore, probe } from 'duhdr'", () => {
  it('encodes and restores with an AbortSignal and progress events, and probes the result', () => {
    const [sdr, hdr] = [join(dir, 'sdr.mkv'), join(dir, 'hdr.mkv')];
    const r = runConsumer(`
      import { encode, restore, probe } from 'duhdr';
      const stages = new Set();
      let last = null;
      const e = await encode({
        input: ${JSON.stringify(sample('city-pq.mkv'))}, output: ${JSON.stringify(sdr)},
        signal: AbortSignal.timeout(120_000),
        onProgress: (p) => { stages.add(p.stage); last = p; },
      });
      const r = await restore({ input: ${JSON.stringify(sdr)}, output: ${JSON.stringify(hdr)}, encoderPreset: 'ultrafast' });
      const info = await probe(${JSON.stringify(hdr)});
      console.log(JSON.stringify({ encoded: e.frames, restored: r.frames, stages: [...stages], last, range: info.video.dynamicRange, hdr10: info.video.hdr10 }));
    `);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(out).toMatchObject({ encoded: 72, restored: 72, stages: ['encode', 'remux'], range: 'pq' });
    expect(out['last']).toMatchObject({ stage: 'remux', unit: 'bytes', eta: 0 });
    expect(out['hdr10']).toMatchObject({ masteringDisplay: { maxLuminance: 1000 }, contentLightLevel: { maxCll: 1000 } });
  });

  it('validates options at the boundary: a bad one is refused with a message naming it, before any work', () => {
    const out = join(dir, 'never.mkv');
    const r = runConsumer(`
      import { encode, OptionError } from 'duhdr';
      try {
        await encode({ input: ${JSON.stringify(sample('city-pq.mkv'))}, output: ${JSON.stringify(out)}, crf: 'high' });
        console.log('accepted');
      } catch (err) {
        console.log(JSON.stringify({ optionError: err instanceof OptionError, message: err.message }));
      }
    `);
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout.trim()) as { optionError: boolean; message: string };
    expect(res.optionError).toBe(true);
    expect(res.message).toMatch(/crf/);
    expect(existsSync(out)).toBe(false);
  });
});
