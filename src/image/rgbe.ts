import { InputError, type LinearImage } from '../io/index.js';
import { XYZ_TO_BT709, applyMatrix3 } from '../color/index.js';

/**
 * Radiance RGBE (.hdr) in JS: the npm ffmpeg has no decoder for it. Reads flat and run-length
 * (new-style) scanlines, 32-bit_rle_rgbe or _xyze (converted to BT.709), in the standard
 * orientation (-Y H +X W); EXPOSURE headers are divided out so values are the relative radiance
 * the renderer or merge produced.
 */

const MAX_SIDE = 65_535;

export function decodeRgbe(bytes: Buffer, file: string): LinearImage {
  const bad = (why: string): InputError => new InputError(file, `is not a readable Radiance .hdr image (${why})`);
  let o = 0;
  const line = (): string => {
    const nl = bytes.indexOf(0x0a, o);
    if (nl < 0 || nl - o > 4096) throw bad('header ends early');
    const s = bytes.toString('latin1', o, nl);
    o = nl + 1;
    return s;
  };
  const magic = line();
  if (!/^#\?(RADIANCE|RGBE)/.test(magic)) throw bad('no #?RADIANCE signature');
  let format = '32-bit_rle_rgbe';
  let exposure = 1;
  for (let l = line(); l !== ''; l = line()) {
    const f = /^FORMAT=(\S+)/.exec(l);
    if (f) format = f[1]!;
    const e = /^EXPOSURE=\s*([0-9.eE+-]+)/.exec(l);
    if (e) exposure *= Number(e[1]);
  }
  if (format !== '32-bit_rle_rgbe' && format !== '32-bit_rle_xyze') throw bad(`format ${format}`);
  if (!(exposure > 0 && Number.isFinite(exposure))) throw bad('EXPOSURE is not a positive number');
  const res = /^-Y (\d+) \+X (\d+)$/.exec(line());
  if (!res) throw bad('only the standard -Y H +X W orientation is read');
  const height = Number(res[1]);
  const width = Number(res[2]);
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE || width * height > 8192 * 8192) throw bad(`size ${width}x${height}`);

  const n = width * height;
  const r = new Float32Array(n);
  const g = new Float32Array(n);
  const b = new Float32Array(n);
  const scan = new Uint8Array(width * 4);
  const truncated = (): InputError => new InputError(file, `is truncated: its pixel data ends early`);
  for (let y = 0; y < height; y++) {
    if (o + 4 > bytes.length) throw truncated();
    const rle = width >= 8 && width < 32768 && bytes[o] === 2 && bytes[o + 1] === 2 && !(bytes[o + 2]! & 0x80);
    if (rle) {
      if (((bytes[o + 2]! << 8) | bytes[o + 3]!) !== width) throw bad(`scanline ${y} has the wrong width`);
      o += 4;
      // Four runs of one component each: counts > 128 repeat a byte, others copy literals.
      for (let c = 0; c < 4; c++) {
        let x = 0;
        while (x < width) {
          if (o >= bytes.length) throw truncated();
          let count = bytes[o++]!;
          if (count > 128) {
            count -= 128;
            if (count > width - x) throw bad(`scanline ${y} overruns`);
            if (o >= bytes.length) throw truncated();
            const v = bytes[o++]!;
            for (let k = 0; k < count; k++) scan[(x++) * 4 + c] = v;
          } else {
            if (count === 0 || count > width - x) throw bad(`scanline ${y} overruns`);
            if (o + count > bytes.length) throw truncated();
            for (let k = 0; k < count; k++) scan[(x++) * 4 + c] = bytes[o++]!;
          }
        }
      }
    } else {
      if (o + width * 4 > bytes.length) throw truncated();
      scan.set(bytes.subarray(o, o + width * 4));
      o += width * 4;
    }
    for (let x = 0; x < width; x++) {
      const e = scan[x * 4 + 3]!;
      const f = e ? 2 ** (e - 136) / exposure : 0; // (mantissa + 0.5) / 256 * 2^(e - 128)
      const i = y * width + x;
      r[i] = e ? (scan[x * 4]! + 0.5) * f : 0;
      g[i] = e ? (scan[x * 4 + 1]! + 0.5) * f : 0;
      b[i] = e ? (scan[x * 4 + 2]! + 0.5) * f : 0;
    }
  }
  if (format === '32-bit_rle_xyze') {
    applyMatrix3(XYZ_TO_BT709, r, g, b, r, g, b);
    for (const p of [r, g, b]) for (let i = 0; i < n; i++) if (!(p[i]! > 0)) p[i] = 0;
  }
  return { width, height, r, g, b };
}

/** One RGBE pixel from linear RGB (Greg Ward's encoding: shared exponent of the largest). */
function toRgbe(r: number, g: number, b: number, out: Uint8Array, at: number): void {
  const v = Math.max(r, g, b);
  if (!(v > 1e-32)) {
    out[at] = out[at + 1] = out[at + 2] = out[at + 3] = 0;
    return;
  }
  const e = Math.floor(Math.log2(v)) + 1; // v / 2^e in [0.5, 1)
  const scale = 256 / 2 ** e;
  out[at] = Math.min(255, Math.floor(r * scale));
  out[at + 1] = Math.min(255, Math.floor(g * scale));
  out[at + 2] = Math.min(255, Math.floor(b * scale));
  out[at + 3] = e + 128;
}

/**
 * Encode linear RGB as a run-length Radiance .hdr (what Radiance, Photoshop and OpenImageIO
 * write). Used for fixtures and for anyone who wants .hdr back.
 *
 * @example writeFileSync('x.hdr', encodeRgbe({ width, height, r, g, b }))
 */
export function encodeRgbe(img: LinearImage): Buffer {
  const { width, height } = img;
  const parts: Buffer[] = [Buffer.from(`#?RADIANCE\n# written by duhdr\nFORMAT=32-bit_rle_rgbe\n\n-Y ${height} +X ${width}\n`, 'latin1')];
  const px = new Uint8Array(width * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      toRgbe(img.r[i]!, img.g[i]!, img.b[i]!, px, x * 4);
    }
    if (width < 8 || width >= 32768) {
      parts.push(Buffer.from(px));
      continue;
    }
    const out: number[] = [2, 2, width >> 8, width & 0xff];
    for (let c = 0; c < 4; c++) {
      let x = 0;
      while (x < width) {
        // A run of 4+ equal bytes is worth a repeat code; otherwise gather literals up to the next run.
        let run = 1;
        while (x + run < width && run < 127 && px[(x + run) * 4 + c] === px[x * 4 + c]) run++;
        if (run >= 4) {
          out.push(128 + run, px[x * 4 + c]!);
          x += run;
          continue;
        }
        const start = x;
        while (x < width && x - start < 128) {
          let ahead = 1;
          while (x + ahead < width && ahead < 4 && px[(x + ahead) * 4 + c] === px[x * 4 + c]) ahead++;
          if (ahead >= 4) break;
          x++;
        }
        out.push(x - start);
        for (let k = start; k < x; k++) out.push(px[k * 4 + c]!);
      }
    }
    parts.push(Buffer.from(out));
  }
  return Buffer.concat(parts);
}
