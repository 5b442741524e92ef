import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bdRate } from '../../src/eval/index.js';
import type { ReportJson } from '../../src/report/index.js';
import { METHODS } from '../../src/roundtrip/index.js';
import { runCli } from '../helpers/cli.js';
import { processesMentioning, sample, tempDir } from '../helpers/media.js';
import { makeRoundtripClip } from '../helpers/roundtrip-clip.js';

// `--quick` ladders (src/cli/roundtrip-command.ts).
const QUICK_SDR = [12, 22, 32, 42];
const QUICK_HDR = [14, 24, 34, 44];
const METRICS = ['pq_psnr', 'pu21_psnr', 'pu21_ssim', 'delta_e_itp', 'mu_psnr', 'flicker', 'frames', 'per_frame', 'infinite'] as const;
const SDR_METRICS = ['tmqi', 'tmqi_s', 'tmqi_n', 'colourfulness', 'contrast', 'frames', 'per_frame'] as const;

describe('duhdr roundtrip on a 16-frame cut of the city sample', () => {
  const { dir, cleanup } = tempDir('duhdr-roundtrip-');
  const reportDir = join(dir, 'report');
  let clip = '';
  let report: ReportJson;
  let stdout = '';

  beforeAll(async () => {
    clip = await makeRoundtripClip(dir);
    const r = await runCli(['roundtrip', clip, '--report', reportDir, '--quick', '--keep-media', '--json']);
    if (r.code !== 0) throw new Error(`roundtrip failed (${r.code}): ${r.stderr}`);
    stdout = r.stdout;
    report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as ReportJson;
  }, 600_000);
  afterAll(cleanup);

  it('report.json has every method at every rung, each with its files, bitrate and metrics', () => {
    expect(report.methods.map((m) => m.id)).toEqual(METHODS.map((m) => m.id));
    for (const m of report.methods) {
      expect(m.points.map((p) => p.crf)).toEqual(m.kind === 'hdr' ? QUICK_HDR : QUICK_SDR);
      for (const p of m.points) {
        expect(existsSync(join(reportDir, p.stream))).toBe(true);
        expect(existsSync(join(reportDir, p.restored))).toBe(true);
        expect(p.bitrate_bps).toBeGreaterThan(0);
        expect(p.hdr.frames).toBe(16);
        expect(Number.isFinite(p.hdr.pu21_psnr)).toBe(true);
        expect(p.hdr.per_frame.pu21_psnr).toHaveLength(16);
        if (m.kind === 'sdr') expect(p.sdr?.tmqi).toBeGreaterThan(0);
        else expect(p.sdr).toBeNull();
      }
      // A higher CRF sends fewer bits: the ladder really is a ladder.
      const rates = m.points.map((p) => p.bitrate_bps);
      expect([...rates].sort((a, b) => b - a)).toEqual(rates);
    }
    // duhdr's manifest travels with the classical SDR and is counted; blind sends none.
    expect(report.methods.find((m) => m.id === 'classical')!.points[0]!.side_info_bytes).toBeGreaterThan(100);
    expect(report.methods.find((m) => m.id === 'blind')!.points[0]!.side_info_bytes).toBe(0);
  });

  it('its numbers equal those of `duhdr eval --json` on the same files', async () => {
    for (const m of report.methods) {
      for (const p of [m.points[0]!, m.points.at(-1)!]) {
        const r = await runCli(['eval', clip, join(reportDir, p.restored), '--json']);
        expect(r.code, r.stderr).toBe(0);
        const e = JSON.parse(r.stdout) as Record<string, unknown>;
        for (const k of METRICS) expect([m.id, p.crf, k, p.hdr[k]]).toEqual([m.id, p.crf, k, e[k]]);
      }
      if (m.kind === 'sdr') {
        const p = m.points[0]!;
        const r = await runCli(['eval', clip, join(reportDir, p.stream), '--json']);
        expect(r.code, r.stderr).toBe(0);
        const e = JSON.parse(r.stdout) as Record<string, unknown>;
        for (const k of SDR_METRICS) expect([m.id, 'sdr', k, p.sdr![k]]).toEqual([m.id, 'sdr', k, e[k]]);
      }
    }
  }, 300_000);

  it('BD-rates: every method against each anchor, recomputable from the points (or n/a only where curves do not overlap)', () => {
    for (const anchor of ['hdr10-direct', 'classical']) {
      const a = report.methods.find((m) => m.id === anchor)!;
      for (const m of report.methods.filter((x) => x.id !== anchor)) {
        const entry = report.bd_rate.find((b) => b.method === m.id && b.anchor === anchor);
        expect(entry, `${m.id} vs ${anchor}`).toBeDefined();
        const curve = (x: typeof m): { rate: number; quality: number }[] => x.points.map((p) => ({ rate: p.bitrate_bps, quality: p.hdr.pu21_psnr! }));
        let expected: number | null;
        try {
          expected = bdRate(curve(a), curve(m));
        } catch {
          expected = null;
        }
        expect(entry!.pu21_psnr.value).toBe(expected);
        if (expected === null) expect(entry!.pu21_psnr.reason).toMatch(/do not overlap/);
      }
    }
    // On this clip the analytic hable inverse overlaps hdr10-direct's range: a real number, not n/a.
    expect(report.bd_rate.find((b) => b.method === 'ffmpeg-hable' && b.anchor === 'hdr10-direct')!.pu21_psnr.value).not.toBeNull();
  });

  it('--json prints progress lines and, last, the summary holding report.json', () => {
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(lines.filter((l) => l.type === 'progress').length).toBeGreaterThan(10);
    const last = lines.at(-1) as { type: string } & ReportJson;
    expect(last.type).toBe('summary');
    expect(last.bd_rate).toEqual(report.bd_rate);
    expect(last.methods).toEqual(report.methods);
  });

  it('index.html names only files that are in the report directory; no temporary directory is left', () => {
    const html = readFileSync(join(reportDir, 'index.html'), 'utf8');
    const srcs = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!);
    expect(srcs.length).toBeGreaterThan(10);
    for (const s of srcs) {
      expect(s).not.toMatch(/^(\/|[a-z]+:)/); // relative
      expect(existsSync(join(reportDir, s)), s).toBe(true);
    }
    expect(readdirSync(dirname(reportDir)).filter((f) => f.includes('.duhdr-tmp-'))).toEqual([]);
  });
});

