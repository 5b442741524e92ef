// `duhdr bench model`: frames/s of R and F per engine, device and size, with GFLOP per frame
// (networkFlops, counted from the TF.js kernels) and, measured in the same run, ONNX Runtime's
// MatMul throughput on this machine, so achieved GFLOP/s reads as a fraction of a real peak.
// Engines run side by side per size (ORT, then TF.js, on the same inputs) so machine noise hits
// both alike.

import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { activeBackend, forward, initBackend, loadModel, networkFlops, reverse, reverseCurve, type LoadedModel } from '../../model/index.js';
import { forwardFullRes, reverseFullRes, type LowResOutputs } from '../learned/full-res.js';
import { FrameWorkspace } from '../learned/simd-kernels.js';
import { BASE_CELLS, buildGraph, paramValuesOf } from './dual-camera-onnx.js';
import { GraphBuilder } from './onnx-graph.js';
import { BENCH_ENGINES, type BenchEngine, type OrtDevice } from './choices.js';
import { createSession, resolveDevice } from './ort-session.js';

export type BenchRow = {
  network: 'reverse' | 'forward';
  engine: BenchEngine;
  /** 'cpu' / 'cuda' for ORT; the TF.js backend name for TF.js. */
  device: string;
  width: number;
  height: number;
  batch: number;
  frames: number;
  fps: number;
  ms_per_frame: number;
  gflop_per_frame: number;
  gflop_per_s: number;
  /** ORT MatMul GFLOP/s measured in the same run on the same device. */
  matmul_peak_gflop_per_s: number;
  fraction_of_peak: number;
  /** Why this row has no measurement (fps etc. are then NaN, null in JSON). */
  error?: string;
};

export type BenchOptions = {
  modelDir: string;
  sizes: [number, number][];
  engines: BenchEngine[];
  device?: OrtDevice;
  batch?: number;
  /** Minimum measuring time per row, seconds (after one warm-up call). */
  seconds?: number;
  threads?: number;
  onRow?: (row: BenchRow) => void;
  warn?: (line: string) => void;
};

/** Run `fn` once to warm up, then until `seconds` have passed (at least twice); seconds per call. */
async function timeIt(fn: () => Promise<void> | void, seconds: number): Promise<{ perCall: number; calls: number }> {
  await fn();
  let calls = 0;
  const t0 = performance.now();
  while (calls < 2 || performance.now() - t0 < seconds * 1000) {
    await fn();
    calls++;
  }
  return { perCall: (performance.now() - t0) / 1000 / calls, calls };
}

/** ORT's MatMul throughput, GFLOP/s: a [n,n]x[n,n] float32 product, n = 1024. */
export async function matmulPeak(device: OrtDevice, seconds = 1, threads?: number): Promise<number> {
  const n = 1024;
  const g = new GraphBuilder();
  const a = g.input('a', [n, n]);
  const b = g.input('b', [n, n]);
  g.output(g.op('MatMul', [a, b]), 'c', [n, n]);
  const session = await createSession(g.encode('matmul-peak', ''), device, threads);
  try {
    const feeds = { a: new ort.Tensor('float32', new Float32Array(n * n).fill(0.5), [n, n]), b: new ort.Tensor('float32', new Float32Array(n * n).fill(0.25), [n, n]) };
    const out = { c: new ort.Tensor('float32', new Float32Array(n * n), [n, n]) };
    const t = await timeIt(async () => void (await session.run(feeds, out)), seconds);
    return (2 * n * n * n) / t.perCall / 1e9;
  } finally {
    await session.release();
  }
}

/**
 * networkFlops at any size without running TF.js there (its wasm heap does not hold a 2160p
 * graph): the count is affine in the pixel count (per-pixel work plus a fixed thumbnail branch),
 * so two small sizes fix it exactly.
 */
async function flopsAt(model: LoadedModel, width: number, height: number): Promise<{ reverse: number; forward: number }> {
  const t = model.config.thumb;
  const [a, b] = [await networkFlops(model.params, t, 64, 32), await networkFlops(model.params, t, 128, 64)];
  const at = (k: 'reverse' | 'forward') => a[k] + ((b[k] - a[k]) * (width * height - 64 * 32)) / (128 * 64 - 64 * 32);
  return { reverse: at('reverse'), forward: at('forward') };
}

/** TF.js rows above this many pixels are not run: TF.js wasm overflows its heap at 1920x1080 (measured here). */
export const TFJS_MAX_PIXELS = 1280 * 720;

