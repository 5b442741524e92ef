import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/io/index.js';

describe('BufferPool', () => {
  it('hands back buffers it was given, by size, and allocates otherwise', () => {
    const pool = new BufferPool(2);
    const a = pool.take(100);
    const b = pool.take(100);
    expect(a).not.toBe(b);
    pool.give(a);
    expect(pool.take(200)).not.toBe(a); // another size: a new buffer
    expect(pool.take(100)).toBe(a);
  });

  it('ignores views, detached buffers and anything past its limit', () => {
    const pool = new BufferPool(1);
    pool.give(new Uint8Array(new ArrayBuffer(64), 8, 16)); // a view into a larger buffer
    const detached = new Uint8Array(32);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    pool.give(detached);
    expect(pool.idle).toBe(0);
    pool.give(new Uint8Array(8));
    pool.give(new Uint8Array(8));
    expect(pool.idle).toBe(1);
  });

  it('with `shared`, hands out whole SharedArrayBuffers and takes them back', () => {
    const pool = new BufferPool(2, { shared: true });
    const a = pool.take(64);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.byteLength).toBe(64);
    pool.give(a);
    expect(pool.take(64)).toBe(a);
    expect(new BufferPool().take(8).buffer).toBeInstanceOf(ArrayBuffer);
  });
});
