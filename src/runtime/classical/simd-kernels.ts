// The classical model's pixel loops on WebAssembly SIMD (simd/kernels.ts, compiled by
// `npm run build:wasm` to dist/simd/): the same chain as kernels.ts, four pixels an
// instruction in float32. kernels.ts stays the readable reference they are tested against.
//
// One module instance per thread (its memory is the thread's own). The integer frames are
// copied into the module's memory and back out (a few MB a frame, ~1 ms at 1080p); the
// tables are kernels.ts's, stored as (value, slope) pairs so a lookup is one 64-bit load a lane.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BT2020_TO_BT709, BT709_TO_BT2020, lumaCoefficients } from '../../color/index.js';
import { frameByteLength } from '../../io/index.js';
import { instantiateKernels } from '../wasm-kernels.js';
import type { EetfLut } from './bt2390-eetf.js';
import type { BitTable } from './curve-lut.js';
import { TABLES, checkSetup, forwardGainTable, type ForwardSetup, type Planes, type ReverseSetup } from './kernels.js';

/** Where the build puts the module: <package>/dist/simd/ (the same path from src/ and from dist/). */
export const CLASSICAL_WASM = fileURLToPath(new URL('../../../dist/simd/classical-kernels.wasm', import.meta.url));

type Ptr = number;
type Exports = {
  memory: { buffer: ArrayBuffer };
  alloc(bytes: number): Ptr;
  release(ptr: Ptr): void;
  constants(): Ptr;
  scratchBytes(width: number): number;
  setStaticTables(pqDec: Ptr, gammaDec: Ptr, hlgDec: Ptr, gammaEnc: Ptr, gammaEncLast: number, pqEnc: Ptr, pqEncLast: number, hlgOetf: Ptr, hlgOetfLast: number): void;
  setFrameTables(gain: Ptr, gainLast: number, ootf: Ptr, ootfLast: number): void;
  reverse(y: Ptr, cb: Ptr, cr: Ptr, w: number, h: number, hlg: number, knee: number, invPeak: number, yOut: Ptr, cbOut: Ptr, crOut: Ptr, scratch: Ptr): void;
  forward(y: Ptr, cb: Ptr, cr: Ptr, w: number, h: number, hlg: number, dstPeak: number, kneeRel: number, kneeOut: number, peakOut: number,
    srcMax: number, invLw: number, yOut: Ptr, cbOut: Ptr, crOut: Ptr, scratch: Ptr): void;
  SIG_SCALE: { value: number };
  SIG_OFFSET: { value: number };
  SIG_SEGMENTS: { value: number };
  GAMMA_ENC_SHIFT: { value: number };
  PQ_ENC_SHIFT: { value: number };
  HLG_OETF_SHIFT: { value: number };
  EETF_GAIN_SHIFT: { value: number };
  INV_EETF_SHIFT: { value: number };
  HLG_OOTF_SHIFT: { value: number };
};

/** A table copied into the module as (value, slope) pairs, with its last knot. */
type Loaded = { ptr: Ptr; last: number };

type Module = {
  e: Exports;
  /** The per-frame tables now in the module, by the JS table they were made from. */
  frame: { source: Float64Array | null; dstPeak: number; table: Loaded | null };
  ootf: { source: Float64Array | null; table: Loaded | null };
  /** Frame buffers of the current size. */
  size: { width: number; height: number; input: Ptr; output: Ptr; scratch: Ptr } | null;
};

let instance: Module | null = null;

/** Copies `t` (a table whose last entry repeats its last knot, or not) into the module as pairs; `last` = index of the last knot kept. */
function pairs(e: Exports, t: Float64Array, last: number): Loaded {
  const ptr = e.alloc(8 * (last + 1));
  const f = new Float32Array(e.memory.buffer, ptr, 2 * (last + 1));
  for (let i = 0; i <= last; i++) {
    f[2 * i] = t[i]!;
    f[2 * i + 1] = i + 1 < t.length && i < last ? t[i + 1]! - t[i]! : 0;
  }
  return { ptr, last };
}