function uniform(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return 0.05 + (0.85 * s) / 2 ** 32;
  });
}

/**
 * Video-like interleaved R'G'B' frames: smooth colour gradients with ±1 % texture. Uniform
 * noise would be the worst case for the JS pass's branches (clamps, gamut fit), which real
 * frames predict well; the parity tests cover random frames for correctness.
 */
function videoLike(n: number, width: number, height: number, seed: number): Float32Array {
  const out = new Float32Array(n * width * height * 3);
  let s = seed >>> 0;
  for (let f = 0; f < n; f++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const noise = (0.02 * s) / 2 ** 32 - 0.01;
        const i = 3 * ((f * height + y) * width + x);
        out[i] = 0.15 + (0.6 * x) / width + noise;
        out[i + 1] = 0.2 + (0.5 * y) / height + noise;
        out[i + 2] = 0.25 + (0.3 * (x + y)) / (width + height) + noise;
      }
    }
  }
  return out;
}

/**
 * Benchmark R and F (guided) at each size with each engine. Rows are reported through `onRow`
 * as they are measured and returned together.
 * @example await benchModel({ modelDir: 'models/dual-v1', sizes: [[1920, 1080]], engines: ['ort', 'tfjs'] })
 */
export async function benchModel(opts: BenchOptions): Promise<{ matmulPeak: number; rows: BenchRow[] }> {
  const seconds = opts.seconds ?? 3;
  const batch = opts.batch ?? 1;
  const device = resolveDevice({ device: opts.device ?? 'cpu', ...(opts.warn ? { warn: opts.warn } : {}) });
  await initBackend('auto');
  const model: LoadedModel = await loadModel(opts.modelDir);
  const { thumb: t, knots: k } = model.config;
  const pv = paramValuesOf(model.params);
  const session = (kind: Parameters<typeof buildGraph>[0]) => createSession(buildGraph(kind, model.config, pv), device, opts.threads);
  const sessions = opts.engines.includes('ort-graph') ? { reverse: await session('reverse'), forward: await session('forward-guided') } : null;
  const gridSession = (kind: Parameters<typeof buildGraph>[0]) => createSession(buildGraph(kind, model.config, pv), device, opts.threads ?? 1);
  const grids = opts.engines.some((e) => e === 'ort' || e === 'ort-js') ? { reverse: await gridSession('reverse-grid'), forward: await gridSession('forward-guided-grid') } : null;
  const rows: BenchRow[] = [];
  const cleanups: (() => void)[] = [];
  try {
    const peak = await matmulPeak(device, seconds / 2, opts.threads);
    for (const [width, height] of opts.sizes) {
      const flops = await flopsAt(model, width, height);
      const frames = videoLike(batch, width, height, width + height);
      const thumbs = uniform(batch * t * t * 3, 7);
      const peakPq = new Float32Array(batch).fill(0.75);
      const inc = tf.tidy(() => reverseCurve(model.params, tf.tensor4d(thumbs, [batch, t, t, 3]), tf.tensor1d(peakPq)).dataSync() as Float32Array);
      for (const network of ['reverse', 'forward'] as const) {
        for (const engine of opts.engines) {
          let run: () => Promise<void> | void;
          const T = (d: Float32Array, dims: number[]) => new ort.Tensor('float32', d, dims);
          if (engine === 'ort' || engine === 'ort-js') {
            // R'G'B' planes in and out, as the engine holds them between its Y'CbCr conversions.
            const px = width * height;
            const planes = Array.from({ length: batch }, (_, i) => ({
              r: frames.slice(3 * i * px, 3 * i * px + px), g: frames.slice(3 * i * px + px, 3 * i * px + 2 * px), b: frames.slice(3 * i * px + 2 * px, 3 * (i + 1) * px),
            }));
            const g = t / 8;
            const feeds: Record<string, ort.Tensor> = { thumb: T(thumbs, [batch, t, t, 3]), inc: T(inc, [batch, k]) };
            if (network === 'reverse') feeds['peakPq'] = T(peakPq, [batch]);
            const grid = grids![network];
            const lowResOf = (o: ort.InferenceSession.ReturnType, i: number): LowResOutputs => ({
              base: (o['base']!.data as Float32Array).subarray(i * BASE_CELLS * BASE_CELLS, (i + 1) * BASE_CELLS * BASE_CELLS), baseCells: BASE_CELLS,
              gains: (o['gains']!.data as Float32Array).subarray(i * 2 * g * g, (i + 1) * 2 * g * g), gainCells: g, inc: inc.subarray(i * k, (i + 1) * k),
            });
            if (engine === 'ort') {
              // Copied into the kernels' memory (rows padded to whole vectors) each call, as frames arrive.
              const ws = new FrameWorkspace(width, height, batch);
              cleanups.push(() => ws.release());
              run = async () => {
                const o = await grid.run(feeds);
                planes.forEach((p, i) => {
                  const w = ws.planes(i);
                  for (const c of ['r', 'g', 'b'] as const) for (let y = 0; y < height; y++) w[c].set(p[c].subarray(y * width, (y + 1) * width), y * ws.stride);
                  if (network === 'reverse') ws.reverse(i, lowResOf(o, i), peakPq[i]!);
                  else ws.forward(i, lowResOf(o, i), true, peakPq[i]!);
                });
              };
            } else {
              const work = planes.map((p) => ({ r: new Float32Array(p.r), g: new Float32Array(p.g), b: new Float32Array(p.b) }));
              run = async () => {
                const o = await grid.run(feeds);
                work.forEach((w, i) => {
                  w.r.set(planes[i]!.r);
                  w.g.set(planes[i]!.g);
                  w.b.set(planes[i]!.b);
                  if (network === 'reverse') reverseFullRes(w, width, height, lowResOf(o, i), peakPq[i]!);
                  else forwardFullRes(w, width, height, lowResOf(o, i), true, peakPq[i]!);
                });
              };
            }
          } else if (engine === 'ort-graph') {
            const frameT = T(frames, [batch, height, width, 3]);
            const feeds = { [network === 'reverse' ? 'hdr' : 'sdr']: frameT, thumb: T(thumbs, [batch, t, t, 3]), inc: T(inc, [batch, k]), peakPq: T(peakPq, [batch]) };
            const out = { [network === 'reverse' ? 'sdr' : 'hdr']: T(new Float32Array(frames.length), [batch, height, width, 3]) };
            const graph = sessions![network];
            run = async () => void (await graph.run(feeds, out));
          } else {
            // As the TF.js engine runs it: tensors from typed arrays in, typed array out.
            run = () => void tf.tidy(() => {
              const args = [tf.tensor4d(frames, [batch, height, width, 3]), tf.tensor4d(thumbs, [batch, t, t, 3]), tf.tensor2d(inc, [batch, k]), tf.tensor1d(peakPq)] as const;
              return (network === 'reverse' ? reverse(model.params, ...args) : forward(model.params, ...args)).dataSync();
            });
          }
          const gflop = flops[network] / 1e9;
          let m: { perCall: number; calls: number };
          try {
            if (engine === 'tfjs' && width * height * batch > TFJS_MAX_PIXELS) {
              throw new Error(`not run: TF.js wasm overflows its heap above ${TFJS_MAX_PIXELS} pixels per call (memory access out of bounds at 1920x1080)`);
            }
            m = await timeIt(run, seconds);
          } catch (err) {
            // E.g. TF.js wasm runs out of its 4 GB heap at 1080p: report the row, go on.
            const row: BenchRow = {
              network, engine, device: engine !== 'tfjs' ? device : (activeBackend() ?? 'unknown'), width, height, batch, frames: 0, fps: NaN, ms_per_frame: NaN,
              gflop_per_frame: gflop, gflop_per_s: NaN, matmul_peak_gflop_per_s: peak, fraction_of_peak: NaN, error: (err as Error).message.split('\n')[0]!,
            };
            rows.push(row);
            opts.onRow?.(row);
            continue;
          }
          const fps = batch / m.perCall;
          const row: BenchRow = {
            network, engine, device: engine !== 'tfjs' ? device : (activeBackend() ?? 'unknown'), width, height, batch,
            frames: batch * (m.calls + 1), fps, ms_per_frame: 1000 / fps, gflop_per_frame: gflop, gflop_per_s: gflop * fps,
            matmul_peak_gflop_per_s: peak, fraction_of_peak: (gflop * fps) / peak,
          };
          rows.push(row);
          opts.onRow?.(row);
        }
      }
    }
    return { matmulPeak: peak, rows };
  } finally {
    for (const c of cleanups) c();
    for (const set of [sessions, grids]) if (set) await Promise.all([set.reverse.release(), set.forward.release()]);
    tf.dispose(Object.values(model.params));
  }
}
