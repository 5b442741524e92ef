// The ORT engine behind the ToneModel interface against the TF.js engine on real frames, and
// exported model folders on disk: round trip, tampering, and the refusals (external data,
// custom op domains) with one-line errors naming the file.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, ModelMismatchError } from '../../../src/io/index.js';
import { initBackend, loadModel } from '../../../src/model/index.js';
import { MODELS_DIR, createModel, type HdrSourceInfo, type ModelFrame } from '../../../src/runtime/index.js';
import { LearnedToneModel } from '../../../src/runtime/learned/index.js';
import { GraphBuilder, OrtToneModel, checkOnnxModel, exportOnnx, hasDevice, onnx, readOnnxModel, resolveDevice } from '../../../src/runtime/onnx/index.js';
import { decodeAll } from '../../helpers/frames.js';
import { sample, tempDir } from '../../helpers/media.js';

const { dir, cleanup } = tempDir();
const [W, H] = [640, 360];
const source: HdrSourceInfo = { width: W, height: H, transfer: 'pq', masteringPeak: 1000, maxCll: null };
let hdrFrames: Uint8Array[] = [];
let tfjs: LearnedToneModel;
let ortModel: OrtToneModel;

function frame(data: Uint8Array, bits: 8 | 10): ModelFrame {
  const px = W * H;
  const v = (o: number, len: number) => (bits === 10 ? new Uint16Array(data.buffer, data.byteOffset + 2 * o, len) : data.subarray(o, o + len));
  return { data, planes: [v(0, px), v(px, px / 4), v((5 * px) / 4, px / 4)] };
}

/** Largest difference in code values between two planar buffers of `bits`-bit samples. */
function maxCodeDiff(a: Uint8Array, b: Uint8Array, bits: 8 | 10): number {
  const va = bits === 10 ? new Uint16Array(a.buffer, a.byteOffset, a.byteLength / 2) : a;
  const vb = bits === 10 ? new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2) : b;
  let m = 0;
  for (let i = 0; i < va.length; i++) m = Math.max(m, Math.abs(va[i]! - vb[i]!));
  return m;
}

beforeAll(async () => {
  hdrFrames = (await decodeAll(sample('city-pq.mkv'))).slice(0, 3);
  tfjs = await LearnedToneModel.load('dual-v1');
  ortModel = await OrtToneModel.load('dual-v1');
});

afterAll(() => {
  tfjs.dispose();
  ortModel.dispose();
  cleanup();
});

