import { describe, expect, it } from 'vitest';
import { FrameReader, planeViews } from '../../src/io/index.js';
import { OffThreadToneModel, createModel, loadToneModel, type HdrSourceInfo, type ModelFrame, type ToneModel } from '../../src/runtime/index.js';
import { SHARED_IDS_HELD } from '../../src/runtime/shared-frames.js';
import { sample } from '../helpers/media.js';

const source: HdrSourceInfo = { width: 640, height: 360, transfer: 'pq', masteringPeak: 1000, maxCll: 1000 };

async function frames(n: number): Promise<ModelFrame[]> {
  const out: ModelFrame[] = [];
  for await (const f of await FrameReader.open(sample('city-pq.mkv'), { format: 'yuv420p10le', maxFrames: n })) out.push(f);
  return out;
}

/** Fresh buffers: the off-thread model transfers (detaches) what it is given. */
const copy = (fs: ModelFrame[]): ModelFrame[] => fs.map((f) => {
  const data = f.data.slice();
  return { data, planes: planeViews('yuv420p10le', 640, 360, data) };
});

/** The frames in fresh SharedArrayBuffers, as the pipeline's shared BufferPool holds them. */
const shared = (fs: ModelFrame[]): ModelFrame[] => fs.map((f) => {
  const data = new Uint8Array(new SharedArrayBuffer(f.data.byteLength));
  data.set(f.data);
  return { data, planes: planeViews('yuv420p10le', 640, 360, data) };
});

/** An in-thread classical model and an off-thread one of at most `workers` threads, disposed after `use`. */
async function withModels(workers: number, use: (local: ToneModel, remote: OffThreadToneModel) => Promise<void>): Promise<void> {
  const local = await createModel('classical-bt2390');
  const remote = new OffThreadToneModel(await createModel('classical-bt2390'), 'classical-bt2390', {}, workers);
  try {
    await use(local, remote);
  } finally {
    local.dispose();
    remote.dispose();
  }
}

describe('OffThreadToneModel', () => {
  it('gives exactly what the model gives in this thread, both ways, and is what loadToneModel returns for CPU-bound models', async () => {
    const local = await createModel('classical-bt2390');
    const remote = await loadToneModel('classical-bt2390');
    try {
      expect(remote).toBeInstanceOf(OffThreadToneModel);
      expect([remote.id, remote.contentHash, remote.sideInfoFields]).toEqual([local.id, local.contentHash, local.sideInfoFields]);
      const input = await frames(3);
      const side = local.analyze(input, source);
      expect(remote.analyze(input, source)).toEqual(side);
      const expected = await local.reverse(copy(input), side, source);
      const sent = copy(input);
      const got = await remote.reverse(sent, side, source);
      // The worker hands the inputs back: the frames hold live buffers again, same bytes.
      sent.forEach((f, i) => expect(Buffer.compare(f.data, input[i]!.data)).toBe(0));
      got.forEach((f, i) => expect(Buffer.compare(f, expected[i]!), `reverse frame ${i}`).toBe(0));
      const sdr = (bufs: Uint8Array[]): ModelFrame[] => bufs.map((b) => {
        const data = b.slice();
        return { data, planes: planeViews('yuv420p', 640, 360, data) };
      });
      // Hand the outputs back and go again: reused buffers must give the same bytes.
      remote.recycle?.(got);
      const again = await remote.reverse(copy(input), side, source);
      again.forEach((f, i) => expect(Buffer.compare(f, expected[i]!), `reverse frame ${i} into a recycled buffer`).toBe(0));
      const back = await local.forward(sdr(expected), side, source);
      const backRemote = await remote.forward(sdr(expected), side, source);
      backRemote.forEach((f, i) => expect(Buffer.compare(f, back[i]!), `forward frame ${i}`).toBe(0));
    } finally {
      local.dispose();
      remote.dispose();
    }
  });

  it('rejects with the worker\'s error and keeps working for the next call', async () => {
    const remote = await loadToneModel('classical-bt2390');
    try {
      const bad: ModelFrame[] = [{ data: new Uint8Array(10), planes: [] }];
      await expect(remote.reverse(bad, [[1000]], source)).rejects.toThrow();
      const ok = await frames(1);
      await expect(remote.reverse(ok, [[1000]], source)).resolves.toHaveLength(1);
    } finally {
      remote.dispose();
    }
  });

  it('spreads concurrent batches over up to maxWorkers threads, same bytes as one thread, and starts no second worker for calls one at a time', async () => {
    await withModels(2, async (local, pool) => {
      const input = await frames(4);
      const side = local.analyze(input, source);
      // One call at a time: the first worker is always idle again, so it is the only one.
      for (let i = 0; i < 2; i++) await pool.reverse(copy(input.slice(i, i + 1)), side.slice(i, i + 1), source);
      expect(pool.workers).toBe(1);
      expect(pool.preferredBatch.concurrency).toBe(3);
      // Three batches at once: a second worker starts, the third waits behind the least busy.
      const batches = [0, 1, 2].map((i) => pool.reverse(copy(input.slice(i, i + 2)), side.slice(i, i + 2), source));
      const got = await Promise.all(batches);
      expect(pool.workers).toBe(2);
      for (const [i, out] of got.entries()) {
        const expected = await local.reverse(copy(input.slice(i, i + 2)), side.slice(i, i + 2), source);
        out.forEach((f, j) => expect(Buffer.compare(f, expected[j]!), `batch ${i} frame ${j}`).toBe(0));
      }
    });
  });

  it('reads frames in shared memory in place and writes into shared buffers it lends, lent again once recycled', async () => {
    await withModels(1, async (local, remote) => {
      const input = await frames(2);
      const side = local.analyze(input, source);
      const expected = await local.reverse(copy(input), side, source);
      const sent = shared(input);
      const buffers = sent.map((f) => f.data);
      const got = await remote.reverse(sent, side, source);
      // Nothing crossed by transfer: the caller's frames are the same objects, bytes intact.
      sent.forEach((f, i) => {
        expect(f.data).toBe(buffers[i]);
        expect(Buffer.compare(f.data, input[i]!.data)).toBe(0);
      });
      got.forEach((f, i) => {
        expect(f.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(Buffer.compare(f, expected[i]!), `frame ${i}`).toBe(0);
      });
      // Handed back, the outputs are lent again: the next call writes into the same memory.
      remote.recycle?.(got);
      const again = await remote.reverse(sent, side, source);
      expect(again.every((b) => got.includes(b))).toBe(true);
      again.forEach((f, i) => expect(Buffer.compare(f, expected[i]!), `frame ${i} again`).toBe(0));
    });
  });

  it(`sends shared memory again once the worker has dropped it (more than ${SHARED_IDS_HELD} buffers seen since)`, async () => {
    await withModels(1, async (local, remote) => {
      const input = await frames(1);
      const side = local.analyze(input, source);
      const [expected] = await local.reverse(copy(input), side, source);
      const first = shared(input);
      // Outputs are not recycled, so every call lends a new buffer too: the first input is
      // dropped on both sides long before it comes back, and must be sent again.
      const calls = [first, ...Array.from({ length: SHARED_IDS_HELD }, () => shared(input)), first];
      for (const [i, batch] of calls.entries()) {
        const [out] = await remote.reverse(batch, side, source);
        expect(Buffer.compare(out!, expected!), `call ${i}`).toBe(0);
      }
    });
  });
});
