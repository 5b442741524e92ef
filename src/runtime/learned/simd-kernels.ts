// The learned networks' per-pixel work on WebAssembly SIMD (simd/kernels.ts, compiled by
// `npm run build:wasm` to dist/simd/): Y'CbCr 4:2:0 -> R'G'B', the thumbnail's area sums, R's and
// F's full-resolution passes, R'G'B' -> Y'CbCr 4:2:0. Four pixels an instruction in float32,
// against full-res.ts's one in float64: at 1080p the whole frame (conversions included) takes
// a fraction of what the JS passes took (`duhdr bench model`: engines ort vs ort-js).
//
// One module instance per thread (its memory is the thread's own); a FrameWorkspace holds one
// frame size's buffers in that memory: per frame of a batch, three float32 planes with rows
// padded to whole vectors; the integer frames are copied in and out.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  BT2020_TO_BT709, BT709_TO_BT2020, HDR_LAYOUT, YuvFrameConverter, codeRange, hlgDecodePlanes, lumaCoefficients, pqEncodePlane,
  type IntPlane, type RgbPlanes, type YuvLayout,
} from '../../color/index.js';
import { BT709_LUMA } from '../../model/index.js';
import type { HdrSourceInfo, ModelFrame } from '../tone-model.js';
import { instantiateKernels } from '../wasm-kernels.js';
import { BITS, MIN_EXP, SIG_SEG, TABLES, cachedTaps, starts, type LowResOutputs } from './full-res.js';

/** Where the build puts the module: <package>/dist/simd/ (the same path from src/ and from dist/). */
export const KERNELS_WASM = fileURLToPath(new URL('../../../dist/simd/learned-kernels.wasm', import.meta.url));

type Ptr = number;
type Exports = {
  memory: { buffer: ArrayBuffer };
  alloc(bytes: number): Ptr;
  release(ptr: Ptr): void;
  setTables(pqDec: Ptr, pqEnc: Ptr, gammaEnc: Ptr, gammaDec: Ptr, consts: Ptr): void;
  reverse(r: Ptr, g: Ptr, b: Ptr, w: number, h: number, stride: number, base: Ptr, con: Ptr, sat: Ptr, baseTaps: Ptr, gainTaps: Ptr, curve: Ptr, k: number, invPeak: number, rows: Ptr): void;
  forward(r: Ptr, g: Ptr, b: Ptr, w: number, h: number, stride: number, base: Ptr, con: Ptr, sat: Ptr, baseTaps: Ptr, gainTaps: Ptr, curve: Ptr, k: number, guided: number, peakPq: number, rows: Ptr): void;
  toRgb(y: Ptr, u: Ptr, v: Ptr, wide: number, w: number, h: number, stride: number, yOff: number, yMul: number, cOff: number, cMul: number,
    crToR: number, cbToG: number, crToG: number, cbToB: number, r: Ptr, g: Ptr, b: Ptr, rows: Ptr): void;
  fromRgb(r: Ptr, g: Ptr, b: Ptr, w: number, h: number, stride: number, kr: number, kg: number, kb: number,
    yScale: number, yOff: number, cScale: number, cOff: number, max: number, wide: number, y: Ptr, u: Ptr, v: Ptr, rows: Ptr): void;
  thumbSums(r: Ptr, g: Ptr, b: Ptr, w: number, h: number, stride: number, size: number, colOf: Ptr, sums: Ptr, cols: Ptr): void;
  SIG_SEG: { value: number };
  MIN_EXP: { value: number };
  BITS: { value: number };
};

let kernels: Exports | null = null;

/** This thread's module, instantiated on first use with full-res.ts's tables copied in. */
function wasm(): Exports {
  if (kernels) return kernels;
  const e = instantiateKernels<Exports>(KERNELS_WASM);
  if (e.SIG_SEG.value !== SIG_SEG || e.MIN_EXP.value !== MIN_EXP || e.BITS.value !== BITS) {
    throw new Error(`${KERNELS_WASM} was built for other tables than full-res.ts: rebuild it with \`npm run build\``);
  }
  // (value, slope) pairs: a lookup is one 64-bit load per lane.
  const pairs = (t: Float32Array): Ptr => {
    const p = e.alloc(8 * (t.length - 1));
    const f = new Float32Array(e.memory.buffer, p, 2 * (t.length - 1));
    for (let i = 0; i < t.length - 1; i++) {
      f[2 * i] = t[i]!;
      f[2 * i + 1] = t[i + 1]! - t[i]!;
    }
    return p;
  };
  const consts = [...BT2020_TO_BT709, ...BT709_TO_BT2020, ...BT709_LUMA];
  const c = e.alloc(4 * consts.length);
  new Float32Array(e.memory.buffer, c, consts.length).set(consts);
  e.setTables(pairs(TABLES.pqDecode), pairs(TABLES.pqEncode), pairs(TABLES.gammaEncode), pairs(TABLES.gammaDecode), c);
  kernels = e;
  return e;
}