describe('OrtToneModel (dual-v1 on ONNX Runtime)', () => {
  it('has the TF.js engine\'s identity, formats and side info fields', () => {
    expect(ortModel.id).toBe('dual-v1');
    expect(ortModel.contentHash).toBe(tfjs.contentHash);
    expect(ortModel.sideInfoFields).toEqual(tfjs.sideInfoFields);
    expect([ortModel.hdrFormat, ortModel.sdrFormat]).toEqual([tfjs.hdrFormat, tfjs.sdrFormat]);
    expect(ortModel.device).toBe('cpu');
  });

  it('encodes and restores a batch of real frames like the TF.js engine (within one code value)', async () => {
    const side = ortModel.analyze(hdrFrames.map((d) => frame(d, 10)), source);
    const sideRef = tfjs.analyze(hdrFrames.map((d) => frame(d, 10)), source);
    expect(side).toEqual(sideRef);
    const sdr = await ortModel.reverse(hdrFrames.map((d) => frame(d, 10)), side, source);
    const sdrRef = await tfjs.reverse(hdrFrames.map((d) => frame(d, 10)), side, source);
    expect(sdr).toHaveLength(3);
    sdr.forEach((s, i) => expect(maxCodeDiff(s, sdrRef[i]!, 8)).toBeLessThanOrEqual(1));
    // A mixed batch: frames 0 and 2 guided, frame 1 blind; each must match its own TF.js path.
    const sideMixed = [side[0]!, null, side[2]!];
    const hdr = await ortModel.forward(sdr.map((d) => frame(d, 8)), sideMixed, source);
    const hdrRef = await tfjs.forward(sdr.map((d) => frame(d, 8)), sideMixed, source);
    hdr.forEach((h, i) => {
      expect(h.byteLength).toBe(W * H * 3);
      expect(maxCodeDiff(h, hdrRef[i]!, 10)).toBeLessThanOrEqual(1);
    });
    // Outputs written into the caller's buffers (`into`, as an off-thread model lends them), the
    // mixed batch's order kept.
    const into = hdr.map((h) => new Uint8Array(new SharedArrayBuffer(h.byteLength)));
    const hdrInto = await ortModel.forward(sdr.map((d) => frame(d, 8)), sideMixed, source, into);
    hdrInto.forEach((h, i) => {
      expect(h).toBe(into[i]);
      expect(maxCodeDiff(h, hdrRef[i]!, 10)).toBeLessThanOrEqual(1);
    });
    // Output buffers handed back are reused, and the reused call still gives the same result.
    ortModel.recycle(sdr);
    const again = await ortModel.reverse(hdrFrames.map((d) => frame(d, 10)), side, source);
    expect(again[0]!.buffer).toBe(sdr[2]!.buffer);
    again.forEach((s, i) => expect(maxCodeDiff(s, sdrRef[i]!, 8)).toBeLessThanOrEqual(1));
  });

  it('falls back to CPU with one line when the CUDA execution provider is not installed', async () => {
    const lines: string[] = [];
    const warn = (l: string) => lines.push(l);
    if (hasDevice('cuda')) {
      expect(resolveDevice({ device: 'cuda', warn })).toBe('cuda');
      expect(lines).toEqual([]);
      return;
    }
    // This install (.npmrc skips the CUDA download) takes this branch.
    const m = await OrtToneModel.load('dual-v1', { device: 'cuda', warn });
    try {
      expect(m.device).toBe('cpu');
      expect(lines).toEqual([
        'duhdr: ONNX Runtime has no CUDA execution provider in this install (reinstall onnxruntime-node with --onnxruntime-node-install=cuda12); running on CPU',
      ]);
    } finally {
      m.dispose();
    }
  });

  it('is in the model table as dual-v1-ort', async () => {
    const m = await createModel('dual-v1-ort');
    try {
      expect(m).toBeInstanceOf(OrtToneModel);
      expect(m.contentHash).toBe(tfjs.contentHash);
    } finally {
      m.dispose();
    }
  });
});

