import { FrameReader, type PlanarFormat } from '../../src/io/index.js';

/** Every frame of a file, decoded to `format` (tests use tiny clips). */
export async function decodeAll(file: string, format: PlanarFormat = 'yuv420p10le'): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  for await (const f of await FrameReader.open(file, { format })) frames.push(f.data);
  return frames;
}

/**
 * PSNR over all samples of two 10-bit planar frame sequences, on code values normalised to
 * 1023 (for PQ content: PQ-PSNR). Infinity when identical.
 */
export function psnr10(a: Uint8Array[], b: Uint8Array[]): number {
  if (a.length !== b.length) throw new Error(`frame counts differ: ${a.length} vs ${b.length}`);
  let se = 0;
  let n = 0;
  a.forEach((fa, i) => {
    const x = new Uint16Array(fa.buffer, fa.byteOffset, fa.byteLength / 2);
    const fb = b[i]!;
    const y = new Uint16Array(fb.buffer, fb.byteOffset, fb.byteLength / 2);
    for (let k = 0; k < x.length; k++) {
      const d = (x[k]! - y[k]!) / 1023;
      se += d * d;
    }
    n += x.length;
  });
  return se === 0 ? Infinity : 10 * Math.log10(1 / (se / n));
}
