/** The `checksums.sha256` file (sha256sum's format) and a pass-through stream that hashes. */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** One line per entry, `sha256hex  name`, exactly as `sha256sum` prints (two spaces: text mode). */
export function formatChecksums(entries: readonly { name: string; sha256: string }[]): string {
  return entries.map((e) => `${e.sha256}  ${e.name}\n`).join('');
}

export type ParsedChecksums = { ok: true; sums: Map<string, string> } | { ok: false; problem: string };

/**
 * Parse sha256sum output. Accepts text (`  `) and binary (` *`) markers and upper-case hex;
 * refuses blank or malformed lines and a name listed twice. Names are checked by the caller.
 * @example parseChecksums('ab…  video.mkv\n') → { ok: true, sums: Map { 'video.mkv' → 'ab…' } }
 */
export function parseChecksums(text: string): ParsedChecksums {
  const sums = new Map<string, string>();
  const lines = text.split('\n');
  // sha256sum ends every line with '\n', so the last split piece is empty.
  if (lines.at(-1) === '') lines.pop();
  for (const [i, line] of lines.entries()) {
    const m = /^([0-9A-Fa-f]{64}) [ *](.+)$/.exec(line);
    const sha = m?.[1];
    const name = m?.[2];
    if (sha === undefined || name === undefined) {
      return { ok: false, problem: `line ${i + 1} is not "<sha256>  <name>": ${JSON.stringify(line.slice(0, 80))}` };
    }
    if (sums.has(name)) return { ok: false, problem: `lists ${JSON.stringify(name)} twice` };
    sums.set(name, sha.toLowerCase());
  }
  return { ok: true, sums };
}

/**
 * Passes bytes through unchanged while hashing them; `sha256` and `bytes` are final once the
 * stream has flushed. `onFlush` may fail the stream (a checksum check at the end of a read).
 */
export class HashingStream extends Transform {
  #hash: Hash = createHash('sha256');
  #digest: string | null = null;
  #bytes = 0;
  readonly #onChunk: ((bytes: number) => void) | undefined;
  readonly #onFlush: ((sha256: string, bytes: number) => Error | null) | undefined;

  constructor(options: { onChunk?: (bytes: number) => void; onFlush?: (sha256: string, bytes: number) => Error | null } = {}) {
    super();
    this.#onChunk = options.onChunk;
    this.#onFlush = options.onFlush;
  }

  /** Bytes seen so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Hex sha256 of everything that passed; throws before the stream has flushed. */
  get sha256(): string {
    if (this.#digest === null) throw new Error('HashingStream.sha256 read before the stream ended');
    return this.#digest;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
    try {
      this.#onChunk?.(chunk.length);
    } catch (err) {
      callback(err as Error);
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#digest = this.#hash.digest('hex');
    callback(this.#onFlush?.(this.#digest, this.#bytes) ?? null);
  }
}