/** Whether the built module is there (tests and benches say so instead of failing). */
export const hasSimdKernels = (): boolean => existsSync(KERNELS_WASM);

/** The most grid cells a side (and 64 curve knots) the workspace holds rows and taps for. */
const MAX_CELLS = 16;

/**
 * Buffers for `frames` frames of one size in this thread's module memory. Views are made on
 * demand: the memory may grow (and detach old views) whenever anything is allocated.
 */
export class FrameWorkspace {
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  /** Floats a plane row: the width rounded up to whole vectors. */
  readonly stride: number;
  readonly #e: Exports;
  readonly #planes: Ptr[];
  readonly #yuvIn: Ptr;
  readonly #yuvOut: Ptr;
  readonly #rows: Ptr;
  readonly #grid: { base: Ptr; con: Ptr; sat: Ptr; baseTaps: Ptr; gainTaps: Ptr; curve: Ptr };
  readonly #colOf: Map<number, Ptr> = new Map();
  readonly #sums: Ptr;
  readonly #allocs: Ptr[] = [];
  /** HLG sources are converted in JS (BT.2100 OOTF), then copied in. */
  #hlg: { conv: YuvFrameConverter; planes: RgbPlanes } | null = null;
  #released = false;

  constructor(width: number, height: number, frames: number) {
    if (width % 2 || height % 2 || width < 2 || height < 2) throw new RangeError(`the SIMD kernels take 4:2:0 frames of even size, got ${width}x${height}`);
    this.#e = wasm();
    this.width = width;
    this.height = height;
    this.frames = frames;
    this.stride = (width + 3) & ~3;
    const plane = 4 * this.stride * height;
    const alloc = (bytes: number): Ptr => {
      const p = this.#e.alloc(bytes);
      this.#allocs.push(p);
      return p;
    };
    this.#planes = Array.from({ length: frames }, () => alloc(3 * plane));
    // Integer frames in and out: 16-bit 4:2:0 at most, plus a vector of slack for whole-vector loads.
    const yuvBytes = 3 * width * height + 64;
    this.#yuvIn = alloc(yuvBytes);
    this.#yuvOut = alloc(yuvBytes);
    // Conversion scratch: four rows with room for edge copies either side.
    this.#rows = alloc(4 * 4 * (this.stride + 16));
    const rowsBytes = 4 * this.stride * MAX_CELLS;
    this.#grid = { base: alloc(rowsBytes), con: alloc(rowsBytes), sat: alloc(rowsBytes), baseTaps: alloc(12 * height), gainTaps: alloc(12 * height), curve: alloc(8 * 64) };
    this.#sums = alloc(8 * 3 * 128 * 128);
  }

  #f32(p: Ptr, n: number): Float32Array {
    return new Float32Array(this.#e.memory.buffer, p, n);
  }

  /** Frame i's R'G'B' planes as views (`stride` floats a row; valid until the next allocation). */
  planes(i: number): RgbPlanes {
    const n = this.stride * this.height;
    const p = this.#planes[i]!;
    return { r: this.#f32(p, n), g: this.#f32(p + 4 * n, n), b: this.#f32(p + 8 * n, n) };
  }

  #ptrs(i: number): [Ptr, Ptr, Ptr] {
    const n = 4 * this.stride * this.height;
    const p = this.#planes[i]!;
    return [p, p + n, p + 2 * n];
  }