describe('duhdr roundtrip refuses bad input and leaves nothing behind', () => {
  const { dir, cleanup } = tempDir('duhdr-roundtrip-bad-');
  afterAll(cleanup);
  const leftovers = (): string[] => readdirSync(dir).filter((f) => f.includes('.duhdr-tmp-') || f === 'rep');

  it('a text file named .mkv: exit 1, one line naming the file, no report', async () => {
    const bad = join(dir, 'notes.mkv');
    writeFileSync(bad, 'not a video\n');
    const r = await runCli(['roundtrip', bad, '--report', join(dir, 'rep')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('notes.mkv');
    expect(leftovers()).toEqual([]);
  });

  it('an SDR input: exit 1, one line saying it takes HDR10', async () => {
    const r = await runCli(['roundtrip', sample('city-sdr.mkv'), '--report', join(dir, 'rep')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/city-sdr\.mkv: is SDR — roundtrip takes HDR10/);
    expect(leftovers()).toEqual([]);
  });

  it('Ctrl-C mid-run: exit 130, no report, no temporary directory, no ffmpeg left', async () => {
    const clip = await makeRoundtripClip(dir);
    let sent = false;
    const r = await runCli(['roundtrip', clip, '--report', join(dir, 'rep'), '--quick', '--json'], {
      onStdout: (text, child) => {
        // Interrupt once the second step is under way (the first stream already written).
        if (!sent && text.includes('[2/')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(leftovers()).toEqual([]);
    expect(processesMentioning(dir)).toEqual([]);
  }, 120_000);

  it('a report directory that holds something else is refused, untouched', async () => {
    const other = join(dir, 'photos');
    mkdirSync(other);
    writeFileSync(join(other, 'keep.jpg'), 'x');
    const r = await runCli(['roundtrip', join(dir, 'notes.mkv'), '--report', other]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/photos: exists and is not a duhdr report/);
    expect(readdirSync(other)).toEqual(['keep.jpg']);
  });

  it('an --encoder-preset x265 does not have: exit 2 before any encode, no report', async () => {
    const r = await runCli(['roundtrip', sample('city-pq.mkv'), '--report', join(dir, 'rep'), '--encoder-preset', 'bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('duhdr: --encoder-preset bogus: libx265 takes one of ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow, placebo\n');
    expect(leftovers()).toEqual([]);
  });

  it('no --report: exit 2 (usage) with one line asking for it', async () => {
    const r = await runCli(['roundtrip', join(dir, 'notes.mkv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('duhdr: roundtrip needs --report DIR (where report.json and index.html go)\n');
  });
});
