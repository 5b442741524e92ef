import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { binaries } from './ffmpeg-binaries.js';
import { FfmpegError, InputError, UnsupportedInputError } from './errors.js';
import { ManagedChild, lastMeaningfulLine } from './child-process.js';
import { runToCompletion } from './run-tool.js';
import { describePixelFormat, type FfprobePixelFormat, type Subsampling } from './pixel-format.js';

export type DynamicRange = 'pq' | 'hlg' | 'sdr' | 'unknown';

export type Chromaticity = { x: number; y: number };

/** SMPTE ST 2086 mastering display colour volume; luminance in cd/m². */
export type MasteringDisplay = {
  red: Chromaticity;
  green: Chromaticity;
  blue: Chromaticity;
  whitePoint: Chromaticity;
  minLuminance: number;
  maxLuminance: number;
};

/** CTA-861.3 content light level, cd/m². */
export type ContentLightLevel = { maxCll: number; maxFall: number };

export type Hdr10Metadata = { masteringDisplay: MasteringDisplay | null; contentLightLevel: ContentLightLevel | null };

export type ColorDescription = {
  range: 'limited' | 'full' | null;
  /** ffmpeg names: bt709, bt2020, smpte432 ... (null when untagged). */
  primaries: string | null;
  /** ffmpeg names: bt709, smpte2084, arib-std-b67, linear ... */
  transfer: string | null;
  /** ffmpeg names: bt709, bt2020nc, bt2020c ... */
  matrix: string | null;
  chromaLocation: string | null;
};

export type Rational = { num: number; den: number };

export type VideoStream = {
  index: number;
  codec: string;
  profile: string | null;
  /** Picture size as frames come out of ffmpeg's decoder: upright, after {@link rotation}. */
  width: number;
  height: number;
  /**
   * The container's display rotation (a phone held upright), 0, 90, 180 or 270 degrees as
   * ffprobe reports it. ffmpeg's decoder turns the frames, so width and height are the shown ones.
   */
  rotation: number;
  /** Shape of a pixel of those frames, width:height: 1:1 when square (or unknown); players stretch by it. */
  sampleAspectRatio: Rational;
  /** Interlaced video's field shown first; null when progressive (or untagged). duhdr's reader deinterlaces it. */
  fieldOrder: 'tff' | 'bff' | null;
  pixelFormat: string;
  bitDepth: number | null;
  chromaSubsampling: Subsampling | null;
  family: 'yuv' | 'rgb' | 'gray' | null;
  /**
   * Nominal frame rate, frames per second: ffprobe's r_frame_rate, or for a variable rate more
   * than 1.5x its average, the average (the rate a variable-rate stream is read at).
   */
  frameRate: number;
  frameRateRational: Rational;
  /** Average frame rate over the stream. */
  averageFrameRate: number;
  variableFrameRate: boolean;
  /** Frames in the stream: from the container, else counted by demuxing; null if neither is possible. */
  frameCount: number | null;
  /**
   * Frames the header's duration announces at the nominal rate (null when unknown or variable):
   * a count well below it means a truncated file.
   */
  durationFrames: number | null;
  duration: number | null;
  color: ColorDescription;
  hdr10: Hdr10Metadata;
  dynamicRange: DynamicRange;
  /**
   * Dolby Vision configuration from the container (MP4 dvcC/dvvC, Matroska block additions), null
   * without one. `compatibility` says what its base layer is without Dolby's decoder: 1 and 6
   * HDR10, 2 SDR, 4 HLG; 0 none (profile 5: IPTPQc2 colours, which no Y'CbCr reading gets right).
   */
  dolbyVision: { profile: number; level: number; compatibility: number } | null;
};

export type AudioStream = { index: number; codec: string; channels: number; sampleRate: number; language: string | null };
export type SubtitleStream = { index: number; codec: string; language: string | null };

