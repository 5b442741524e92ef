import { srgbDecode, type RgbPlanes } from '../color/index.js';

/**
 * Ultra HDR (Google's gain-map JPEG, v1.0 XMP form as libultrahdr writes it): an SDR primary
 * JPEG that any viewer shows, and after it a grey gain map JPEG found through an MPF (CIPA
 * DC-007) APP2 segment and the primary's GContainer XMP. Viewers that know the format multiply
 * the SDR by 2^gain (up to the display's headroom) to show the HDR. The gain map's parameters
 * ride in the gain map's own XMP (hdrgm namespace). ISO 21496-1's binary APP2 form is not written.
 */

const XMP_NS = 'http://ns.adobe.com/xap/1.0/\0';
const HDRGM = 'http://ns.adobe.com/hdr-gain-map/1.0/';

/** Gain map parameters, in log2 units where the format uses them. */
export type GainMapMeta = {
  /** log2 of the smallest and largest HDR/SDR ratio the map encodes. */
  gainMapMin: number;
  gainMapMax: number;
  gamma: number;
  offsetSdr: number;
  offsetHdr: number;
  /** log2 headroom range over which a viewer blends from SDR (min) to the full HDR (max). */
  hdrCapacityMin: number;
  hdrCapacityMax: number;
};

/** Offsets keep the ratio finite at black (libultrahdr's 1/64). */
const OFFSET = 1 / 64;
const KR = 0.2126;
const KG = 0.7152;
const KB = 0.0722;

/**
 * The gain map between an SDR image (8-bit sRGB, interleaved, as viewers decode it) and the HDR
 * it should become (linear BT.709, 1.0 = SDR white): one luminance ratio a pixel, log2-encoded
 * over [min, max] into 8 bits.
 */
export function computeGainMap(sdr: Uint8Array, hdr: RgbPlanes, width: number, height: number): { map: Uint8Array; meta: GainMapMeta } {
  const n = width * height;
  const lut = Float64Array.from({ length: 256 }, (_, v) => srgbDecode(v / 255));
  const gains = new Float64Array(n);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const ys = KR * lut[sdr[3 * i]!]! + KG * lut[sdr[3 * i + 1]!]! + KB * lut[sdr[3 * i + 2]!]!;
    const yh = Math.max(0, KR * hdr.r[i]! + KG * hdr.g[i]! + KB * hdr.b[i]!);
    const g = Math.log2((yh + OFFSET) / (ys + OFFSET));
    gains[i] = g;
    if (g < lo) lo = g;
    if (g > hi) hi = g;
  }
  if (!(hi - lo > 1e-3)) hi = lo + 1e-3; // a flat map still needs a range
  const map = new Uint8Array(n);
  for (let i = 0; i < n; i++) map[i] = Math.round(((gains[i]! - lo) / (hi - lo)) * 255);
  return {
    map,
    meta: { gainMapMin: lo, gainMapMax: hi, gamma: 1, offsetSdr: OFFSET, offsetHdr: OFFSET, hdrCapacityMin: 0, hdrCapacityMax: Math.max(hi, 1e-3) },
  };
}

