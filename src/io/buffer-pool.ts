/**
 * Reuses frame-sized buffers so a long video allocates a handful of them instead of one per
 * frame: steady memory (no waiting on the GC to notice megabytes of garbage) and no page faults
 * for fresh zeroed pages on the hot path. Bounded: at most `limit` idle buffers are kept.
 *
 * With `shared`, buffers live in SharedArrayBuffers: a model's worker thread then reads and
 * writes them in place, where an ArrayBuffer would be transferred to it and back each frame
 * (each transfer is new external memory to V8, which then runs a full GC every frame or two).
 *
 * @example const pool = new BufferPool(); const buf = pool.take(frameBytes); ... pool.give(buf);
 */
export class BufferPool {
  readonly #free = new Map<number, Uint8Array[]>();
  readonly #limit: number;
  readonly #shared: boolean;
  #idle = 0;

  constructor(limit = 16, options: { shared?: boolean } = {}) {
    this.#limit = limit;
    this.#shared = options.shared ?? false;
  }

  /** A buffer of exactly `bytes` bytes (contents undefined: the caller overwrites it). */
  take(bytes: number): Uint8Array {
    const list = this.#free.get(bytes);
    const buf = list?.pop();
    if (buf) {
      this.#idle--;
      return buf;
    }
    return this.#shared ? new Uint8Array(new SharedArrayBuffer(bytes)) : new Uint8Array(bytes);
  }

  /** Return a buffer for reuse; detached (transferred) or foreign views are ignored. */
  give(buf: Uint8Array): void {
    if (buf.byteLength === 0 || buf.byteOffset !== 0 || buf.byteLength !== buf.buffer.byteLength) return;
    if (this.#idle >= this.#limit) return;
    const list = this.#free.get(buf.byteLength) ?? [];
    list.push(buf);
    this.#free.set(buf.byteLength, list);
    this.#idle++;
  }

  /** Idle buffers held now (tests). */
  get idle(): number {
    return this.#idle;
  }
}