export type MediaInfo = {
  file: string;
  /** ffprobe's format_name, e.g. "matroska,webm" or "mov,mp4,m4a,3gp,3g2,mj2". */
  container: string;
  isImage: boolean;
  duration: number | null;
  size: number;
  bitRate: number | null;
  video: VideoStream | null;
  audio: AudioStream[];
  subtitles: SubtitleStream[];
  /** Attachment streams (fonts, duhdr's manifest) by file name; size in bytes. */
  attachments: { index: number; filename: string | null; mimetype: string | null; size: number }[];
  chapters: number;
};

type Json = Record<string, unknown>;

const num = (v: unknown): number | null => {
  if (v === undefined || v === null || v === 'N/A' || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' && v !== 'unknown' && v !== 'unspecified' ? v : null);

/** "34000/50000" → 0.68 */
function ratio(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return null;
  const [a, b] = v.split('/').map(Number);
  if (a === undefined || !Number.isFinite(a)) return null;
  return b === undefined ? a : b ? a / b : null;
}

function rational(v: unknown): Rational {
  const [a, b] = String(v ?? '0/1').split('/').map(Number);
  return { num: a ?? 0, den: b ?? 1 };
}

/** Reads HDR10 static metadata from ffprobe side data (stream- or frame-level lists). */
export function parseHdr10SideData(list: unknown): Hdr10Metadata {
  const out: Hdr10Metadata = { masteringDisplay: null, contentLightLevel: null };
  if (!Array.isArray(list)) return out;
  for (const sd of list as Json[]) {
    const type = String(sd['side_data_type'] ?? '');
    if (/mastering display/i.test(type)) {
      const c = (k: string): Chromaticity => ({ x: ratio(sd[`${k}_x`]) ?? 0, y: ratio(sd[`${k}_y`]) ?? 0 });
      const maxLuminance = ratio(sd['max_luminance']);
      if (maxLuminance === null) continue;
      out.masteringDisplay = {
        red: c('red'),
        green: c('green'),
        blue: c('blue'),
        whitePoint: c('white_point'),
        minLuminance: ratio(sd['min_luminance']) ?? 0,
        maxLuminance,
      };
    } else if (/content light level/i.test(type)) {
      out.contentLightLevel = { maxCll: num(sd['max_content']) ?? 0, maxFall: num(sd['max_average']) ?? 0 };
    }
  }
  return out;
}

/** The Dolby Vision configuration record in ffprobe's stream side data, if any. */
function parseDolbyVision(list: unknown): VideoStream['dolbyVision'] {
  if (!Array.isArray(list)) return null;
  const sd = (list as Json[]).find((d) => /DOVI configuration/i.test(String(d['side_data_type'] ?? '')));
  if (!sd) return null;
  return { profile: num(sd['dv_profile']) ?? 0, level: num(sd['dv_level']) ?? 0, compatibility: num(sd['dv_bl_signal_compatibility_id']) ?? 0 };
}

/**
 * Refuse Dolby Vision without a base layer anything but Dolby's decoder reads right (profile 5:
 * its picture is IPTPQc2, tagged as PQ, which read as Y'CbCr gives wrong colours).
 */
export function checkBaseLayer(info: MediaInfo): void {
  const dv = info.video?.dolbyVision;
  if (!dv || dv.compatibility !== 0) return;
  throw new UnsupportedInputError(
    info.file,
    `is Dolby Vision profile ${dv.profile} with no HDR10, HLG or SDR base layer: its colours (IPTPQc2) need Dolby's decoder, and read as Y'CbCr they come out wrong — export HDR10 from the source (or Dolby Vision profile 8.1, which carries an HDR10 base)`,
  );
}

/** An image-sequence pattern as ffmpeg's image2 reads it, e.g. frames/%04d.exr. */
export function isSequencePattern(file: string): boolean {
  return /%0?\d*d/.test(file);
}

/** The first existing file of a sequence (numbering starts at 0 or 1, as image2 accepts). */
async function firstOfSequence(pattern: string): Promise<string> {
  for (const start of [0, 1]) {
    const name = pattern.replace(/%(0?)(\d*)d/, (_, zero: string, width: string) => String(start).padStart(Number(width || 0), zero ? '0' : ' '));
    try {
      await stat(name);
      return name;
    } catch {
      // try the next start number
    }
  }
  return pattern; // stat fails on it: 'no such file'
}

/**
 * Throw when a file holds clearly fewer frames than its header announces (a cut download, a
 * copy interrupted mid-way): ffmpeg itself would decode what is there and exit 0.
 */
export function checkComplete(info: MediaInfo): void {
  const v = info.video;
  if (!v || v.frameCount === null || v.durationFrames === null) return;
  const missing = v.durationFrames - v.frameCount;
  if (missing > Math.max(2, 0.02 * v.durationFrames)) {
    throw new InputError(info.file, `is truncated: it holds ${v.frameCount} frames but its header announces about ${v.durationFrames} — re-download or re-copy it`);
  }
}

/** pq | hlg | sdr | unknown from the transfer tag (untagged or scene-linear is 'unknown'). */
export function classifyTransfer(transfer: string | null): DynamicRange {
  switch (transfer) {
    case 'smpte2084':
      return 'pq';
    case 'arib-std-b67':
      return 'hlg';
    case 'bt709':
    case 'bt470m':
    case 'bt470bg':
    case 'smpte170m':
    case 'smpte240m':
    case 'iec61966-2-1':
    case 'iec61966-2-4':
    case 'bt2020-10':
    case 'bt2020-12':
    case 'gamma22':
    case 'gamma28':
      return 'sdr';
    default:
      return 'unknown';
  }
}

let pixelFormats: Map<string, FfprobePixelFormat> | undefined;

async function pixelFormatTable(): Promise<Map<string, FfprobePixelFormat>> {
  if (pixelFormats) return pixelFormats;
  const out = await runToCompletion(binaries().ffprobe.path, ['-v', 'error', '-show_pixel_formats', '-of', 'json'], {
    label: 'listing pixel formats',
  });
  const list = (JSON.parse(out) as { pixel_formats: FfprobePixelFormat[] }).pixel_formats;
  pixelFormats = new Map(list.map((p) => [p.name, p]));
  return pixelFormats;
}

export type ProbeOptions = {
  /** Demux the whole file to count frames when the container does not say (default true). */
  countFrames?: boolean;
  signal?: AbortSignal;
};

async function ffprobeJson(file: string, args: string[], signal: AbortSignal | undefined): Promise<Json> {
  return JSON.parse(await runFfprobe(file, [...args, '-of', 'json'], { signal })) as Json;
}

/** Files ffprobe crashed on, with that crash: they are probed through a remux (see runFfprobe). */
const crashedOn = new Map<string, FfmpegError>();

/**
 * ffprobe `args` on `file`, its output; every per-file ffprobe of duhdr goes through here. An
 * ffprobe that dies of a signal on a file (the npm one on MPEG-TS) gets it again as NUT that
 * ffmpeg remuxes onto a pipe: every stream in its order, timestamps and codec headers kept. If
 * that fails too, the crash is what is reported; any other failure is an InputError naming the file.
 */
export async function runFfprobe(
  file: string, args: string[], options: { signal?: AbortSignal | undefined; maxBytes?: number } = {},
): Promise<string> {
  const ffprobe = binaries().ffprobe.path;
  const run = { label: `probing ${file}`, signal: options.signal, ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}) };
  const signal = options.signal;
  if (!crashedOn.has(file)) {
    try {
      return await runToCompletion(ffprobe, ['-v', 'error', ...args, '-i', file], run);
    } catch (err) {
      if (!(err instanceof FfmpegError)) throw err;
      if (!err.signal) throw unreadable(file, err);
      crashedOn.set(file, err);
    }
  }
  const remux = new ManagedChild(
    binaries().ffmpeg.path,
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', file, '-map', '0', '-c', 'copy', '-f', 'nut', 'pipe:1'],
    { label: `remuxing ${file} for ffprobe`, signal, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  remux.done.catch(() => {}); // ended by ffprobe closing the pipe (headers read) or by stop() below
  const stdout = remux.process?.stdout;
  if (!stdout) await remux.done; // never started (aborted): done rejects with why
  try {
    return await runToCompletion(ffprobe, ['-v', 'error', ...args, '-i', 'pipe:0'], { ...run, stdin: stdout! });
  } catch (err) {
    throw err instanceof FfmpegError ? unreadable(file, crashedOn.get(file)!) : err;
  } finally {
    remux.stop();
    await remux.done.catch(() => {});
  }
}

/**
 * Why ffprobe could not describe `label`: the file, or ffprobe itself when it died of a signal
 * and the remux that gets past that (see runFfprobe) failed too. The npm-shipped ffprobe (a 2023
 * static build) segfaults on MPEG-TS (each .ts and .m2ts tried).
 */
function unreadable(label: string, err: FfmpegError): InputError {
  if (err.signal) {
    const ffprobe = binaries().ffprobe;
    const which = ffprobe.source === 'npm' ? 'the npm-shipped ffprobe' : `ffprobe (${ffprobe.path})`;
    const known = ffprobe.source === 'npm' ? ', as it does on MPEG-TS (.ts, .m2ts)' : '';
    return new InputError(label, `${which} crashed (${err.signal}) reading it${known}, and ffmpeg could not remux it for another look — remux it to .mkv (ffmpeg -i IN -map 0 -c copy OUT.mkv) or set FFPROBE_PATH to another ffprobe`, { cause: err });
  }
  const why = lastMeaningfulLine(err.stderrTail).replace(/^.*?:\s*/, '') || 'unreadable';
  return new InputError(label, `not a media file ffprobe can read (${why})`, { cause: err });
}

/**
 * Describe a media file: container, streams, colour, HDR10 metadata and its dynamic range class.
 *
 * @example
 * const info = await probe('clip.mkv');
 * if (info.video?.dynamicRange === 'pq') console.log(info.video.hdr10.contentLightLevel);
 */
export async function probe(file: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  let size: number;
  try {
    const st = await stat(isSequencePattern(file) ? await firstOfSequence(file) : file);
    if (!st.isFile()) throw new InputError(file, 'is not a regular file');
    size = st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(err)})`, { cause: err });
  }
  if (size === 0) throw new InputError(file, 'is empty (0 bytes)');

  const json = await ffprobeJson(file, ['-show_format', '-show_streams', '-show_chapters'], options.signal);
  const format = (json['format'] ?? {}) as Json;
  const streams = (json['streams'] ?? []) as Json[];
  // Through a remux ffprobe sees NUT, not the file's own container.
  const container = crashedOn.has(file) ? 'unnamed (ffprobe crashed on it: read through a remux)' : String(format['format_name'] ?? 'unknown');
  // A numbered sequence is a video made of images: it has frames and a rate.
  const isImage = /(^|,)image2|_pipe$|^(png|exr|hdr|webp|jpeg)/.test(container) && !isSequencePattern(file);

  const videoJson = streams.find((s) => s['codec_type'] === 'video' && !(s['disposition'] as Json | undefined)?.['attached_pic']);
  let video: VideoStream | null = null;
  if (videoJson) {
    const pixFmt = String(videoJson['pix_fmt'] ?? 'unknown');
    const stream = `${videoJson['index']}`;
    const color: ColorDescription = {
      range: videoJson['color_range'] === 'tv' ? 'limited' : videoJson['color_range'] === 'pc' ? 'full' : null,
      primaries: str(videoJson['color_primaries']),
      transfer: str(videoJson['color_transfer']),
      matrix: str(videoJson['color_space']),
      chromaLocation: str(videoJson['chroma_location']),
    };
    const containerHdr10 = parseHdr10SideData(videoJson['side_data_list']);
    const dynamicRange = classifyTransfer(color.transfer);
    const fr = rational(videoJson['r_frame_rate']);
    const avg = rational(videoJson['avg_frame_rate']);
    const frameRate = fr.den ? fr.num / fr.den : 0;
    const averageFrameRate = avg.den ? avg.num / avg.den : frameRate;
    // Matroska keeps per-stream durations in a DURATION tag ("00:00:03.000000000").
    const tagDuration = /^(\d+):(\d+):([\d.]+)$/.exec(String((videoJson['tags'] as Json | undefined)?.['DURATION'] ?? ''));
    const duration =
      num(videoJson['duration']) ??
      (tagDuration ? Number(tagDuration[1]) * 3600 + Number(tagDuration[2]) * 60 + Number(tagDuration[3]) : null) ??
      num(format['duration']);
    const containerCount = isImage ? (num(videoJson['nb_frames']) ?? 1) : num(videoJson['nb_frames']);
    const averageDiffers = frameRate > 0 && Math.abs(frameRate - averageFrameRate) / frameRate > 0.01;
    // What the first answer leaves open takes one more ffprobe each; they run side by side
    // (a restore's start waited ~0.2 s on them one after another), and all are settled before
    // any failure is thrown, so none outlives the call.
    const tableP = pixelFormatTable();
    // HEVC/AV1 carry HDR10 metadata in the bitstream, not the container: read the first frame.
    const firstFrameP =
      (dynamicRange === 'pq' || dynamicRange === 'hlg') && (!containerHdr10.masteringDisplay || !containerHdr10.contentLightLevel) && !isImage
        ? ffprobeJson(file, ['-select_streams', stream, '-read_intervals', '%+#1', '-show_frames'], options.signal)
        : null;
    const countedP =
      containerCount === null && options.countFrames !== false
        ? ffprobeJson(file, ['-select_streams', stream, '-count_packets', '-show_entries', 'stream=nb_read_packets'], options.signal)
        : null;
    // Containers with durations report an average that differs from the nominal rate;
    // Matroska does not, so look at the first packets' timestamps.
    const irregularP =
      !isImage && frameRate > 0 && !averageDiffers
        ? irregularTimestamps(file, Number(stream), frameRate, ratio(videoJson['time_base']) ?? 0.001, options.signal)
        : false;
    await Promise.allSettled([tableP, firstFrameP, countedP, irregularP]);
    const [table, firstFrame, counted, irregular] = [await tableP, await firstFrameP, await countedP, await irregularP];
    const layout = describePixelFormat(table.get(pixFmt));
    const fromFrame = parseHdr10SideData(((firstFrame?.['frames'] ?? []) as Json[])[0]?.['side_data_list']);
    const hdr10 = {
      masteringDisplay: containerHdr10.masteringDisplay ?? fromFrame.masteringDisplay,
      contentLightLevel: containerHdr10.contentLightLevel ?? fromFrame.contentLightLevel,
    };
    const frameCount = containerCount ?? (counted ? num(((counted['streams'] ?? []) as Json[])[0]?.['nb_read_packets']) : null);
    const variableFrameRate = !isImage && frameRate > 0 && (averageDiffers || irregular);
    // A variable rate is read resampled to the nominal one (see FrameReader), but its
    // r_frame_rate can be a guess far above the frames' own pace (30 for frames ~100 ms apart):
    // past 1.5x the average, the average is the nominal rate.
    const nominal = variableFrameRate && avg.num > 0 && avg.den > 0 && frameRate > 1.5 * averageFrameRate ? avg : fr;
    const rotation = displayRotation(videoJson);
    const quarterTurn = rotation % 180 === 90;
    video = {
      index: Number(videoJson['index']),
      codec: String(videoJson['codec_name'] ?? 'unknown'),
      profile: str(videoJson['profile']),
      // ffmpeg turns a picture stored sideways upright while decoding (autorotate): the frames
      // read are height x width.
      width: Number(videoJson[quarterTurn ? 'height' : 'width'] ?? 0),
      height: Number(videoJson[quarterTurn ? 'width' : 'height'] ?? 0),
      rotation,
      sampleAspectRatio: sampleAspect(videoJson),
      // ffprobe names the coded order, then the shown one: tb is top coded, bottom shown first.
      fieldOrder: ({ tt: 'tff', bt: 'tff', bb: 'bff', tb: 'bff' } as const)[String(videoJson['field_order']) as 'tt'] ?? null,
      pixelFormat: pixFmt,
      ...{ bitDepth: layout.bitDepth, chromaSubsampling: layout.subsampling, family: layout.family },
      frameRate: nominal === fr ? frameRate : averageFrameRate,
      frameRateRational: nominal,
      averageFrameRate,
      variableFrameRate,
      frameCount,
      durationFrames: duration !== null && !variableFrameRate && frameRate > 0 ? Math.round(duration * frameRate) : null,
      duration,
      color,
      hdr10,
      dynamicRange,
      dolbyVision: parseDolbyVision(videoJson['side_data_list']),
    };
  }

  // The layout's video (its pixel shape alone) gives way to the full description; keys keep this order.
  return { file, container, isImage, duration: num(format['duration']), size, bitRate: num(format['bit_rate']), ...streamLayout(json), video };
}

/**
 * A stream's display rotation in quarter turns, 0–270: ffprobe's display-matrix `rotation`,
 * else an old `rotate` tag. Its sense is ffprobe's, which flipped sign in ffmpeg 6; what duhdr
 * needs, whether width and height swap, is the same either way.
 */
function displayRotation(stream: Json): number {
  const side = ((stream['side_data_list'] ?? []) as Json[]).find((d) => d['side_data_type'] === 'Display Matrix');
  const degrees = num(side?.['rotation']) ?? num(((stream['tags'] ?? {}) as Json)['rotate']) ?? 0;
  return (((Math.round(degrees / 90) % 4) + 4) % 4) * 90;
}

/**
 * The shape of a decoded frame's pixel: ffprobe's sample_aspect_ratio ("0:1" or none when
 * unknown), flipped when the decoder turns the picture a quarter turn.
 */
function sampleAspect(stream: Json): Rational {
  const [w, h] = String(stream['sample_aspect_ratio'] ?? '').split(':').map(Number);
  if (!(w! > 0 && h! > 0)) return { num: 1, den: 1 };
  return displayRotation(stream) % 180 === 90 ? { num: h!, den: w! } : { num: w!, den: h! };
}

/** Audio, subtitle and attachment streams, the chapter count and the video's pixel shape of an ffprobe result. */
function streamLayout(json: Json): StreamLayout {
  const streams = (json['streams'] ?? []) as Json[];
  const tags = (s: Json): Json => (s['tags'] ?? {}) as Json;
  const video = streams.find((s) => s['codec_type'] === 'video' && !(s['disposition'] as Json | undefined)?.['attached_pic']);
  return {
    video: video ? { sampleAspectRatio: sampleAspect(video) } : null,
    audio: streams
      .filter((s) => s['codec_type'] === 'audio')
      .map((s) => ({
        index: Number(s['index']),
        codec: String(s['codec_name'] ?? 'unknown'),
        channels: Number(s['channels'] ?? 0),
        sampleRate: Number(s['sample_rate'] ?? 0),
        language: str(tags(s)['language']),
      })),
    subtitles: streams
      .filter((s) => s['codec_type'] === 'subtitle')
      .map((s) => ({ index: Number(s['index']), codec: String(s['codec_name'] ?? 'unknown'), language: str(tags(s)['language']) })),
    attachments: streams
      .filter((s) => s['codec_type'] === 'attachment')
      .map((s) => ({
        index: Number(s['index']),
        filename: str(tags(s)['filename']),
        mimetype: str(tags(s)['mimetype']),
        size: Number(s['extradata_size'] ?? 0),
      })),
    chapters: ((json['chapters'] ?? []) as unknown[]).length,
  };
}

/** What a writer copies from a source: its other streams, chapters, and the video's pixel shape. */
export type StreamLayout = Pick<MediaInfo, 'audio' | 'subtitles' | 'attachments' | 'chapters'> & {
  video: Pick<VideoStream, 'sampleAspectRatio'> | null;
};

/**
 * The non-video streams and the video's pixel shape of a file or of a byte stream of one (e.g. a
 * zip entry; ffprobe reads it from stdin, headers only where the container allows). Used to
 * decide what can be copied.
 */
export async function probeStreamLayout(source: string | { stream: Readable; label: string }, signal?: AbortSignal): Promise<StreamLayout> {
  const label = typeof source === 'string' ? source : source.label;
  const args = ['-show_streams', '-show_chapters', '-of', 'json'];
  if (typeof source === 'string') return streamLayout(JSON.parse(await runFfprobe(source, args, { signal })) as Json);
  try {
    const out = await runToCompletion(binaries().ffprobe.path, ['-v', 'error', ...args, '-i', 'pipe:0'], { label: `probing ${label}`, signal, stdin: source.stream });
    return streamLayout(JSON.parse(out) as Json);
  } catch (err) {
    if (err instanceof FfmpegError) throw unreadable(label, err);
    throw err;
  }
}

/** Packets read to judge the frame rate, and how far decode order may run ahead of presentation. */
const PACKETS_SAMPLED = 240;
const REORDER_DEPTH = 32;

/**
 * Whether the first packets leave the nominal rate's grid: every slot t0 + k/rate from the first
 * frame to the last holds exactly one frame, within a quarter interval of the slot (less the
 * frames' median offset). Spacing alone says too little: Matroska stores milliseconds (30 fps
 * alternates 33 and 34 ms) and muxers nudge frames by a few (ffmpeg's `-c:v libx265 out.mkv`
 * of a 24 fps clip with Vorbis audio writes 0, 45, 83, 128, 170 ms: spacings 45 and 38).
 */
async function irregularTimestamps(
  file: string, stream: number, frameRate: number, timeBase: number, signal: AbortSignal | undefined,
): Promise<boolean> {
  const json = await ffprobeJson(
    file,
    ['-select_streams', String(stream), '-read_intervals', `%+#${PACKETS_SAMPLED}`, '-show_entries', 'packet=pts_time,dts_time'],
    signal,
  );
  const packets = ((json['packets'] ?? []) as Json[])
    .map((p) => ({ pts: num(p['pts_time']), dts: num(p['dts_time']) }))
    .filter((p): p is { pts: number; dts: number | null } => p.pts !== null);
  return leavesGrid(packets, frameRate, timeBase, packets.length >= PACKETS_SAMPLED);
}

