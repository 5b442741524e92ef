import { describe, expect, it } from 'vitest';
import { SharedIds, isSharedFrame } from '../../src/runtime/shared-frames.js';

describe('SharedIds', () => {
  it('drops the least recently used id beyond its capacity, so two lists fed the same uses agree', () => {
    const a = new SharedIds<string>(3);
    const b = new SharedIds<number>(3);
    for (const id of [1, 2, 3, 1, 4, 5, 1, 6]) {
      a.use(id, `v${id}`);
      b.use(id, id);
    }
    // 1 was used again before 4, 5 and 6 came, so 2, 3 and 4 went first.
    expect([1, 2, 3, 4, 5, 6].map((id) => a.get(id))).toEqual(['v1', undefined, undefined, undefined, 'v5', 'v6']);
    expect([1, 2, 3, 4, 5, 6].map((id) => b.get(id) !== undefined)).toEqual([1, 2, 3, 4, 5, 6].map((id) => a.get(id) !== undefined));
    expect(a.size).toBe(3);
  });
});

describe('isSharedFrame', () => {
  it('is true only for a view of a whole SharedArrayBuffer', () => {
    const sab = new SharedArrayBuffer(16);
    expect(isSharedFrame(new Uint8Array(sab))).toBe(true);
    expect(isSharedFrame(new Uint8Array(sab, 4, 8))).toBe(false);
    expect(isSharedFrame(new Uint8Array(16))).toBe(false);
  });
});
