// Exported models on disk: the graphs (GRAPH_KINDS) as self-contained .onnx files beside manifest.json
// (model id, the source weights' content hash, each file's sha256, input/output formats).

import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError, ModelMismatchError } from '../../io/index.js';
import type { DualCameraConfig, LoadedModel } from '../../model/index.js';
import { GRAPH_KINDS, buildGraph, graphSignature, paramValuesOf, type GraphKind } from './dual-camera-onnx.js';
import { checkOnnxModel } from './onnx-check.js';
import { OPSET } from './onnx-graph.js';

export const ONNX_MANIFEST = 'manifest.json';
export const ONNX_FORMAT = 'duhdr-onnx';

/** What each graph's frames mean; the manifest states it so other hosts can feed them. */
const FORMATS = {
  hdr: 'float32 NHWC interleaved R\'G\'B\', PQ (ST 2084), BT.2020 primaries, [0,1]',
  sdr: 'float32 NHWC interleaved R\'G\'B\', gamma 2.4 (BT.1886), BT.709 primaries, [0,1]',
  thumb: 'float32 NHWC area-average thumbnail of the input frame (same signal as the frame)',
  inc: 'float32 [N,K] curve increments (the per-frame side info; each ≥ 0.002, summing to 1)',
  peakPq: 'float32 [N] PQ signal of the mastering display peak',
  base: 'float32 NCHW 8x8 grid of local means of the tone-mapped luminance (the contrast pivot), upsampled bilinearly (asymmetric) to the frame',
  gains: 'float32 NCHW [contrast gain, saturation gain] grids, each in (0,2), upsampled bilinearly (asymmetric) to the frame',
} as const;

const manifestSchema = z.strictObject({
  format: z.literal(ONNX_FORMAT),
  version: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,63}$/),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  opset: z.number().int(),
  config: z.strictObject({
    knots: z.number().int(), thumb: z.number().int(), channels: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
    hidden: z.number().int(), attention: z.number().int(),
  }),
  graphs: z.record(z.string(), z.strictObject({
    file: z.string().regex(/^[a-z-]+\.onnx$/),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    inputs: z.array(z.strictObject({ name: z.string(), shape: z.array(z.union([z.number(), z.string()])), format: z.string() })),
    outputs: z.array(z.strictObject({ name: z.string(), shape: z.array(z.union([z.number(), z.string()])), format: z.string() })),
  })),
});
export type OnnxManifest = z.infer<typeof manifestSchema>;

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Every graph of a loaded model, in memory. */
export function buildGraphs(model: LoadedModel): Record<GraphKind, Uint8Array> {
  const pv = paramValuesOf(model.params);
  const doc = `duhdr ${model.id} (weights sha256 ${model.contentHash})`;
  return Object.fromEntries(GRAPH_KINDS.map((k) => [k, buildGraph(k, model.config, pv, `${doc}: ${k}`)])) as Record<GraphKind, Uint8Array>;
}

function manifestFor(model: { id: string; contentHash: string; config: DualCameraConfig }, graphs: Record<GraphKind, Uint8Array>): OnnxManifest {
  const io = (list: [string, (number | string)[]][]) => list.map(([name, shape]) => ({ name, shape, format: FORMATS[name as keyof typeof FORMATS] }));
  return {
    format: ONNX_FORMAT, version: 1, id: model.id, contentHash: model.contentHash, opset: OPSET, config: model.config,
    graphs: Object.fromEntries(GRAPH_KINDS.map((k) => {
      const sig = graphSignature(k, model.config);
      return [k, { file: `${k}.onnx`, sha256: sha256(graphs[k]), inputs: io(sig.inputs), outputs: io(sig.outputs) }];
    })),
  };
}

/**
 * Export a loaded model to `outDir` (created; files written to temp names, then renamed).
 * @example await exportOnnx(await loadModel('models/dual-v1'), 'out/dual-v1-onnx')
 */
export async function exportOnnx(model: LoadedModel, outDir: string): Promise<OnnxManifest> {
  const graphs = buildGraphs(model);
  const manifest = manifestFor(model, graphs);
  await mkdir(outDir, { recursive: true });
  const files: [string, Uint8Array | string][] = [
    ...GRAPH_KINDS.map((k): [string, Uint8Array] => [`${k}.onnx`, graphs[k]]),
    [ONNX_MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`], // last: a directory with a manifest is complete
  ];
  for (const [name, data] of files) {
    const path = join(outDir, name);
    const temp = `${path}.duhdr-tmp-${process.pid}`;
    try {
      await writeFile(temp, data);
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }
  return manifest;
}

export type OnnxModelFiles = { manifest: OnnxManifest; graphs: Record<GraphKind, Uint8Array> };

/**
 * Read and vet an exported model directory: the manifest's schema, each graph's sha256, and
 * each graph's content (no external data, no custom op domains). `expectHash` pins the weights.
 */
export async function readOnnxModel(dir: string, opts: { expectHash?: string } = {}): Promise<OnnxModelFiles> {
  const mPath = join(dir, ONNX_MANIFEST);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(mPath, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new InputError(mPath, e.code === 'ENOENT' ? 'no such file — export a model with `duhdr export -o DIR`' : `not a valid manifest (${e.message})`);
  }
  const res = manifestSchema.safeParse(parsed);
  if (!res.success) {
    const issue = res.error.issues[0];
    throw new InputError(mPath, `not a duhdr ONNX manifest: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`);
  }
  const manifest = res.data;
  if (opts.expectHash && opts.expectHash !== manifest.contentHash) {
    throw new ModelMismatchError(`${mPath}: model ${manifest.id} was exported from weights ${manifest.contentHash.slice(0, 12)}…, expected ${opts.expectHash.slice(0, 12)}…`);
  }
  const graphs = {} as Record<GraphKind, Uint8Array>;
  for (const k of GRAPH_KINDS) {
    const g = manifest.graphs[k];
    if (!g) throw new InputError(mPath, `lists no "${k}" graph`);
    const file = join(dir, g.file);
    const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
      throw new InputError(file, err.code === 'ENOENT' ? 'no such file (listed in the manifest)' : `cannot read (${err.message})`);
    });
    checkOnnxModel(bytes, file);
    if (sha256(bytes) !== g.sha256) throw new InputError(file, `sha256 differs from ${ONNX_MANIFEST} — the file was changed after export; export again`);
    graphs[k] = bytes;
  }
  return { manifest, graphs };
}
