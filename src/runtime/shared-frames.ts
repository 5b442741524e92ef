// Frames in SharedArrayBuffers cross to a model worker as numbers. Posting a buffer, shared or
// transferred, makes a new ArrayBuffer object on the other side, which V8 counts as new external
// memory: at 9 MB a 1080p frame that started a full GC every frame or two (a restore spent ~15 ms
// a frame of CPU in V8's marking threads). So each side posts a SharedArrayBuffer once and names
// it by id afterwards.

/** A frame buffer as it crosses to a worker: transferred bytes, or the id of shared memory (with the memory itself the first time). */
export type FrameRef = Uint8Array | { id: number; shared?: SharedArrayBuffer };

/** Ids a worker holds at most: a few frames in flight each way plus pooled ones, with room to spare. */
export const SHARED_IDS_HELD = 32;

/**
 * The ids one worker holds, least recently used first, at most `capacity`. The main thread and
 * the worker each keep one and `use` the same ids in the same order (messages arrive in order),
 * so they drop the same ones: the main thread knows, without asking, whether the worker still
 * holds a buffer or must be sent it again. Bounded, so buffers a caller drops are not pinned.
 */
export class SharedIds<T> {
  readonly #entries = new Map<number, T>();
  readonly #capacity: number;

  constructor(capacity = SHARED_IDS_HELD) {
    this.#capacity = capacity;
  }

  /** The value under `id`, if held. */
  get(id: number): T | undefined {
    return this.#entries.get(id);
  }

  /** Marks `id` (holding `value`) as used now, dropping the least recently used beyond capacity. */
  use(id: number, value: T): void {
    this.#entries.delete(id);
    this.#entries.set(id, value);
    if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** Whether `data` is a whole SharedArrayBuffer (the memory a FrameRef id can name). */
export function isSharedFrame(data: Uint8Array): data is Uint8Array & { buffer: SharedArrayBuffer } {
  return data.buffer instanceof SharedArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
}
