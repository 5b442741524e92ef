// The HTML report in a real headless Chromium (Debian's, driven by puppeteer-core: no browser
// download). Skipped, with one line saying why, where no Chromium is installed.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportJson } from '../../src/report/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/media.js';
import { makeRoundtripClip } from '../helpers/roundtrip-clip.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
// CHROMIUM_PATH, when set, is the only candidate (so a run can also be told there is none).
const CANDIDATES = process.env['CHROMIUM_PATH'] !== undefined
  ? [process.env['CHROMIUM_PATH']]
  : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const chromium = CANDIDATES.find((p): p is string => Boolean(p) && existsSync(p!));
if (!chromium) console.warn('test/report/report-html.test.ts: SKIPPED — no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)');

/** Whether a PNG has more than one colour (a rendered plot or picture, not a blank box). */
function notUniform(png: Uint8Array): { distinct: number } {
  const img = PNG.sync.read(Buffer.from(png));
  const seen = new Set<number>();
  for (let i = 0; i < img.data.length && seen.size < 64; i += 4) seen.add(img.data.readUInt32BE(i));
  return { distinct: seen.size };
}

describe.skipIf(!chromium)('the HTML report in headless Chromium', () => {
  const { dir, cleanup } = tempDir('duhdr-report-');
  const reportDir = join(dir, 'report');
  let browser: Browser;
  let report: ReportJson;

  beforeAll(async () => {
    const clip = await makeRoundtripClip(dir);
    const r = await runCli(['roundtrip', clip, '--report', reportDir, '--quick', '--methods', 'hdr10-direct,ffmpeg-hable,classical']);
    if (r.code !== 0) throw new Error(`roundtrip failed (${r.code}): ${r.stderr}`);
    report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as ReportJson;
    browser = await puppeteer.launch({ executablePath: chromium!, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    cleanup();
  });

  it('loads with no console error, every <img> (SVG plots and PNG pictures) renders non-blank; a screenshot is kept', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    await page.setViewport({ width: 1300, height: 900 });
    await page.goto(pathToFileURL(join(reportDir, 'index.html')).href, { waitUntil: 'load' });
    expect(errors).toEqual([]);

    const imgs = await page.$$eval('img', (els) => els.map((e) => ({ src: e.getAttribute('src') ?? '', width: e.naturalWidth, complete: e.complete })));
    // 6 plots, the colour bar, the side-by-side row (source, classical SDR, ffmpeg-hable SDR, classical restored),
    // and per method: restored crop and ΔE map, plus the SDR crop for SDR methods.
    expect(imgs.length).toBe(6 + 1 + 4 + report.methods.length * 2 + report.methods.filter((m) => m.kind === 'sdr').length);
    expect(imgs.filter((i) => i.src.endsWith('.svg'))).toHaveLength(6);
    for (const i of imgs) expect([i.src, i.complete, i.width > 0]).toEqual([i.src, true, true]);

    const handles = await page.$$('img');
    for (const [k, h] of handles.entries()) {
      const shot = await h.screenshot({ type: 'png' });
      expect([imgs[k]!.src, notUniform(shot).distinct > 4]).toEqual([imgs[k]!.src, true]);
    }

    mkdirSync(ARTIFACTS, { recursive: true });
    const full = await page.screenshot({ type: 'png', fullPage: true });
    writeFileSync(join(ARTIFACTS, 'report.png'), full);
    expect(notUniform(full).distinct).toBeGreaterThan(4);
    await page.close();
  }, 120_000);

  it('shows the BD-rate table with a number for every method against each anchor it could be measured on', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(reportDir, 'index.html')).href, { waitUntil: 'load' });
    const text = await page.$eval('body', (b) => b.innerText);
    for (const b of report.bd_rate) {
      if (b.pu21_psnr.value !== null) expect(text).toContain(`${b.pu21_psnr.value > 0 ? '+' : ''}${b.pu21_psnr.value.toFixed(1)} %`);
    }
    expect(text).toContain('BD-rate');
    await page.close();
  });
});