/** The HDR a viewer with full headroom makes: (SDR + offset) · 2^gain − offset, per channel, linear. */
export function applyGainMap(sdrLinear: RgbPlanes, map: Uint8Array, meta: GainMapMeta): RgbPlanes {
  const n = map.length;
  const out = { r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
  for (let i = 0; i < n; i++) {
    const rec = (map[i]! / 255) ** (1 / meta.gamma);
    const gain = 2 ** (meta.gainMapMin + rec * (meta.gainMapMax - meta.gainMapMin));
    out.r[i] = (sdrLinear.r[i]! + meta.offsetSdr) * gain - meta.offsetHdr;
    out.g[i] = (sdrLinear.g[i]! + meta.offsetSdr) * gain - meta.offsetHdr;
    out.b[i] = (sdrLinear.b[i]! + meta.offsetSdr) * gain - meta.offsetHdr;
  }
  return out;
}

const num = (v: number): string => (Number.isInteger(v) ? v.toFixed(1) : String(Math.round(v * 1e6) / 1e6));

function packet(description: string): string {
  return '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>' +
    '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 5.1.2"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    `${description}</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
}

/** The primary's XMP: hdrgm:Version and the GContainer directory (Primary, then GainMap of `gainMapLength` bytes), plus extra attributes. */
export function primaryXmp(gainMapLength: number, extraAttributes = ''): string {
  return packet(
    `<rdf:Description rdf:about="" xmlns:Container="http://ns.google.com/photos/1.0/container/" xmlns:Item="http://ns.google.com/photos/1.0/container/item/" xmlns:hdrgm="${HDRGM}" hdrgm:Version="1.0"${extraAttributes}>` +
      '<Container:Directory><rdf:Seq>' +
      '<rdf:li rdf:parseType="Resource"><Container:Item Item:Semantic="Primary" Item:Mime="image/jpeg"/></rdf:li>' +
      `<rdf:li rdf:parseType="Resource"><Container:Item Item:Semantic="GainMap" Item:Mime="image/jpeg" Item:Length="${gainMapLength}"/></rdf:li>` +
      '</rdf:Seq></Container:Directory></rdf:Description>',
  );
}

/** The gain map's XMP: its parameters in the hdrgm namespace. */
export function gainMapXmp(m: GainMapMeta): string {
  return packet(
    `<rdf:Description rdf:about="" xmlns:hdrgm="${HDRGM}" hdrgm:Version="1.0" hdrgm:GainMapMin="${num(m.gainMapMin)}" hdrgm:GainMapMax="${num(m.gainMapMax)}" ` +
      `hdrgm:Gamma="${num(m.gamma)}" hdrgm:OffsetSDR="${num(m.offsetSdr)}" hdrgm:OffsetHDR="${num(m.offsetHdr)}" ` +
      `hdrgm:HDRCapacityMin="${num(m.hdrCapacityMin)}" hdrgm:HDRCapacityMax="${num(m.hdrCapacityMax)}" hdrgm:BaseRenditionIsHDR="False"/>`,
  );
}

function app(marker: number, payload: Buffer): Buffer {
  if (payload.length + 2 > 0xffff) throw new RangeError(`APP segment of ${payload.length} bytes does not fit 64 KiB`);
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

const MPF_BYTES = 4 + 4 + 4 + 2 + 3 * 12 + 4 + 2 * 16;

/** The MPF APP2 segment (big-endian): two JPEG entries, the primary (offset 0) and the gain map. */
function mpfSegment(primarySize: number, gainMapSize: number, gainMapOffset: number): Buffer {
  const b = Buffer.alloc(MPF_BYTES);
  let o = b.write('MPF\0', 0, 'latin1');
  o += b.write('MM\0\x2a', o, 'latin1'); // offsets below count from here
  o = b.writeUInt32BE(8, o); // first IFD right after the header
  o = b.writeUInt16BE(3, o);
  o = b.writeUInt16BE(0xb000, o); o = b.writeUInt16BE(7, o); o = b.writeUInt32BE(4, o); o += b.write('0100', o, 'latin1');
  o = b.writeUInt16BE(0xb001, o); o = b.writeUInt16BE(4, o); o = b.writeUInt32BE(1, o); o = b.writeUInt32BE(2, o);
  o = b.writeUInt16BE(0xb002, o); o = b.writeUInt16BE(7, o); o = b.writeUInt32BE(32, o); o = b.writeUInt32BE(8 + 2 + 36 + 4, o);
  o = b.writeUInt32BE(0, o); // no next IFD
  o = b.writeUInt32BE(0x030000, o); o = b.writeUInt32BE(primarySize, o); o = b.writeUInt32BE(0, o); o = b.writeUInt32BE(0, o);
  o = b.writeUInt32BE(0, o); o = b.writeUInt32BE(gainMapSize, o); o = b.writeUInt32BE(gainMapOffset, o); b.writeUInt32BE(0, o);
  return app(0xe2, b);
}

/**
 * Assemble an Ultra HDR JPEG from an SDR JPEG and a gain map JPEG (both as encoders wrote them):
 * primary = SOI, XMP (GContainer + `extraAttributes`, e.g. duhdr's manifest), MPF, the SDR's own
 * segments and scan; then the gain map = SOI, its hdrgm XMP, its segments and scan.
 */
export function assembleUltraHdr(sdrJpeg: Buffer, gainMapJpeg: Buffer, meta: GainMapMeta, extraAttributes = ''): Buffer {
  for (const j of [sdrJpeg, gainMapJpeg]) if (j[0] !== 0xff || j[1] !== 0xd8) throw new RangeError('assembleUltraHdr: not a JPEG');
  const gainMap = Buffer.concat([gainMapJpeg.subarray(0, 2), app(0xe1, Buffer.from(XMP_NS + gainMapXmp(meta), 'utf8')), gainMapJpeg.subarray(2)]);
  const xmp = app(0xe1, Buffer.from(XMP_NS + primaryXmp(gainMap.length, extraAttributes), 'utf8'));
  const mpfAt = 2 + xmp.length;
  const primarySize = mpfAt + 4 + MPF_BYTES + sdrJpeg.length - 2;
  const mpf = mpfSegment(primarySize, gainMap.length, primarySize - (mpfAt + 8));
  return Buffer.concat([sdrJpeg.subarray(0, 2), xmp, mpf, sdrJpeg.subarray(2), gainMap]);
}

/**
 * The parts of an Ultra HDR JPEG, found through its MPF segment, or null when it has none:
 * primary and gain map bytes, and the gain map's hdrgm parameters.
 */
export function splitUltraHdr(bytes: Buffer): { primary: Buffer; gainMap: Buffer; meta: GainMapMeta } | null {
  let o = 2;
  while (o + 4 <= bytes.length && bytes[o] === 0xff && bytes[o + 1] !== 0xda) {
    const length = bytes.readUInt16BE(o + 2);
    if (bytes[o + 1] === 0xe2 && bytes.toString('latin1', o + 4, o + 8) === 'MPF\0') {
      const tiff = o + 8;
      if (bytes.toString('latin1', tiff, tiff + 2) !== 'MM') return null; // duhdr writes big-endian only
      const ifd = tiff + bytes.readUInt32BE(tiff + 4);
      // The third tag (MP entries) holds the entries' offset in its value field.
      const entries = tiff + bytes.readUInt32BE(ifd + 2 + 2 * 12 + 8);
      const primarySize = bytes.readUInt32BE(entries + 4);
      const size = bytes.readUInt32BE(entries + 16 + 4);
      const start = tiff + bytes.readUInt32BE(entries + 16 + 8);
      const gainMap = bytes.subarray(start, start + size);
      const xmp = gainMap.toString('utf8', 0, Math.min(gainMap.length, 4096));
      const attr = (name: string): number => Number(new RegExp(`hdrgm:${name}="([^"]+)"`).exec(xmp)?.[1] ?? Number.NaN);
      return {
        primary: bytes.subarray(0, primarySize),
        gainMap,
        meta: {
          gainMapMin: attr('GainMapMin'), gainMapMax: attr('GainMapMax'), gamma: attr('Gamma'), offsetSdr: attr('OffsetSDR'),
          offsetHdr: attr('OffsetHDR'), hdrCapacityMin: attr('HDRCapacityMin'), hdrCapacityMax: attr('HDRCapacityMax'),
        },
      };
    }
    o += 2 + length;
  }
  return null;
}