/**
 * {@link irregularTimestamps} on packets in decode order; `cut`: more packets follow, so the
 * last REORDER_DEPTH in presentation order may still have holes that later packets fill.
 */
function leavesGrid(packets: readonly { pts: number; dts: number | null }[], frameRate: number, timeBase: number, cut: boolean): boolean {
  const interval = 1 / frameRate;
  // ffmpeg 4's Matroska muxer gives the first packets of a B-frame stream no dts, and not the
  // shift it gives the others (the audio's priming delay: x265 with AAC at 24 fps reads 0, 63,
  // 104, 146, 167, 229 ms). Those few are not judged; each fills a slot. A stream without dts
  // (or with many such packets) is judged whole.
  const preroll = packets.filter((p) => p.dts === null).map((p) => p.pts);
  const skip = preroll.length > 0 && preroll.length <= REORDER_DEPTH && preroll.length < packets.length;
  const sorted = (skip ? packets.filter((p) => p.dts !== null) : packets).map((p) => p.pts).sort((a, b) => a - b);
  const judged = cut ? sorted.slice(0, -REORDER_DEPTH) : sorted;
  if (judged.length < 2) return false;
  const t0 = judged[0]!;
  const t1 = judged[judged.length - 1]!;
  const slots = judged.map((t) => Math.round((t - t0) / interval));
  const offsets = judged.map((t, i) => t - t0 - slots[i]! * interval);
  const mid = [...offsets].sort((a, b) => a - b)[offsets.length >> 1]!;
  const tolerance = Math.max(1.5 * timeBase, 0.25 * interval);
  if (offsets.some((d) => Math.abs(d - mid) > tolerance)) return true;
  if (new Set(slots).size !== slots.length) return true; // two frames in one slot
  const filledByPreroll = skip ? preroll.filter((t) => t > t0 && t < t1).length : 0;
  return slots[slots.length - 1]! + 1 !== judged.length + filledByPreroll; // a slot left empty: a dropped frame
}