/** This thread's module, instantiated on first use with kernels.ts's static tables copied in. */
function wasm(): Module {
  if (instance) return instance;
  const e = instantiateKernels<Exports>(CLASSICAL_WASM);
  const shifts: [keyof Exports, BitTable | number][] = [
    ['GAMMA_ENC_SHIFT', TABLES.gammaEncode], ['PQ_ENC_SHIFT', TABLES.pqEncode], ['HLG_OETF_SHIFT', TABLES.hlgOetf],
    ['SIG_SCALE', TABLES.sigScale], ['SIG_OFFSET', TABLES.sigOffset], ['SIG_SEGMENTS', TABLES.sigSegments],
  ];
  for (const [name, want] of shifts) {
    const value = typeof want === 'number' ? want : want.shift;
    if ((e[name] as { value: number }).value !== value) {
      throw new Error(`${CLASSICAL_WASM} was built for other tables than kernels.ts (${name}): rebuild it with \`npm run build\``);
    }
  }
  const seg = TABLES.sigSegments;
  const bits = (t: BitTable): Loaded => pairs(e, t.table, t.last);
  const ge = bits(TABLES.gammaEncode);
  const pe = bits(TABLES.pqEncode);
  const ho = bits(TABLES.hlgOetf);
  e.setStaticTables(
    pairs(e, TABLES.pqDecode, seg).ptr, pairs(e, TABLES.gammaDecode, seg).ptr, pairs(e, TABLES.hlgDecode, seg).ptr,
    ge.ptr, ge.last, pe.ptr, pe.last, ho.ptr, ho.last,
  );
  const k20 = lumaCoefficients('bt2020nc');
  const k709 = lumaCoefficients('bt709');
  new Float32Array(e.memory.buffer, e.constants(), 24).set([
    ...BT2020_TO_BT709, ...BT709_TO_BT2020, k20.kr, k20.kg, k20.kb, k709.kr, k709.kg, k709.kb,
  ]);
  instance = { e, frame: { source: null, dstPeak: 0, table: null }, ootf: { source: null, table: null }, size: null };
  return instance;
}

/** Instantiate this thread's module and copy its static tables in now rather than on the first frame (~10 ms). */
export function prepareSimd(): void {
  wasm();
}

/** Whether the built module is there (tests and benches say so instead of failing). */
export const hasClassicalSimd = (): boolean => existsSync(CLASSICAL_WASM);

/** Buffers for frames of this size (kept until the size changes). */
function buffers(m: Module, width: number, height: number): NonNullable<Module['size']> {
  if (m.size && m.size.width === width && m.size.height === height) return m.size;
  if (m.size) for (const p of [m.size.input, m.size.output, m.size.scratch]) m.e.release(p);
  m.size = null;
  // 16-bit samples at most either way, plus slack for whole-vector reads past the last row.
  const bytes = frameByteLength('yuv420p10le', width, height) + 64;
  m.size = { width, height, input: m.e.alloc(bytes), output: m.e.alloc(bytes), scratch: m.e.alloc(m.e.scratchBytes(width)) };
  return m.size;
}

/** Copies the planes in back to back; returns their addresses. */
function copyIn<T extends Uint8Array | Uint16Array>(m: Module, at: Ptr, p: Planes<T>): [Ptr, Ptr, Ptr] {
  const mem = new Uint8Array(m.e.memory.buffer);
  let o = at;
  const out: Ptr[] = [];
  for (const plane of [p.y, p.cb, p.cr]) {
    out.push(o);
    mem.set(new Uint8Array(plane.buffer, plane.byteOffset, plane.byteLength), o);
    o += plane.byteLength;
  }
  return out as [Ptr, Ptr, Ptr];
}

function copyOut<T extends Uint8Array | Uint16Array>(m: Module, at: [Ptr, Ptr, Ptr], p: Planes<T>): void {
  const mem = m.e.memory.buffer;
  [p.y, p.cb, p.cr].forEach((plane, k) => {
    new Uint8Array(plane.buffer, plane.byteOffset, plane.byteLength).set(new Uint8Array(mem, at[k], plane.byteLength));
  });
}

function checkPlanes(width: number, height: number, p: Planes<Uint8Array | Uint16Array>, bytes: number, what: string): void {
  const cLen = ((width + 1) >> 1) * ((height + 1) >> 1);
  const ok = p.y.length === width * height && p.cb.length === cLen && p.cr.length === cLen &&
    [p.y, p.cb, p.cr].every((q) => q.BYTES_PER_ELEMENT === bytes);
  if (!ok) {
    throw new RangeError(`classical SIMD kernels: ${what} of a ${width}x${height} frame must be ${width * height}/${cLen}/${cLen} ${bytes === 2 ? 'Uint16' : 'Uint8'} samples`);
  }
}

