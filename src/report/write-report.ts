// `duhdr roundtrip IN --report DIR`: run the round trip and write its report atomically. Everything
// is built in a temporary directory beside DIR and renamed onto it only when complete: an
// interrupted or failed run leaves no half report (and an older report at DIR stays whole).

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, OptionError, TEMP_MARK, toCanceledError } from '../io/index.js';
import { MOBIUS_DEFAULT_PARAM, runRoundtrip, type RoundtripOptions, type RoundtripResult, type TonemapParams } from '../roundtrip/index.js';
import { reportHtml } from './html.js';
import {
  colourBar, crop, deltaEMap, encodePng, falseColour, readFrame, schemeTable, toDisplay, worstWindow,
} from './images.js';
import { linePlot, renderSvg } from './plots.js';
import { MEDIA_DIR, reportJson, type ReportJson, type ReportPictures, type ReportPlot } from './report-json.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** ΔE_ITP at the top of the false-colour scale. */
const DELTA_E_MAX = 20;
/** Crop size for the side-by-side pictures (1:1 pixels). */
const CROP = { width: 320, height: 180 };

export type RoundtripReportOptions = Omit<RoundtripOptions, 'workDir'> & {
  /** The report directory: created, or replaced when it holds an earlier report (or nothing). */
  report: string;
  /** Keep the streams and restored files in DIR/media (report.json names them). */
  keepMedia?: boolean;
};

async function checkReportDir(dir: string): Promise<void> {
  const parent = dirname(resolve(dir));
  const p = await stat(parent).catch(() => null);
  if (!p?.isDirectory()) throw new InputError(dir, `cannot write: directory ${parent} does not exist`);
  const d = await stat(dir).catch(() => null);
  if (!d) return;
  if (!d.isDirectory()) throw new InputError(dir, 'exists and is not a directory — choose another report directory');
  const entries = await readdir(dir);
  if (entries.length && !entries.includes('report.json')) {
    throw new InputError(dir, 'exists and is not a duhdr report (no report.json) — choose another directory or empty it');
  }
}

/** The rung the pictures and per-frame plots show: the second-best quality of each ladder. */
const pictureRung = (n: number): number => Math.min(n - 1, 1);

async function writePlots(r: RoundtripResult, dir: string): Promise<ReportPlot[]> {
  await mkdir(join(dir, 'plots'));
  const rd = r.methods.flatMap((m) => m.points.map((p) => ({
    method: m.id, kbps: p.bitrate / 1000, pu21: p.hdr.pu21_psnr, de: p.hdr.delta_e_itp, tmqi: p.sdr?.tmqi ?? NaN,
  })));
  const frames = r.methods.flatMap((m) => {
    const p = m.points[pictureRung(m.points.length)]!;
    return p.hdr.per_frame.pu21_psnr.map((v, i) => ({
      method: m.id, frame: i, pu21: v, de: p.hdr.per_frame.delta_e_itp[i]!, mean: p.hdr.per_frame.pu21_mean_test[i]!,
    }));
  });
  const first = r.methods[0]?.points[0];
  const meanRows = [
    ...(first ? first.hdr.per_frame.pu21_mean_ref.map((v, i) => ({ method: 'source', frame: i, mean: v })) : []),
    ...frames.map((f) => ({ method: f.method, frame: f.frame, mean: f.mean })),
  ];
  const finite = <T extends Record<string, number | string>>(rows: T[], key: keyof T): T[] => rows.filter((row) => Number.isFinite(row[key] as number));
  const domain = r.methods.map((m) => m.id);
  const specs: (ReportPlot & { spec: Parameters<typeof renderSvg>[0] })[] = [
    {
      file: 'plots/rd-pu21-psnr.svg', title: 'Bitrate vs PU21-PSNR', group: 'rd',
      spec: linePlot({ title: 'Bitrate vs PU21-PSNR (higher is better)', rows: finite(rd, 'pu21'), x: 'kbps', xTitle: 'kbit/s (video + side info)', xLog: true, y: 'pu21', yTitle: 'PU21-PSNR (dB)', series: 'method', seriesTitle: 'method', domain }),
    },
    {
      file: 'plots/rd-delta-e-itp.svg', title: 'Bitrate vs ΔE_ITP', group: 'rd',
      spec: linePlot({ title: 'Bitrate vs ΔE_ITP (lower is better)', rows: rd, x: 'kbps', xTitle: 'kbit/s (video + side info)', xLog: true, y: 'de', yTitle: 'mean ΔE_ITP', series: 'method', seriesTitle: 'method', domain }),
    },
    {
      file: 'plots/rd-sdr-tmqi.svg', title: 'Bitrate vs SDR TMQI', group: 'rd',
      spec: linePlot({ title: 'SDR look: bitrate vs TMQI of the SDR sent', rows: finite(rd, 'tmqi'), x: 'kbps', xTitle: 'kbit/s (video + side info)', xLog: true, y: 'tmqi', yTitle: 'TMQI', series: 'method', seriesTitle: 'method', domain }),
    },
    {
      file: 'plots/frames-pu21-psnr.svg', title: 'PU21-PSNR per frame (the pictures\' rung)', group: 'frames',
      spec: linePlot({ title: 'PU21-PSNR per frame', rows: finite(frames, 'pu21'), x: 'frame', xTitle: 'frame', y: 'pu21', yTitle: 'PU21-PSNR (dB)', series: 'method', seriesTitle: 'method', domain, points: false }),
    },
    {
      file: 'plots/frames-delta-e-itp.svg', title: 'ΔE_ITP per frame', group: 'frames',
      spec: linePlot({ title: 'ΔE_ITP per frame', rows: frames, x: 'frame', xTitle: 'frame', y: 'de', yTitle: 'mean ΔE_ITP', series: 'method', seriesTitle: 'method', domain, points: false }),
    },
    {
      file: 'plots/frames-pu21-mean.svg', title: 'Frame-mean PU21 luminance (flicker)', group: 'frames',
      spec: linePlot({ title: 'Frame-mean PU21 luminance (what flicker measures)', rows: meanRows, x: 'frame', xTitle: 'frame', y: 'mean', yTitle: 'mean PU21', series: 'method', seriesTitle: 'method', domain: [...domain, 'source'], points: false }),
    },
  ];
  const out: ReportPlot[] = [];
  for (const { spec, ...plot } of specs) {
    await writeFile(join(dir, plot.file), await renderSvg(spec));
    out.push(plot);
  }
  return out;
}