describe('exported ONNX model folders', () => {
  const out = join(dir, 'dual-v1-onnx');

  it('export writes every graph and a manifest; loading from it gives the same frames', async () => {
    await initBackend('auto');
    const model = await loadModel(join(MODELS_DIR, 'dual-v1'));
    const manifest = await exportOnnx(model, out);
    expect(manifest.id).toBe('dual-v1');
    expect(manifest.contentHash).toBe(model.contentHash);
    expect(manifest.opset).toBe(17);
    expect(Object.keys(manifest.graphs).sort()).toEqual(['forward-blind', 'forward-blind-grid', 'forward-guided', 'forward-guided-grid', 'reverse', 'reverse-curve', 'reverse-grid']);
    expect(manifest.graphs['forward-blind-grid']!.outputs.map((o) => o.name)).toEqual(['base', 'gains', 'inc']);
    expect(manifest.graphs['reverse']!.inputs.map((i) => i.name)).toEqual(['hdr', 'thumb', 'inc', 'peakPq']);
    expect(manifest.graphs['reverse']!.inputs[0]!.shape).toEqual(['N', 'H', 'W', 3]);
    for (const v of Object.values(model.params)) v.dispose();

    const fromDisk = await OrtToneModel.load('dual-v1', { onnxDir: out });
    try {
      const side = tfjs.analyze(hdrFrames.slice(0, 1).map((d) => frame(d, 10)), source);
      const a = await fromDisk.reverse(hdrFrames.slice(0, 1).map((d) => frame(d, 10)), side, source);
      const b = await ortModel.reverse(hdrFrames.slice(0, 1).map((d) => frame(d, 10)), side, source);
      expect(maxCodeDiff(a[0]!, b[0]!, 8)).toBe(0);
    } finally {
      fromDisk.dispose();
    }
  });

  it('refuses a graph changed after export, and weights other than the expected ones', async () => {
    const copy = join(dir, 'tampered');
    await exportOnnx(await loadModel(join(MODELS_DIR, 'dual-v1')), copy);
    const file = join(copy, 'reverse.onnx');
    const m = onnx.ModelProto.decode(readFileSync(file));
    m.docString = 'edited';
    writeFileSync(file, onnx.ModelProto.encode(m).finish());
    await expect(readOnnxModel(copy)).rejects.toThrow(new InputError(file, 'sha256 differs from manifest.json — the file was changed after export; export again'));
    await expect(readOnnxModel(out, { expectHash: '0'.repeat(64) })).rejects.toBeInstanceOf(ModelMismatchError);
  });

  /** A valid one-node graph (y = x + 1) to spoil. */
  function tinyModel(): InstanceType<typeof onnx.ModelProto> {
    const g = new GraphBuilder();
    const x = g.input('x', ['N']);
    g.output(g.op('Add', [x, g.constant([1], [1])]), 'y', ['N']);
    return onnx.ModelProto.decode(g.encode('tiny', ''));
  }

  it('accepts a plain graph of standard ops', () => {
    expect(() => checkOnnxModel(onnx.ModelProto.encode(tinyModel()).finish(), 'tiny.onnx')).not.toThrow();
  });

  it('refuses a model whose initializer keeps its data in an external file, naming the file', () => {
    const m = tinyModel();
    const init = m.graph!.initializer![0]!;
    init.rawData = new Uint8Array(0);
    init.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    init.externalData = [onnx.StringStringEntryProto.create({ key: 'location', value: 'weights.bin' })];
    const file = join(dir, 'external.onnx');
    let err: unknown;
    try {
      checkOnnxModel(onnx.ModelProto.encode(m).finish(), file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(new RegExp(`^${file}: initializer "c_\\d+" keeps its data in an external file; duhdr loads only self-contained models of standard ops$`));
  });

  it('refuses a model with a custom op domain, naming the file', () => {
    const m = tinyModel();
    m.graph!.node![0]!.domain = 'com.example.fast';
    m.graph!.node![0]!.opType = 'FastAdd';
    m.opsetImport!.push(onnx.OperatorSetIdProto.create({ domain: 'com.example.fast', version: 1 }));
    const file = join(dir, 'custom.onnx');
    expect(() => checkOnnxModel(onnx.ModelProto.encode(m).finish(), file)).toThrow(
      new InputError(file, 'imports custom op domain "com.example.fast"; duhdr runs only standard ONNX ops'),
    );
    // Without the opset import the node itself is caught.
    m.opsetImport!.pop();
    expect(() => checkOnnxModel(onnx.ModelProto.encode(m).finish(), file)).toThrow(/custom op domain "com.example.fast" \(FastAdd\)/);
  });

  it('a bad file in an exported folder fails the load with the file\'s name', async () => {
    const bad = join(dir, 'bad');
    await exportOnnx(await loadModel(join(MODELS_DIR, 'dual-v1')), bad);
    const file = join(bad, 'forward-blind.onnx');
    const m = onnx.ModelProto.decode(readFileSync(file));
    m.graph!.node![0]!.domain = 'com.example';
    writeFileSync(file, onnx.ModelProto.encode(m).finish());
    await expect(OrtToneModel.load('dual-v1', { onnxDir: bad })).rejects.toThrow(new RegExp(`^${file}: node .* uses custom op domain "com.example"`));
  });
});
