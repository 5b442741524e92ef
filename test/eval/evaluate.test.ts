import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CanceledError, InputError, UnsupportedInputError } from '../../src/io/index.js';
import { evaluate, evaluationToJson } from '../../src/eval/index.js';
import { ffmpeg, processesMentioning, sample, tempDir } from '../helpers/media.js';

const FRAMES = 12;
const CITY = sample('city-pq.mkv');
const tmp = tempDir('duhdr-eval-');
const degraded = join(tmp.dir, 'city-x265-crf34.mkv');
const sdr = join(tmp.dir, 'city-hable-sdr.mkv');

beforeAll(async () => {
  await Promise.all([
    // A lossy HDR10 copy of the first frames.
    ffmpeg([
      '-i', CITY, '-frames:v', String(FRAMES), '-map', '0:v:0',
      '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'crf=34:log-level=error', '-pix_fmt', 'yuv420p10le',
      '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', '-color_range', 'tv', degraded,
    ]),
    // An SDR made by a reasonable global tone curve: PQ → linear (100 cd/m² = 1) → BT.709
    // primaries → Hable → BT.709 8-bit.
    ffmpeg([
      '-i', CITY, '-frames:v', String(FRAMES), '-map', '0:v:0',
      '-vf', 'zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '16',
      '-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709', '-color_range', 'tv', sdr,
    ]),
  ]);
});

afterAll(() => tmp.cleanup());

describe('evaluate', () => {
  it('a file against itself: infinite PSNRs (null in JSON), ΔE 0, SSIM 1, flicker 0', async () => {
    const e = await evaluate(CITY, CITY, { maxFrames: FRAMES });
    if (e.mode !== 'hdr') throw new Error(`expected an HDR evaluation, got ${e.mode}`);
    expect(e.frames).toBe(FRAMES);
    expect([e.width, e.height]).toEqual([640, 360]);
    expect([e.pq_psnr, e.pu21_psnr, e.mu_psnr]).toEqual([Infinity, Infinity, Infinity]);
    expect(e.per_frame.pu21_psnr).toEqual(new Array(FRAMES).fill(Infinity));
    expect(e.delta_e_itp).toBe(0);
    expect(e.pu21_ssim).toBeCloseTo(1, 9);
    expect(e.flicker).toBe(0);
    const json = evaluationToJson(e);
    expect(json.pq_psnr).toBeNull();
    expect(json.infinite).toEqual(expect.arrayContaining(['pq_psnr', 'pu21_psnr', 'mu_psnr', 'per_frame.pu21_psnr']));
  });

  it('a lossy x265 copy: finite, plausible values', async () => {
    const e = await evaluate(CITY, degraded, { maxFrames: FRAMES });
    if (e.mode !== 'hdr') throw new Error(`expected an HDR evaluation, got ${e.mode}`);
    expect(e.frames).toBe(FRAMES);
    expect(e.pu21_psnr).toBeGreaterThan(25);
    expect(e.pu21_psnr).toBeLessThan(50);
    expect(e.pq_psnr).toBeGreaterThan(30);
    expect(e.pq_psnr).toBeLessThan(55);
    expect(e.mu_psnr).toBeGreaterThan(25);
    expect(e.mu_psnr).toBeLessThan(55);
    expect(e.pu21_ssim).toBeGreaterThan(0.7);
    expect(e.pu21_ssim).toBeLessThan(1);
    expect(e.delta_e_itp).toBeGreaterThan(0.5);
    expect(e.delta_e_itp).toBeLessThan(10);
    expect(e.flicker).toBeGreaterThan(0);
    expect(e.flicker).toBeLessThan(2);
    // The clip value is the PSNR of the pooled MSE: between the worst and best frame.
    for (const key of ['pq_psnr', 'pu21_psnr', 'mu_psnr'] as const) {
      expect(e.per_frame[key]).toHaveLength(FRAMES);
      expect(e[key]).toBeGreaterThanOrEqual(Math.min(...e.per_frame[key]));
      expect(e[key]).toBeLessThanOrEqual(Math.max(...e.per_frame[key]));
    }
  });

  it('an SDR tone-mapped from the reference: TMQI in (0.5, 1)', async () => {
    const e = await evaluate(CITY, sdr, { maxFrames: FRAMES });
    if (e.mode !== 'sdr') throw new Error(`expected an SDR evaluation, got ${e.mode}`);
    expect(e.frames).toBe(FRAMES);
    expect(e.tmqi).toBeGreaterThan(0.5);
    expect(e.tmqi).toBeLessThan(1);
    for (const v of [e.tmqi_s, e.tmqi_n]) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
    }
    expect(e.colourfulness).toBeGreaterThan(1);
    expect(e.contrast).toBeGreaterThan(0.01);
    expect(e.contrast).toBeLessThan(0.5);
    expect(e.per_frame.tmqi).toHaveLength(FRAMES);
  });

  it('reads HLG through the BT.2100 OOTF', async () => {
    const e = await evaluate(sample('sunset-hlg.mkv'), sample('sunset-hlg.mkv'), { maxFrames: 2 });
    expect(e.mode).toBe('hdr');
    expect(e.frames).toBe(2);
    if (e.mode === 'hdr') expect(e.delta_e_itp).toBe(0);
  });

  it('refuses different frame counts and sizes, naming both files', async () => {
    const counts = evaluate(CITY, degraded);
    await expect(counts).rejects.toBeInstanceOf(InputError);
    await expect(counts).rejects.toThrow(`${degraded}: has ${FRAMES} frames but the reference ${CITY} has 72`);
    const forest = sample('forest-pq-720p.mkv');
    await expect(evaluate(CITY, forest, { maxFrames: 1 })).rejects.toThrow(`${forest}: is 1280x720 but the reference ${CITY} is 640x360`);
  });

  it('refuses an SDR reference and bad options', async () => {
    const sdrRef = evaluate(sample('city-sdr.mkv'), CITY);
    await expect(sdrRef).rejects.toBeInstanceOf(UnsupportedInputError);
    await expect(sdrRef).rejects.toThrow(/is SDR — the reference must be the HDR original/);
    await expect(evaluate(CITY, CITY, { maxFrames: 0 })).rejects.toThrow(/options.maxFrames must be a positive integer, got 0/);
  });

  it('stops both decoders when aborted mid-clip', async () => {
    const controller = new AbortController();
    const run = evaluate(CITY, degraded, {
      maxFrames: FRAMES,
      signal: controller.signal,
      onFrame: (n) => {
        if (n === 2) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CanceledError);
    expect(processesMentioning(degraded)).toEqual([]);
  });
});