/** The module's per-frame tables for this pass: the EETF (or inverse EETF) gain and the HLG table. */
function setFrameTables(m: Module, gain: Float64Array, gainLast: number, dstPeak: number, ootf: BitTable | null): void {
  if (m.frame.source !== gain || m.frame.dstPeak !== dstPeak) {
    if (m.frame.table) m.e.release(m.frame.table.ptr);
    m.frame.table = null;
    m.frame.table = pairs(m.e, gain, gainLast);
    m.frame.source = gain;
    m.frame.dstPeak = dstPeak;
  }
  if (ootf && m.ootf.source !== ootf.table) {
    if (m.ootf.table) m.e.release(m.ootf.table.ptr);
    m.ootf.table = null;
    m.ootf.table = pairs(m.e, ootf.table, ootf.last);
    m.ootf.source = ootf.table;
  }
  const g = m.frame.table!;
  const o = ootf ? m.ootf.table! : { ptr: 0, last: 0 };
  m.e.setFrameTables(g.ptr, g.last, o.ptr, o.last);
}

/** Forward gain tables built for an EETF and SDR peak (kernels.ts builds its own copy the same way). */
const forwardGains = new WeakMap<EetfLut, { dstPeak: number; table: Float64Array }>();

/** kernels.ts reverseKernel on the SIMD module: same arguments, same result to ±1 code at rounding ties. */
export function reverseSimd(width: number, height: number, src: Planes<Uint16Array>, dst: Planes<Uint8Array>, setup: ReverseSetup): void {
  checkSetup(width, height, setup.eetf);
  checkPlanes(width, height, src, 2, 'the HDR planes');
  checkPlanes(width, height, dst, 1, 'the SDR planes');
  const m = wasm();
  const buf = buffers(m, width, height);
  const gain = setup.eetf.mapGain;
  setFrameTables(m, gain.table, gain.last, 0, setup.hlg?.ootfGain ?? null);
  const [y, cb, cr] = copyIn(m, buf.input, src);
  const out = outputPlanes(buf.output, width, height, 1);
  m.e.reverse(y, cb, cr, width, height, setup.hlg ? 1 : 0, setup.eetf.kneeNits, 1 / setup.dstPeak, ...out, buf.scratch);
  copyOut(m, out, dst);
}

/** kernels.ts forwardKernel on the SIMD module: same arguments, same result to ±1 code at rounding ties. */
export function forwardSimd(width: number, height: number, src: Planes<Uint8Array>, dst: Planes<Uint16Array>, setup: ForwardSetup): void {
  const { eetf, dstPeak, hlg } = setup;
  checkSetup(width, height, eetf);
  checkPlanes(width, height, src, 1, 'the SDR planes');
  checkPlanes(width, height, dst, 2, 'the HDR planes');
  const m = wasm();
  const buf = buffers(m, width, height);
  let gains = forwardGains.get(eetf);
  if (gains?.dstPeak !== dstPeak) {
    gains = { dstPeak, table: forwardGainTable(eetf, dstPeak) };
    forwardGains.set(eetf, gains);
  }
  setFrameTables(m, gains.table, gains.table.length - 1, dstPeak, hlg?.inverseOotfScale ?? null);
  const [y, cb, cr] = copyIn(m, buf.input, src);
  const out = outputPlanes(buf.output, width, height, 2);
  m.e.forward(
    y, cb, cr, width, height, hlg ? 1 : 0, dstPeak, eetf.kneeOutNits / dstPeak, eetf.kneeOutNits, eetf.peakOutNits, eetf.srcMax,
    hlg ? 1 / hlg.lw : 0, ...out, buf.scratch,
  );
  copyOut(m, out, dst);
}

/** Addresses of the Y, Cb and Cr planes of a frame laid out back to back at `at`. */
function outputPlanes(at: Ptr, width: number, height: number, bytesPerSample: number): [Ptr, Ptr, Ptr] {
  const cLen = ((width + 1) >> 1) * ((height + 1) >> 1);
  const cb = at + bytesPerSample * width * height;
  return [at, cb, cb + bytesPerSample * cLen];
}
