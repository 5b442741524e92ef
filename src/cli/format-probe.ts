import type { MediaInfo } from '../io/index.js';

const RANGE_NAME = { pq: 'PQ (HDR10)', hlg: 'HLG', sdr: 'SDR', unknown: 'unknown (untagged)' } as const;

const xy = (p: { x: number; y: number }): string => `(${p.x.toFixed(4)}, ${p.y.toFixed(4)})`;

function human(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(u ? 1 : 0)} ${units[u]}`;
}

/**
 * A probe result as a person reads it: one block per stream, the HDR facts first.
 * @example console.log(formatProbe(await probe('in.mkv')))
 */
export function formatProbe(info: MediaInfo): string {
  const lines: string[] = [];
  const dur = info.duration !== null ? `${info.duration.toFixed(2)} s` : 'duration unknown';
  const rate = info.bitRate !== null ? `${(info.bitRate / 1e6).toFixed(2)} Mb/s` : '';
  lines.push(`${info.file}  ${info.container}  ${dur}  ${rate}  ${human(info.size)}`.trimEnd());
  const v = info.video;
  if (!v) {
    lines.push('  no video stream');
  } else {
    const count = v.frameCount !== null ? `${v.frameCount} frames` : 'frame count unknown';
    const sar = v.sampleAspectRatio;
    const fps = `${Number(v.frameRate.toFixed(3))} fps (${v.variableFrameRate ? `variable, average ${v.averageFrameRate.toFixed(3)}` : 'constant'})`;
    lines.push(`  video #${v.index}  ${v.codec}${v.profile ? ` ${v.profile}` : ''}  ${v.width}x${v.height}${v.rotation ? ` (turned ${v.rotation}°)` : ''}${sar.num !== sar.den ? ` (pixels ${sar.num}:${sar.den})` : ''}  ${info.isImage ? 'still image' : `${fps}  ${count}`}`);
    const layout = [
      v.pixelFormat,
      v.bitDepth !== null ? `${v.bitDepth}-bit` : null,
      v.chromaSubsampling ? (v.chromaSubsampling === '400' ? 'grey' : `${v.chromaSubsampling.split('').join(':')}`) : null,
      v.color.range ? `${v.color.range} range` : 'range untagged',
      v.fieldOrder ? `interlaced, ${v.fieldOrder === 'tff' ? 'top' : 'bottom'} field first` : null,
    ];
    lines.push(`    ${layout.filter(Boolean).join('  ')}`);
    const c = v.color;
    lines.push(
      `    ${RANGE_NAME[v.dynamicRange]}  primaries ${c.primaries ?? '?'}  transfer ${c.transfer ?? '?'}  matrix ${c.matrix ?? '?'}${c.chromaLocation ? `  chroma ${c.chromaLocation}` : ''}`,
    );
    const dv = v.dolbyVision;
    if (dv) {
      const base = ({ 0: 'no base layer others can read', 1: 'HDR10 base layer', 2: 'SDR base layer', 4: 'HLG base layer', 6: 'HDR10 base layer' } as Record<number, string>)[dv.compatibility];
      lines.push(`    Dolby Vision profile ${dv.profile}${dv.compatibility ? `.${dv.compatibility}` : ''}, level ${dv.level}${base ? ` (${base})` : ''}`);
    }
    const m = v.hdr10.masteringDisplay;
    if (m) {
      lines.push(`    mastering display  R${xy(m.red)} G${xy(m.green)} B${xy(m.blue)} WP${xy(m.whitePoint)}`);
      lines.push(`                       ${m.minLuminance}–${m.maxLuminance} cd/m²`);
    }
    const l = v.hdr10.contentLightLevel;
    if (l) lines.push(`    MaxCLL ${l.maxCll} cd/m²  MaxFALL ${l.maxFall} cd/m²`);
    if ((v.dynamicRange === 'pq' || v.dynamicRange === 'hlg') && !m && !l) lines.push('    no HDR10 static metadata');
  }
  for (const a of info.audio) {
    lines.push(`  audio #${a.index}  ${a.codec}  ${a.channels} ch  ${a.sampleRate} Hz${a.language ? `  ${a.language}` : ''}`);
  }
  for (const s of info.subtitles) lines.push(`  subtitle #${s.index}  ${s.codec}${s.language ? `  ${s.language}` : ''}`);
  for (const t of info.attachments) lines.push(`  attachment #${t.index}  ${t.filename ?? '?'}  ${t.mimetype ?? ''}`.trimEnd());
  if (info.chapters) lines.push(`  chapters  ${info.chapters}`);
  return lines.join('\n');
}
