import { InputError } from '../io/index.js';

/**
 * JPEG marker segments duhdr reads and writes itself: the manifest rides in an XMP packet (APP1,
 * the standard place for metadata, kept by exiftool and most editors), as one attribute.
 */

const XMP_ID = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
/** XMP namespace of the duhdr:manifest attribute. */
export const MANIFEST_XMP_NS = 'urn:duhdr:manifest:1';
/** Largest APP segment payload: the length field is 16 bits and counts itself. */
const MAX_SEGMENT = 0xffff - 2;

export const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unescapeXml = (s: string): string =>
  s.replace(/&(lt|gt|quot|apos|#x[0-9a-fA-F]+|#\d+|amp);/g, (_, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : e === 'amp' ? '&'
      : String.fromCodePoint(e.startsWith('#x') ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1))));

export type JpegInfo = { width: number; height: number; components: number; xmp: string | null };

/**
 * Walk a JPEG's segments up to the first scan: size, component count and the XMP packet. Damage
 * is an InputError naming the file: no SOI, a segment running past the end, no end-of-image
 * marker after the scan data (a truncated download).
 */
export function readJpegInfo(bytes: Buffer, file: string): JpegInfo {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new InputError(file, 'is not a JPEG (no start-of-image marker)');
  let o = 2;
  let size: { width: number; height: number; components: number } | null = null;
  let xmp: string | null = null;
  for (;;) {
    while (o < bytes.length && bytes[o] === 0xff && bytes[o + 1] === 0xff) o++; // fill bytes
    if (o + 4 > bytes.length) throw new InputError(file, 'is truncated: it ends inside its headers');
    if (bytes[o] !== 0xff) throw new InputError(file, `is corrupt: expected a marker at byte ${o}`);
    const marker = bytes[o + 1]!;
    const length = bytes.readUInt16BE(o + 2);
    if (length < 2 || o + 2 + length > bytes.length) throw new InputError(file, 'is truncated: a header segment runs past the end of the file');
    const body = bytes.subarray(o + 4, o + 2 + length);
    // SOF0-15 except DHT (C4), JPG (C8) and DAC (CC): the frame header with the image size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc && body.length >= 6) {
      size = { height: body.readUInt16BE(1), width: body.readUInt16BE(3), components: body[5]! };
    } else if (marker === 0xe1 && body.subarray(0, XMP_ID.length).equals(XMP_ID)) {
      xmp = body.toString('utf8', XMP_ID.length);
    }
    o += 2 + length;
    if (marker === 0xda) break; // start of scan: entropy-coded data follows
  }
  if (!size) throw new InputError(file, 'is corrupt: no frame header before its image data');
  // Entropy-coded data never holds FF D9 (0xFF is stuffed), so the first one after the scan starts
  // is the end of the image; a thumbnail's EOI sits in APP1, before the scan.
  if (bytes.indexOf(Buffer.from([0xff, 0xd9]), o) < 0) throw new InputError(file, 'is truncated: its image data ends without an end-of-image marker');
  return { ...size, xmp };
}

/** The duhdr manifest text in an XMP packet, or null when the packet carries none. */
export function manifestFromXmp(xmp: string): string | null {
  const m = /duhdr:manifest="([^"]*)"/.exec(xmp);
  return m ? unescapeXml(m[1]!) : null;
}

/** An XMP packet carrying `manifest` as the duhdr:manifest attribute. */
export function xmpWithManifest(manifest: string): string {
  return '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>' +
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    `<rdf:Description rdf:about="" xmlns:duhdr="${MANIFEST_XMP_NS}" duhdr:manifest="${escapeXml(manifest)}"/>` +
    '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>';
}

/**
 * Insert an APP1 XMP segment after SOI and any APP0 (JFIF wants its APP0 first). Refuses a
 * packet that does not fit one segment (64 KiB): an image manifest is about 1 KB.
 */
export function insertJpegXmp(jpeg: Buffer, xmp: string): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new RangeError('insertJpegXmp: not a JPEG');
  const payload = Buffer.concat([XMP_ID, Buffer.from(xmp, 'utf8')]);
  if (payload.length > MAX_SEGMENT) throw new RangeError(`insertJpegXmp: XMP packet of ${payload.length} bytes does not fit one APP1 segment (${MAX_SEGMENT})`);
  let at = 2;
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + jpeg.readUInt16BE(4);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, at), head, payload, jpeg.subarray(at)]);
}
