import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { sample } from '../helpers/media.js';

describe('duhdr eval', () => {
  it('--json prints one object with the documented keys; identical inputs give null PSNRs listed as infinite', async () => {
    const r = await runCli(['eval', sample('interior-pq.mp4'), sample('interior-pq.mp4'), '--json', '--frames', '4']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const k of ['pq_psnr', 'pu21_psnr', 'pu21_ssim', 'delta_e_itp', 'mu_psnr', 'flicker', 'frames']) expect(j).toHaveProperty(k);
    expect(j).toMatchObject({ frames: 4, pq_psnr: null, pu21_psnr: null, delta_e_itp: 0, flicker: 0, pu21_ssim: 1 });
    expect(j['infinite']).toEqual(expect.arrayContaining(['pq_psnr', 'pu21_psnr', 'mu_psnr']));
  });

  it('refuses an SDR reference with one line', async () => {
    const r = await runCli(['eval', sample('city-sdr.mkv'), sample('city-pq.mkv')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('city-sdr.mkv');
  });
});