  /** Integer Y'CbCr 4:2:0 planes of `layout` -> frame i's R'G'B'. */
  fromYuv(i: number, planes: readonly IntPlane[], layout: YuvLayout): void {
    const { width: w, height: h } = this;
    const wide = layout.bitDepth > 8;
    const bytes = wide ? 2 : 1;
    const [y, u, v] = planes as [IntPlane | undefined, IntPlane | undefined, IntPlane | undefined];
    const cw = w >> 1;
    const ch = h >> 1;
    if (!y || !u || !v || y.length !== w * h || u.length !== cw * ch || v.length !== cw * ch || [y, u, v].some((p) => p.BYTES_PER_ELEMENT !== bytes)) {
      throw new RangeError(`a ${w}x${h} ${layout.bitDepth}-bit 4:2:0 frame needs planes of ${w * h}, ${cw * ch} and ${cw * ch} ${wide ? 'Uint16' : 'Uint8'} samples`);
    }
    const mem = new Uint8Array(this.#e.memory.buffer);
    const put = (p: IntPlane, at: number): void => mem.set(new Uint8Array(p.buffer, p.byteOffset, p.length * bytes), this.#yuvIn + at);
    put(y, 0);
    put(u, w * h * bytes);
    put(v, (w * h + cw * ch) * bytes);
    const q = codeRange(layout);
    const { kr, kg, kb } = lumaCoefficients(layout.matrix);
    const [r, g, b] = this.#ptrs(i);
    this.#e.toRgb(
      this.#yuvIn, this.#yuvIn + w * h * bytes, this.#yuvIn + (w * h + cw * ch) * bytes, wide ? 1 : 0, w, h, this.stride,
      q.yOffset, 1 / q.yScale, q.cOffset, 1 / q.cScale,
      2 * (1 - kr), -(2 * kb * (1 - kb)) / kg, -(2 * kr * (1 - kr)) / kg, 2 * (1 - kb),
      r, g, b, this.#rows,
    );
  }

  /** An HDR frame -> frame i's PQ BT.2020 R'G'B' (HLG through the BT.2100 OOTF at the mastering peak, in JS). */
  fromHdr(i: number, frame: ModelFrame, info: HdrSourceInfo): void {
    if (info.transfer !== 'hlg') return this.fromYuv(i, frame.planes as IntPlane[], HDR_LAYOUT);
    const { width: w, height: h } = this;
    this.#hlg ??= { conv: new YuvFrameConverter(w, h, HDR_LAYOUT), planes: { r: new Float32Array(w * h), g: new Float32Array(w * h), b: new Float32Array(w * h) } };
    const p = this.#hlg.conv.toRgb(frame.planes as Uint16Array[], this.#hlg.planes);
    hlgDecodePlanes(p.r, p.g, p.b, p.r, p.g, p.b, info.masteringPeak);
    const dst = this.planes(i);
    for (const c of ['r', 'g', 'b'] as const) {
      pqEncodePlane(p[c], p[c]);
      for (let y = 0; y < h; y++) {
        dst[c].set(p[c].subarray(y * w, (y + 1) * w), y * this.stride);
        dst[c].fill(p[c][(y + 1) * w - 1]!, y * this.stride + w, (y + 1) * this.stride);
      }
    }
  }

  /** Frame i's R'G'B' -> integer Y'CbCr 4:2:0 planes of `layout` (written into `out`). */
  toYuv(i: number, layout: YuvLayout, out: readonly IntPlane[]): void {
    const { width: w, height: h } = this;
    const wide = layout.bitDepth > 8;
    const bytes = wide ? 2 : 1;
    const cw = w >> 1;
    const ch = h >> 1;
    if (out.length !== 3 || out[0]!.length !== w * h || out.slice(1).some((p) => p.length !== cw * ch || p.BYTES_PER_ELEMENT !== bytes)) {
      throw new RangeError(`a ${w}x${h} ${layout.bitDepth}-bit 4:2:0 frame needs planes of ${w * h}, ${cw * ch} and ${cw * ch} ${wide ? 'Uint16' : 'Uint8'} samples`);
    }
    const q = codeRange(layout);
    const { kr, kg, kb } = lumaCoefficients(layout.matrix);
    const [r, g, b] = this.#ptrs(i);
    const yp = this.#yuvOut;
    const up = yp + w * h * bytes;
    const vp = up + cw * ch * bytes;
    this.#e.fromRgb(r, g, b, w, h, this.stride, kr, kg, kb, q.yScale, q.yOffset, q.cScale, q.cOffset, q.max, wide ? 1 : 0, yp, up, vp, this.#rows);
    const mem = this.#e.memory.buffer;
    [yp, up, vp].forEach((p, c) => {
      const dst = out[c]!;
      dst.set(wide ? new Uint16Array(mem, p, dst.length) : new Uint8Array(mem, p, dst.length));
    });
  }

  /**
   * Frame i's `size` x `size` area thumbnail, interleaved R'G'B': equal to the bit to
   * learned-model.ts areaThumbnailPlanes of the same planes.
   */
  thumbnail(i: number, size: number): Float32Array {
    const { width: w, height: h } = this;
    if (size > 128) throw new RangeError(`thumbnail size ${size} is above 128`);
    let colOf = this.#colOf.get(size);
    if (colOf === undefined) {
      colOf = this.#e.alloc(4 * w);
      this.#allocs.push(colOf);
      const c = new Int32Array(this.#e.memory.buffer, colOf, w);
      for (let x = 0; x < w; x++) c[x] = Math.min(size - 1, Math.floor(((x + 0.5) * size) / w));
      this.#colOf.set(size, colOf);
    }
    const [r, g, b] = this.#ptrs(i);
    this.#e.thumbSums(r, g, b, w, h, this.stride, size, colOf, this.#sums, this.#rows);
    const sums = new Float64Array(this.#e.memory.buffer, this.#sums, 3 * size * size);
    // Pixels per cell: the product of the cell's row and column counts (exact integers).
    const rows = new Float64Array(size);
    const cols = new Float64Array(size);
    for (let y = 0; y < h; y++) rows[Math.min(size - 1, Math.floor(((y + 0.5) * size) / h))]! += 1;
    const colView = new Int32Array(this.#e.memory.buffer, colOf, w);
    for (let x = 0; x < w; x++) cols[colView[x]!]! += 1;
    const out = new Float32Array(3 * size * size);
    for (let cy = 0; cy < size; cy++) {
      for (let cx = 0; cx < size; cx++) {
        const cell = cy * size + cx;
        const n = rows[cy]! * cols[cx]! || 1;
        out[3 * cell] = sums[3 * cell]! / n;
        out[3 * cell + 1] = sums[3 * cell + 1]! / n;
        out[3 * cell + 2] = sums[3 * cell + 2]! / n;
      }
    }
    return out;
  }

  /** The low-resolution outputs as the passes read them: grids upsampled across the width, taps down the height, the curve. */
  #setGrids(g: LowResOutputs): void {
    if (g.baseCells > MAX_CELLS || g.gainCells > MAX_CELLS || g.inc.length > 64) throw new RangeError('grids or curve larger than the SIMD kernels take');
    const { width: w, height: h, stride } = this;
    const mem = this.#e.memory.buffer;
    const grid = this.#grid;
    const across = (dst: Ptr, src: Float32Array, offset: number, cells: number): void => {
      const t = cachedTaps(cells, w);
      const rows = new Float32Array(mem, dst, cells * stride);
      for (let row = 0; row < cells; row++) {
        const o = offset + row * cells;
        const d = row * stride;
        for (let x = 0; x < w; x++) {
          const a = src[o + t.i0[x]!]!;
          rows[d + x] = a + t.w[x]! * (src[o + t.i1[x]!]! - a);
        }
        rows.fill(rows[d + w - 1]!, d + w, d + stride);
      }
    };
    const down = (dst: Ptr, cells: number): void => {
      const t = cachedTaps(cells, h);
      new Int32Array(mem, dst, h).set(t.i0);
      new Int32Array(mem, dst + 4 * h, h).set(t.i1);
      new Float32Array(mem, dst + 8 * h, h).set(t.w);
    };
    const gc = g.gainCells;
    across(grid.base, g.base, 0, g.baseCells);
    across(grid.con, g.gains, 0, gc);
    across(grid.sat, g.gains, gc * gc, gc);
    down(grid.baseTaps, g.baseCells);
    down(grid.gainTaps, gc);
    const below = starts(g.inc);
    const curve = new Float32Array(mem, grid.curve, 2 * g.inc.length);
    for (let j = 0; j < g.inc.length; j++) {
      curve[2 * j] = below[j]!;
      curve[2 * j + 1] = g.inc[j]!;
    }
  }

  /** R at full resolution on frame i, in place: PQ BT.2020 R'G'B' -> BT.709 gamma-2.4 R'G'B'. */
  reverse(i: number, g: LowResOutputs, peakPq: number): void {
    this.#setGrids(g);
    const d = this.#grid;
    this.#e.reverse(...this.#ptrs(i), this.width, this.height, this.stride, d.base, d.con, d.sat, d.baseTaps, d.gainTaps, d.curve, g.inc.length, 1 / peakPq, this.#rows);
  }

  /** F at full resolution on frame i, in place: BT.709 gamma R'G'B' -> PQ BT.2020 R'G'B'. */
  forward(i: number, g: LowResOutputs, guided: boolean, peakPq: number): void {
    this.#setGrids(g);
    const d = this.#grid;
    this.#e.forward(...this.#ptrs(i), this.width, this.height, this.stride, d.base, d.con, d.sat, d.baseTaps, d.gainTaps, d.curve, g.inc.length, guided ? 1 : 0, peakPq, this.#rows);
  }

  /** Give the buffers back to the module's allocator. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    for (const p of this.#allocs) this.#e.release(p);
    this.#allocs.length = 0;
  }
}
