import { readFile, stat, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  BT2020_TO_BT709, BT709_TO_BT2020, YuvFrameConverter, applyMatrix3, hlgDecodePlanes, pqDecodePlane, pqEncodePlane,
  type RgbPlanes,
} from '../color/index.js';
import {
  FrameReader, InputError, ManagedChild, MissingCapabilityError, UnsupportedInputError, binaries, ffmpegCapabilities, log,
  planeViews, probe, readExr, writeExr, type LinearImage,
} from '../io/index.js';
import { MANIFEST_XMP_NS, escapeXml, insertJpegXmp, manifestFromXmp, readJpegInfo, xmpWithManifest } from './jpeg.js';
import { encodeGrayJpeg } from './jpeg-gray.js';
import { assembleUltraHdr, computeGainMap } from './ultrahdr.js';
import { CICP, encodePng, readPngInfo } from './png.js';
import { decodeRgbe } from './rgbe.js';

/** iTXt keyword of the manifest in a PNG. */
export const PNG_MANIFEST_KEY = 'duhdr-manifest';
/** Images larger than this many pixels are refused (the same budget as an 8K video frame). */
const MAX_PIXELS = 8192 * 4352;

export const HDR_IMAGE_EXTENSIONS = ['.exr', '.hdr', '.png', '.avif'] as const;
export const SDR_IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp'] as const;
export const SDR_IMAGE_OUTPUTS = ['.jpg', '.jpeg', '.png'] as const;
export const HDR_IMAGE_OUTPUTS = ['.exr', '.png', '.avif'] as const;

const ext = (file: string): string => extname(file).toLowerCase();
export const isImagePath = (file: string): boolean =>
  ([...HDR_IMAGE_EXTENSIONS, ...SDR_IMAGE_EXTENSIONS] as readonly string[]).includes(ext(file));

/** An HDR image as read: linear light, in its own primaries, relative (EXR, .hdr) or absolute (PQ/HLG). */
export type HdrImage = LinearImage & {
  primaries: 'bt709' | 'bt2020';
  /** 'relative': scene-referred values (1.0 is whatever the file means); 'nits': cd/m² on a display. */
  scale: 'relative' | 'nits';
  container: 'exr' | 'hdr' | 'png' | 'avif';
};

async function readBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code})`, { cause: err });
  }
}

function checkPixels(file: string, width: number, height: number): void {
  // 2x2 is the smallest frame a 4:2:0 model and the manifest's schema take.
  if (width < 2 || height < 2) throw new UnsupportedInputError(file, `is ${width}x${height}; duhdr needs images of at least 2x2 pixels`);
  if (width * height > MAX_PIXELS) throw new UnsupportedInputError(file, `${width}x${height} is larger than 8K (8192x4352), beyond duhdr's memory budget per image`);
}

/** One frame of an image decoded by ffmpeg into planar RGB, as R, G, B planes of samples / max. */
async function decodeRgb(file: string, format: 'gbrp' | 'gbrp16le', signal?: AbortSignal): Promise<LinearImage> {
  const info = await probe(file, { countFrames: false, ...(signal ? { signal } : {}) });
  if (!info.video) throw new InputError(file, 'has no image in it');
  checkPixels(file, info.video.width, info.video.height);
  const reader = await FrameReader.open(file, { format, expectedFrames: 1, maxFrames: 1, info, ...(signal ? { signal } : {}) });
  let img: LinearImage | null = null;
  for await (const frame of reader) {
    const [g, b, r] = frame.planes as (Uint8Array | Uint16Array)[];
    const scale = format === 'gbrp' ? 1 / 255 : 1 / 65535;
    const toFloat = (p: Uint8Array | Uint16Array): Float32Array => Float32Array.from(p, (v) => v * scale);
    img = { width: frame.width, height: frame.height, r: toFloat(r!), g: toFloat(g!), b: toFloat(b!) };
  }
  if (!img) throw new InputError(file, 'decoded to no image');
  return img;
}

/**
 * Read an HDR image: OpenEXR (parse-exr) or Radiance .hdr (JS) as relative BT.709 light; a PNG
 * tagged PQ or HLG by its cICP chunk (pixels via ffmpeg) as display light in cd/m² (HLG through
 * the BT.2100 OOTF of a 1000 cd/m² display); AVIF PQ where the ffmpeg found reads AVIF.
 * Anything else is refused in one line naming the file and what it is.
 */
