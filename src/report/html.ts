// index.html of a round-trip report: self-contained (plots and pictures are files beside it,
// referenced by relative paths), no script, readable without a server.

import type { ReportJson } from './report-json.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const num = (v: number | null | undefined, digits: number): string => (v === null || v === undefined ? 'inf' : v.toFixed(digits));
const pct = (v: number | null, reason?: string): string =>
  v === null ? `<td class="na" title="${esc(reason ?? '')}">n/a</td>` : `<td>${v > 0 ? '+' : ''}${v.toFixed(1)} %</td>`;

export function reportHtml(r: ReportJson): string {
  const rows = r.methods.flatMap((m) =>
    m.points.map((p, i) => `<tr>${i === 0 ? `<th rowspan="${m.points.length}" title="${esc(m.description)}">${esc(m.label)}</th>` : ''}
      <td>${p.crf}</td><td>${(p.bitrate_bps / 1000).toFixed(1)}</td><td>${p.side_info_bytes}</td>
      <td>${num(p.hdr.pu21_psnr, 2)}</td><td>${num(p.hdr.pu21_ssim, 4)}</td><td>${num(p.hdr.delta_e_itp, 3)}</td>
      <td>${num(p.hdr.pq_psnr, 2)}</td><td>${num(p.hdr.mu_psnr, 2)}</td><td>${num(p.hdr.flicker, 3)}</td>
      <td>${p.sdr ? num(p.sdr.tmqi, 4) : '—'}</td><td>${p.sdr ? num(p.sdr.colourfulness, 1) : '—'}</td></tr>`),
  ).join('\n');
  const anchors = [...new Set(r.bd_rate.map((b) => b.anchor))];
  const bdMethods = [...new Set(r.bd_rate.map((b) => b.method))];
  const bdRows = bdMethods.map((m) => {
    const cells = anchors.map((a) => {
      const e = r.bd_rate.find((b) => b.method === m && b.anchor === a);
      return e ? `${pct(e.pu21_psnr.value, e.pu21_psnr.reason)}${pct(e.delta_e_itp.value, e.delta_e_itp.reason)}` : '<td>—</td><td>—</td>';
    });
    return `<tr><th>${esc(m)}</th>${cells.join('')}</tr>`;
  }).join('\n');
  const img = (src: string, alt: string, cls = ''): string => `<img src="${esc(src)}" alt="${esc(alt)}"${cls ? ` class="${cls}"` : ''}>`;
  const pics = r.pictures;
  const fig = (src: string, caption: string, cls = 'px'): string => `<figure>${img(src, caption, cls)}<figcaption>${esc(caption)}</figcaption></figure>`;
  const pic = (id: string): ReportJson['pictures']['methods'][number] | undefined => pics.methods.find((m) => m.method === id);
  const ours = pic('classical') ?? pics.methods.find((m) => m.sdr_crop);
  const hable = pic('ffmpeg-hable');
  // The comparison the issue asks for, in one row: source, our SDR, ffmpeg's SDR, our restored HDR.
  const sideBySide = [
    fig(pics.source_crop, 'source HDR (display mapping)'),
    ours?.sdr_crop ? fig(ours.sdr_crop, `${ours.method}: its SDR`) : '',
    hable?.sdr_crop ? fig(hable.sdr_crop, 'ffmpeg-hable: its SDR') : '',
    ours ? fig(ours.crop, `${ours.method}: restored HDR (display mapping)`) : '',
  ].join('');
  const perMethod = pics.methods.map((m) => `<div class="row">
    ${m.sdr_crop ? fig(m.sdr_crop, `${m.method}: SDR sent`) : ''}
    ${fig(m.crop, `${m.method}: ${m.sdr_crop ? 'restored' : 'decoded'} HDR (display mapping)`)}
    ${fig(m.delta_e_map, `${m.method}: ΔE_ITP map, whole frame (mean ${num(m.delta_e_mean, 2)})`, '')}
  </div>`).join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>duhdr round trip: ${esc(r.input)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; max-width: 1440px; }
  table { border-collapse: collapse; margin: 1em 0; }
  th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
  th { background: #f4f4f4; text-align: left; }
  td.na { color: #999; }
  .plots img { margin: 0 1em 1em 0; border: 1px solid #eee; }
  .row { display: flex; flex-wrap: wrap; }
  figure { display: inline-block; margin: 0 1em 1em 0; vertical-align: top; }
  figcaption { font-size: 12px; color: #555; max-width: 420px; }
  img.px { image-rendering: pixelated; }
  code { background: #f4f4f4; padding: 0 3px; }
</style>
</head>
<body>
<h1>duhdr round trip</h1>
<p><code>${esc(r.input)}</code>: ${r.width}x${r.height}, ${r.frames} frames at ${r.frame_rate.toFixed(3)} fps (${r.duration_s.toFixed(2)} s), signal peak ${r.peak_nits} cd/m².
SDR ladder: ${esc(r.encoders.sdr.codec)} 8-bit, preset ${esc(r.encoders.sdr.preset ?? 'default')}, CRF ${r.ladders.sdr_crf.join(', ')};
HDR10 ladder: ${esc(r.encoders.hdr.codec)} 10-bit, CRF ${r.ladders.hdr_crf.join(', ')}. Restored HDR is stored losslessly (${esc(r.encoders.restored_lossless.codec)}), so the numbers measure the sent stream only.
Made by ${esc(r.created_by)} in ${r.seconds.toFixed(0)} s.</p>

<h2>Rate–distortion</h2>
<p>Bitrate is the video stream's packets plus the side info the method sends (duhdr's manifest; 8 bytes for ffmpeg's curve peak), over the clip's duration.</p>
<div class="plots">
${r.plots.filter((p) => p.group === 'rd').map((p) => img(p.file, p.title)).join('\n')}
</div>

<h2>BD-rate</h2>
<p>Average bitrate change at equal quality (Bjøntegaard, cubic fit over the shared quality range); negative: fewer bits than the anchor. n/a: the curves share no quality range (hover for why).</p>
<table>
<tr><th rowspan="2">method</th>${anchors.map((a) => `<th colspan="2">vs ${esc(a)}</th>`).join('')}</tr>
<tr>${anchors.map(() => '<th>PU21-PSNR</th><th>ΔE_ITP</th>').join('')}</tr>
${bdRows}
</table>

<h2>Every point</h2>
<table>
<tr><th>method</th><th>CRF</th><th>kbit/s</th><th>side info B</th><th>PU21-PSNR dB</th><th>PU21-SSIM</th><th>ΔE_ITP</th><th>PQ-PSNR dB</th><th>µ-PSNR dB</th><th>flicker</th><th>SDR TMQI</th><th>SDR colourfulness</th></tr>
${rows}
</table>

<h2>Per frame (${esc(pics.rung_label)})</h2>
<div class="plots">
${r.plots.filter((p) => p.group === 'frames').map((p) => img(p.file, p.title)).join('\n')}
</div>

<h2>Pictures: frame ${pics.frame}, ${esc(pics.rung_label)}</h2>
<p>Crop ${pics.crop.width}x${pics.crop.height} at (${pics.crop.x}, ${pics.crop.y}), where ${esc(pics.crop_from)} errs most. HDR is shown through one fixed display mapping (${esc(pics.display_mapping)}), the same for the source and every restored HDR; SDR is shown as it is.</p>
<div class="row">${sideBySide}</div>

<h3>Every method: SDR sent, HDR at the receiver, ΔE_ITP map</h3>
<p>ΔE_ITP maps in false colour, 0 (dark) to ${pics.delta_e_scale_max} or more (bright); 1 is about one just-noticeable difference.</p>
${fig(pics.colour_bar, `ΔE_ITP scale: 0 … ${pics.delta_e_scale_max}`, '')}
${perMethod}
</body>
</html>
`;
}
