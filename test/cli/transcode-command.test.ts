import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEMP_MARK, ffmpegCapabilities, probe } from '../../src/io/index.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, processesMentioning, sample, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

describe('duhdr transcode', () => {
  it('prints JSON progress and a summary with --json', async () => {
    const output = join(dir, 'copy.mkv');
    const r = await runCli(['transcode', sample('interior-pq.mp4'), '-o', output, '--codec', 'x264', '--preset', 'ultrafast', '--crf', '30', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; frames: number });
    expect(lines.at(-1)).toMatchObject({ type: 'summary', frames: 50, output });
    expect(lines.filter((l) => l.type === 'progress').at(-1)).toMatchObject({ frames: 50, sent: 50, totalFrames: 50, finishing: true });
    expect(existsSync(output)).toBe(true);
  });

  it('FFV1 takes no --preset and needs none; a speed preset or CRF the codec lacks is refused before ffmpeg starts', async () => {
    const master = join(dir, 'master-ffv1.mkv');
    const r = await runCli(['transcode', sample('city-pq.mkv'), '-o', master, '--codec', 'ffv1']);
    expect(r.code).toBe(0);
    expect(existsSync(master)).toBe(true);
    const refused: [string[], string][] = [
      [['--codec', 'ffv1', '--preset', 'medium'], '--preset medium: ffv1 has no speed presets'],
      [['--codec', 'av1', '--preset', 'medium'], '--preset medium: libaom-av1 takes a speed preset from 0 (slowest) to 8'],
      [['--codec', 'x265', '--preset', 'turbo'], '--preset turbo: libx265 takes one of ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow, placebo'],
      // x265 stops at 51 (AV1 at 63): before, ffmpeg only said it could not open the encoder.
      [['--codec', 'x265', '--crf', '60'], '--crf 60: libx265 takes a CRF in [0, 51] (lower is better)'],
    ];
    const output = join(dir, 'refused.mkv');
    for (const [args, message] of refused) {
      const bad = await runCli(['transcode', sample('city-pq.mkv'), '-o', output, ...args]);
      expect(bad).toMatchObject({ code: 2, stdout: '', stderr: `duhdr: ${message}\n` });
    }
    // Not a number: commander's usage line, not an internal error.
    const nan = await runCli(['transcode', sample('city-pq.mkv'), '-o', output, '--crf', 'abc']);
    expect(nan).toMatchObject({ code: 2, stdout: '' });
    expect(nan.stderr).toMatch(/^error: option '--crf <n>' argument 'abc' is invalid\. expected a number, e\.g\. 20, got abc\n$/);
    expect(existsSync(output)).toBe(false);
  });

  it('--codec av1 runs with libaom\'s own speed default (it was handed x264\'s "medium" and failed to open)', async (ctx) => {
    if (!(await ffmpegCapabilities()).encoders.has('libaom-av1')) ctx.skip();
    const tiny = join(dir, 'tiny-pq.mkv');
    await ffmpeg(['-i', sample('city-pq.mkv'), '-frames:v', '3', '-vf', 'scale=96:54', '-c:v', 'ffv1', '-pix_fmt', 'yuv420p10le',
      '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', tiny]);
    const out = join(dir, 'tiny-av1.mkv');
    const r = await runCli(['transcode', tiny, '-o', out, '--codec', 'av1', '--crf', '40']);
    expect(r).toMatchObject({ code: 0 });
    expect((await probe(out)).video).toMatchObject({ codec: 'av1', frameCount: 3 });
  });

  // SIGHUP: the terminal closed or the ssh session dropped.
  const exitCodes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${sig} mid-run: exits ${exitCodes[sig]} with one line, no output, no temp file, no ffmpeg left`, async () => {
      const output = join(dir, `interrupted-${sig}.mkv`);
      const input = join(dir, `input-${sig}.mkv`); // a private path: only this test's processes name it
      copyFileSync(sample('forest-pq-720p.mkv'), input);
      let sent = false;
      const r = await runCli(
        // Lossless 720p at the slowest preset: seconds of work, so the signal lands mid-run.
        ['transcode', input, '-o', output, '--lossless', '--preset', 'veryslow', '--json'],
        {
          onStdout: (text, child) => {
            if (!sent && text.includes('"type":"progress"')) {
              sent = true;
              child.kill(sig);
            }
          },
        },
      );
      expect(sent).toBe(true);
      expect(r.code).toBe(exitCodes[sig]);
      expect(r.stderr).toBe(`duhdr: interrupted by ${sig}\n`);
      expect(existsSync(output)).toBe(false);
      expect(readdirSync(dir).filter((f) => f.includes(TEMP_MARK))).toEqual([]);
      expect(processesMentioning(`interrupted-${sig}${TEMP_MARK}`)).toEqual([]);
      expect(processesMentioning(input)).toEqual([]);
    });
  }
});