async function writePictures(r: RoundtripResult, dir: string, signal: AbortSignal | undefined): Promise<ReportPictures> {
  await mkdir(join(dir, 'pictures'));
  const frame = Math.floor(r.frames / 2);
  const display: TonemapParams = { curve: 'hable', peak: r.peakNits / 100, param: MOBIUS_DEFAULT_PARAM };
  const source = await readFrame(r.input, frame, 'hdr', signal);
  const rung = (m: RoundtripResult['methods'][number]) => m.points[pictureRung(m.points.length)]!;
  const maps = [];
  for (const m of r.methods) {
    const p = rung(m);
    const restored = await readFrame(p.restored, frame, 'hdr', signal);
    const sdr = m.kind === 'sdr' ? await readFrame(p.stream, frame, 'sdr', signal) : null;
    maps.push({ m, p, restored, sdr, map: deltaEMap(source, restored) });
  }
  // Crop where duhdr's own method (else the first SDR method, else any) errs most.
  const focus = maps.find((x) => x.m.id === 'classical') ?? maps.find((x) => x.m.kind === 'sdr') ?? maps[0];
  const box = focus
    ? worstWindow(focus.map, source.width, source.height, CROP.width, CROP.height)
    : { x: 0, y: 0, width: Math.min(CROP.width, source.width), height: Math.min(CROP.height, source.height) };
  const table = schemeTable('viridis');
  const png = async (name: string, img: Parameters<typeof encodePng>[0]): Promise<string> => {
    const file = `pictures/${name}.png`;
    await writeFile(join(dir, file), encodePng(img));
    return file;
  };
  const methods: ReportPictures['methods'] = [];
  for (const { m, restored, sdr, map } of maps) {
    let sum = 0;
    for (const v of map) sum += v;
    methods.push({
      method: m.id,
      crop: await png(`${m.id}-restored-crop`, crop(toDisplay(restored, display), box)),
      sdr_crop: sdr ? await png(`${m.id}-sdr-crop`, crop(toDisplay(sdr, display), box)) : null,
      delta_e_map: await png(`${m.id}-delta-e-itp`, falseColour(map, source.width, source.height, DELTA_E_MAX, table)),
      delta_e_mean: sum / map.length,
    });
  }
  const labels = [...new Set(r.methods.map((m) => `${m.kind === 'hdr' ? 'HDR' : 'SDR'} CRF ${rung(m).crf}`))];
  return {
    frame,
    rung_label: labels.join(', '),
    crop: box,
    crop_from: focus?.m.id ?? 'none',
    display_mapping: `BT.709 primaries, ffmpeg's hable curve (desat 0, peak ${r.peakNits} cd/m²), 2.4 gamma`,
    delta_e_scale_max: DELTA_E_MAX,
    colour_bar: await png('delta-e-scale', colourBar(256, 16, table)),
    source_crop: await png('source-crop', crop(toDisplay(source, display), box)),
    methods,
  };
}

/**
 * Runs the round trip on `input` and writes DIR/report.json and DIR/index.html (with plots/ and
 * pictures/ beside it, and media/ with --keep-media). Returns report.json's content.
 *
 * @example await roundtripReport({ input: 'samples/city-pq.mkv', report: '/tmp/rt-city' })
 */
export async function roundtripReport(options: RoundtripReportOptions): Promise<ReportJson> {
  const { report, keepMedia = false, signal, ...rest } = options;
  if (typeof report !== 'string' || !report) throw new OptionError('a report directory is needed (--report DIR)');
  await checkReportDir(report);
  const suffix = randomBytes(4).toString('hex');
  const temp = join(dirname(resolve(report)), `${basename(resolve(report))}${TEMP_MARK}${suffix}`);
  await mkdir(temp);
  try {
    const workDir = join(temp, MEDIA_DIR);
    await mkdir(workDir);
    const result = await runRoundtrip({ ...rest, workDir, ...(signal ? { signal } : {}) });
    const plots = await writePlots(result, temp);
    const pictures = await writePictures(result, temp, signal);
    const json = reportJson(result, { createdBy: `duhdr ${VERSION}`, mediaKept: keepMedia, plots, pictures });
    await writeFile(join(temp, 'report.json'), `${JSON.stringify(json, null, 1)}\n`);
    await writeFile(join(temp, 'index.html'), reportHtml(json));
    if (!keepMedia) await rm(workDir, { recursive: true, force: true });
    else await rm(join(workDir, 'presets'), { recursive: true, force: true });
    if (signal?.aborted) throw toCanceledError(signal);
    // Swap in: an earlier report is moved aside first and removed once the new one is in place.
    const old = (await stat(report).catch(() => null)) ? `${resolve(report)}${TEMP_MARK}old-${suffix}` : null;
    if (old) await rename(report, old);
    await rename(temp, report);
    if (old) await rm(old, { recursive: true, force: true });
    return json;
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
}