export async function readHdrImage(file: string, signal?: AbortSignal): Promise<HdrImage> {
  const e = ext(file);
  if (e === '.exr') {
    const img = await readExr(file);
    checkPixels(file, img.width, img.height);
    return { ...img, primaries: 'bt709', scale: 'relative', container: 'exr' };
  }
  if (e === '.hdr') {
    const img = decodeRgbe(await readBytes(file), file);
    checkPixels(file, img.width, img.height);
    return { ...img, primaries: 'bt709', scale: 'relative', container: 'hdr' };
  }
  if (e === '.png') {
    const png = readPngInfo(await readBytes(file), file, 1 << 20);
    const c = png.cicp;
    if (!c || (c.transfer !== CICP.transfer.pq && c.transfer !== CICP.transfer.hlg)) {
      throw new UnsupportedInputError(file, `is an SDR PNG (${c ? `cICP transfer ${c.transfer}` : 'no cICP chunk'}) — encode takes HDR images: EXR, Radiance .hdr, or a PNG tagged PQ/HLG by cICP; to make HDR from SDR use \`duhdr upconvert\``);
    }
    if (c.primaries !== CICP.primaries.bt2020 && c.primaries !== CICP.primaries.bt709) {
      throw new UnsupportedInputError(file, `cICP primaries ${c.primaries} are neither BT.709 (1) nor BT.2020 (9)`);
    }
    if (c.matrix !== 0 || !c.fullRange) throw new UnsupportedInputError(file, 'cICP says Y\'CbCr or narrow range; a PNG holds full-range RGB (matrix 0, full range 1)');
    checkPixels(file, png.width, png.height);
    const img = await decodeRgb(file, 'gbrp16le', signal);
    if (c.transfer === CICP.transfer.pq) for (const p of [img.r, img.g, img.b]) pqDecodePlane(p, p);
    else hlgDecodePlanes(img.r, img.g, img.b, img.r, img.g, img.b, 1000);
    return { ...img, primaries: c.primaries === CICP.primaries.bt2020 ? 'bt2020' : 'bt709', scale: 'nits', container: 'png' };
  }
  if (e === '.avif') return readAvifPq(file, signal);
  const sdr = (SDR_IMAGE_EXTENSIONS as readonly string[]).includes(e) ? ' — it is an SDR image; to make HDR from SDR use `duhdr upconvert`' : '';
  throw new UnsupportedInputError(file, `is not an HDR image duhdr reads (${HDR_IMAGE_EXTENSIONS.join(', ')})${sdr}`);
}

const AV1_DECODERS = ['libdav1d', 'libaom-av1', 'av1'];

/** AVIF needs an ffmpeg that demuxes it (5.1+, whose muxer list names avif) and an AV1 decoder. */
async function requireAvif(file: string, what: 'decode' | 'encode'): Promise<void> {
  const caps = await ffmpegCapabilities();
  const codec = what === 'decode' ? AV1_DECODERS.some((d) => caps.decoders.has(d)) : caps.encoders.has('libaom-av1');
  if (!caps.muxers.has('avif') || !codec) {
    const missing = !caps.muxers.has('avif') ? 'AVIF support (ffmpeg >= 5.1)' : what === 'decode' ? 'an AV1 decoder (libdav1d or libaom)' : 'the libaom-av1 encoder';
    throw new MissingCapabilityError(`${file}: the ffmpeg found (${caps.version}) lacks ${missing}, needed to ${what} AVIF — set FFMPEG_PATH to a newer build, or use ${what === 'decode' ? 'EXR or a PQ PNG' : '.exr or .png'}`);
  }
}

