import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';

/** ../shared/data beside the repository (CI and dev have it; a packaged copy may not). */
export const SHARED = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
export const SAMPLES = fileURLToPath(new URL('../../../samples/', import.meta.url));
export const hasShared = existsSync(`${SHARED}hdr/MANIFEST.tsv`);

/** Write a zip of `files` (entry name → path on disk) with yazl. */
export function writeZip(zipPath: string, files: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const [name, path] of Object.entries(files)) zip.addBuffer(readFileSync(path), name);
    zip.end();
    zip.outputStream.pipe(createWriteStream(zipPath)).on('close', resolve).on('error', reject);
  });
}

/** Pearson correlation. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]!; mb += b[i]!; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma, y = b[i]! - mb;
    sab += x * y; saa += x * x; sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** True when every value is k/255 for an integer k in [0, 255]. */
export function onByteGrid(data: Float32Array): boolean {
  for (const v of data) {
    const k = Math.round(v * 255);
    if (k < 0 || k > 255 || Math.fround(k / 255) !== v) return false;
  }
  return true;
}
