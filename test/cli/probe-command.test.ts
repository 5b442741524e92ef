import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { dolbyVisionMp4, ffmpeg, sample, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

describe('duhdr probe', () => {
  it('describes the HDR10 sample for a person', async () => {
    const r = await runCli(['probe', sample('city-pq.mkv')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('video #0  hevc Main 10  640x360  24 fps (constant)  72 frames');
    expect(r.stdout).toContain('PQ (HDR10)  primaries bt2020  transfer smpte2084  matrix bt2020nc');
    expect(r.stdout).toMatch(/MaxCLL 1000 cd\/m²  MaxFALL \d+ cd\/m²/);
    expect(r.stdout).toContain('audio #1  aac  2 ch  48000 Hz  eng');
    expect(r.stdout).toContain('chapters  2');
  });

  it('gives the upright size of a clip stored sideways, saying it is turned, and the shape of non-square pixels', async () => {
    const turned = join(dir, 'turned.mp4');
    await ffmpeg(['-i', sample('city-pq.mkv'), '-map', '0:v', '-c', 'copy', '-metadata:s:v:0', 'rotate=270', turned]);
    const r = await runCli(['probe', turned]);
    expect(r.stdout).toContain('video #0  hevc Main 10  360x640 (turned 270°)  24 fps (constant)  72 frames');
    // Shown 16:9 from 480x360 pixels: each pixel 4:3 wide.
    const wide = join(dir, 'wide.mkv');
    await ffmpeg(['-i', sample('city-pq.mkv'), '-map', '0:v', '-vf', 'scale=480:360,setsar=4/3', '-c:v', 'ffv1', wide]);
    expect((await runCli(['probe', wide])).stdout).toContain('480x360 (pixels 4:3)  24 fps');
  });

  it('names Dolby Vision and what its base layer is (profile 5 has none others can read)', async () => {
    const dv5 = join(dir, 'dv5.mp4');
    const dv81 = join(dir, 'dv81.mp4');
    await dolbyVisionMp4(dv5, 5, 0);
    await dolbyVisionMp4(dv81, 8, 1);
    expect((await runCli(['probe', dv5])).stdout).toContain('    Dolby Vision profile 5, level 6 (no base layer others can read)\n');
    expect((await runCli(['probe', dv81])).stdout).toContain('    Dolby Vision profile 8.1, level 6 (HDR10 base layer)\n');
    const json = JSON.parse((await runCli(['probe', '--json', dv81])).stdout) as { video: { dolbyVision: unknown } };
    expect(json.video.dolbyVision).toEqual({ profile: 8, level: 6, compatibility: 1 });
    const plain = JSON.parse((await runCli(['probe', '--json', sample('city-pq.mkv')])).stdout) as { video: { dolbyVision: unknown } };
    expect(plain.video.dolbyVision).toBeNull();
  });

  it('prints the full description as JSON with --json', async () => {
    const r = await runCli(['probe', '--json', sample('sunset-hlg.mkv')]);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as { video: { dynamicRange: string; frameCount: number; bitDepth: number } };
    expect(info.video).toMatchObject({ dynamicRange: 'hlg', frameCount: 50, bitDepth: 10 });
  });

  it('prints one line naming the file and exits 1 for a missing file and for a text file named .mkv', async () => {
    const missing = join(dir, 'missing.mkv');
    const r1 = await runCli(['probe', missing]);
    expect(r1).toMatchObject({ code: 1, stdout: '', stderr: `duhdr: ${missing}: no such file\n` });

    const text = join(dir, 'text.mkv');
    writeFileSync(text, 'not a video at all\n'.repeat(10));
    const r2 = await runCli(['probe', text]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(new RegExp(`^duhdr: ${text}: not a media file ffprobe can read \\(.+\\)\\n`));
    expect(r2.stderr.split('\n').filter(Boolean)[0]).not.toMatch(/at .*\.ts/); // no stack trace
  });

  it('prints ffmpeg command lines with --verbose', async () => {
    const r = await runCli(['probe', '--verbose', sample('city-sdr.mkv')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/duhdr: \$ \S*ffprobe -v error -show_format -show_streams -show_chapters -of json -i \S*city-sdr\.mkv/);
  });
});

describe('the command list', () => {
  it('--help lists every command with an example', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['probe', 'samples', 'encode', 'restore', 'upconvert', 'roundtrip', 'eval', 'train', 'export', 'bench']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    }
    expect(r.stdout).toContain('Examples:');
    // The commands that run models choose the engine.
    for (const c of ['encode', 'restore', 'upconvert', 'play', 'roundtrip']) {
      const h = await runCli([c, '--help']);
      expect(h.stdout.replace(/\s+/g, ' '), c).toContain('--engine <engine> where a learned model runs: ort (ONNX Runtime, default) or tfjs');
    }
  });

  it('a bad command line exits 2 (usage), help and version 0, as the README says', async () => {
    const unknown = await runCli(['encode', sample('city-pq.mkv'), '-o', 'never.mkv', '--bogus']);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/^error: unknown option '--bogus'\n/);
    const missing = await runCli(['encode', sample('city-pq.mkv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '-o, --output <file>' not specified/);
    expect((await runCli(['nosuch'])).code).toBe(2);
    expect((await runCli(['restore', '--engine', 'gpu', 'x.mkv', '-o', 'y.mkv'])).code).toBe(2);
    // An option duhdr itself refuses (OptionError) is a usage error too.
    const model = await runCli(['encode', sample('city-pq.mkv'), '-o', 'never.mkv', '--model', 'nope']);
    expect(model).toMatchObject({ code: 2, stderr: 'duhdr: unknown model "nope"; available: classical-bt2390, classical-soft, dual-v1\n' });
    expect((await runCli(['--version'])).code).toBe(0);
    expect((await runCli(['encode', '--help'])).code).toBe(0);
  });
});