async function readAvifPq(file: string, signal?: AbortSignal): Promise<HdrImage> {
  await requireAvif(file, 'decode');
  const info = await probe(file, { countFrames: false, ...(signal ? { signal } : {}) });
  const v = info.video;
  if (!v) throw new InputError(file, 'has no image in it');
  if (v.dynamicRange !== 'pq') throw new UnsupportedInputError(file, `is not PQ (transfer ${v.color.transfer ?? 'untagged'}) — encode takes AVIF tagged PQ (smpte2084)`);
  checkPixels(file, v.width, v.height);
  // Y'CbCr comes out as 4:4:4 12-bit and is converted here with the file's own matrix and range.
  const reader = await FrameReader.open(file, { format: 'yuv444p12le', expectedFrames: 1, maxFrames: 1, info, ...(signal ? { signal } : {}) });
  const n = v.width * v.height;
  const out = { r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
  const conv = new YuvFrameConverter(v.width, v.height, {
    matrix: v.color.matrix === 'bt709' ? 'bt709' : 'bt2020nc', range: v.color.range === 'full' ? 'full' : 'limited', bitDepth: 12, subsampling: '444',
  });
  for await (const frame of reader) conv.toRgb(frame.planes as Uint16Array[], out);
  for (const p of [out.r, out.g, out.b]) pqDecodePlane(p, p);
  return { width: v.width, height: v.height, ...out, primaries: v.color.primaries === 'bt709' ? 'bt709' : 'bt2020', scale: 'nits', container: 'avif' };
}

/** An SDR image as read: R'G'B' in [0, 1] (as the file encodes it: sRGB/BT.709), and any embedded manifest. */
export type SdrImage = LinearImage & { manifest: string | null };

/**
 * Read an SDR image (JPEG, PNG, WebP): its structure is checked in JS first (a truncated JPEG or
 * PNG is refused, naming the file), the manifest taken from XMP (JPEG) or iTXt (PNG), the pixels
 * decoded by ffmpeg.
 */
export async function readSdrImage(file: string, maxManifest: number, signal?: AbortSignal): Promise<SdrImage> {
  const e = ext(file);
  let manifest: string | null = null;
  if (e === '.jpg' || e === '.jpeg') {
    const jpeg = readJpegInfo(await readBytes(file), file);
    if (jpeg.components === 4) throw new UnsupportedInputError(file, 'is a CMYK JPEG — convert it to RGB first');
    checkPixels(file, jpeg.width, jpeg.height);
    manifest = jpeg.xmp === null ? null : manifestFromXmp(jpeg.xmp);
  } else if (e === '.png') {
    const png = readPngInfo(await readBytes(file), file, maxManifest);
    const t = png.cicp?.transfer;
    if (t === CICP.transfer.pq || t === CICP.transfer.hlg) {
      throw new UnsupportedInputError(file, `is already HDR (${t === CICP.transfer.pq ? 'PQ' : 'HLG'} by its cICP chunk) — restore and upconvert take SDR images`);
    }
    checkPixels(file, png.width, png.height);
    manifest = png.text.get(PNG_MANIFEST_KEY) ?? null;
  } else if (e === '.webp') {
    if (!(await stat(file).catch(() => null))?.isFile()) throw new InputError(file, 'no such file');
  } else {
    throw new UnsupportedInputError(file, `is not an SDR image duhdr reads (${SDR_IMAGE_EXTENSIONS.join(', ')})`);
  }
  const img = await decodeRgb(file, 'gbrp', signal);
  return { ...img, manifest };
}

/** JPEG bytes of 8-bit interleaved RGB from ffmpeg's mjpeg: 4:4:4 keeps the chroma the model made; q 2 is near-transparent. */
async function encodeJpegRgb(file: string, width: number, height: number, rgb: Uint8Array, signal?: AbortSignal): Promise<Buffer> {
  const args = [
    '-hide_banner', '-nostats', '-loglevel', 'error',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', 'pipe:0',
    '-frames:v', '1', '-c:v', 'mjpeg', '-pix_fmt', 'yuvj444p', '-q:v', '2', '-f', 'mjpeg', 'pipe:1',
  ];
  const child = new ManagedChild(binaries().ffmpeg.path, args, { label: `encoding ${file}`, signal, stdio: ['pipe', 'pipe', 'pipe'] });
  log.command(child.command);
  const chunks: Buffer[] = [];
  child.process.stdout?.on('data', (c: Buffer) => chunks.push(c));
  child.process.stdin?.on('error', () => {}); // its exit status tells why it stopped reading
  child.process.stdin?.end(rgb);
  await child.done;
  return Buffer.concat(chunks);
}

/**
 * Write an SDR image (8-bit R'G'B', interleaved) as JPEG (the manifest in an XMP APP1 segment)
 * or PNG (JS; the manifest in an iTXt chunk), to exactly `file`. With `gainMapHdr` (linear
 * BT.709, 1.0 = SDR white) the JPEG becomes an Ultra HDR JPEG whose gain map turns the SDR into
 * that HDR on viewers that support it. Callers write to a temporary name and rename.
 */
export async function writeSdrImage(
  file: string, width: number, height: number, rgb: Uint8Array, manifest: string | null, signal?: AbortSignal, gainMapHdr?: RgbPlanes,
): Promise<void> {
  const e = ext(file);
  if (e === '.png') {
    if (gainMapHdr) throw new InputError(file, 'an Ultra HDR gain map needs JPEG output (.jpg)');
    await writeFile(file, encodePng({ width, height, bitDepth: 8, rgb, ...(manifest ? { text: { [PNG_MANIFEST_KEY]: manifest } } : {}) }));
    return;
  }
  if (e !== '.jpg' && e !== '.jpeg') throw new InputError(file, `an SDR image must be ${SDR_IMAGE_OUTPUTS.join(', ')}`);
  const jpeg = await encodeJpegRgb(file, width, height, rgb, signal);
  if (gainMapHdr) {
    const { map, meta } = computeGainMap(rgb, gainMapHdr, width, height);
    const attribute = manifest ? ` xmlns:duhdr="${MANIFEST_XMP_NS}" duhdr:manifest="${escapeXml(manifest)}"` : '';
    await writeFile(file, assembleUltraHdr(jpeg, encodeGrayJpeg(map, width, height, 90), meta, attribute));
    return;
  }
  await writeFile(file, manifest ? insertJpegXmp(jpeg, xmpWithManifest(manifest)) : jpeg);
}

export type HdrImageOutput = {
  /** EXR primaries (default bt2020); PNG and AVIF are always BT.2020 PQ. */
  primaries?: 'bt709' | 'bt2020';
  /** cd/m² per EXR unit (default 100: 1.0 = SDR reference white). */
  nitsPerUnit?: number;
  signal?: AbortSignal;
};

/**
 * Write linear BT.2020 light in cd/m² as a half-float linear EXR, a 16-bit PQ BT.2020 PNG with a
 * cICP chunk (9/16/0/1), or an AVIF PQ where the ffmpeg found can encode one — to exactly `file`.
 * The planes are consumed.
 */
export async function writeHdrImage(file: string, width: number, height: number, nits: RgbPlanes, o: HdrImageOutput = {}): Promise<void> {
  const e = ext(file);
  const { r, g, b } = nits;
  if (e === '.exr') {
    const unit = o.nitsPerUnit ?? 100;
    for (const p of [r, g, b]) for (let i = 0; i < p.length; i++) p[i]! /= unit;
    if ((o.primaries ?? 'bt2020') === 'bt709') applyMatrix3(BT2020_TO_BT709, r, g, b, r, g, b);
    await writeExr(file, { width, height, r, g, b });
    return;
  }
  if (e === '.png') {
    const n = width * height;
    const rgb = new Uint16Array(3 * n);
    const planes = [r, g, b].map((p) => pqEncodePlane(p, p));
    for (let c = 0; c < 3; c++) {
      const p = planes[c]!;
      for (let i = 0; i < n; i++) rgb[3 * i + c] = Math.round(Math.min(1, Math.max(0, p[i]!)) * 65535);
    }
    await writeFile(file, encodePng({ width, height, bitDepth: 16, rgb, cicp: { primaries: CICP.primaries.bt2020, transfer: CICP.transfer.pq, matrix: 0, fullRange: true } }));
    return;
  }
  if (e === '.avif') {
    await requireAvif(file, 'encode');
    await writeAvifPq(file, width, height, nits, o.signal);
    return;
  }
  throw new InputError(file, `an HDR image must be ${HDR_IMAGE_OUTPUTS.join(', ')}`);
}

async function writeAvifPq(file: string, width: number, height: number, nits: RgbPlanes, signal?: AbortSignal): Promise<void> {
  for (const p of [nits.r, nits.g, nits.b]) pqEncodePlane(p, p);
  // 4:4:4 10-bit Y'CbCr made here (BT.2020 NCL, limited), so no scaler guesses the matrix.
  const data = new Uint8Array(width * height * 3 * 2);
  const planes = planeViews('yuv444p10le', width, height, data) as Uint16Array[];
  new YuvFrameConverter(width, height, { matrix: 'bt2020nc', range: 'limited', bitDepth: 10, subsampling: '444' }).fromRgb(nits, planes);
  const args = [
    '-hide_banner', '-nostats', '-loglevel', 'error',
    '-f', 'rawvideo', '-pix_fmt', 'yuv444p10le', '-s', `${width}x${height}`, '-i', 'pipe:0',
    '-frames:v', '1', '-c:v', 'libaom-av1', '-still-picture', '1', '-crf', '18', '-cpu-used', '6',
    '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', '-color_range', 'tv',
    '-f', 'avif', '-y', file,
  ];
  const child = new ManagedChild(binaries().ffmpeg.path, args, { label: `encoding ${file}`, signal, stdio: ['pipe', 'ignore', 'pipe'] });
  log.command(child.command);
  child.process.stdin?.on('error', () => {});
  child.process.stdin?.end(data);
  await child.done;
}

/** Relative BT.709/BT.2020 light -> BT.2020 (in place when already BT.2020). */
export function toBt2020(img: HdrImage): RgbPlanes {
  if (img.primaries === 'bt2020') return { r: img.r, g: img.g, b: img.b };
  applyMatrix3(BT709_TO_BT2020, img.r, img.g, img.b, img.r, img.g, img.b);
  return { r: img.r, g: img.g, b: img.b };
}
