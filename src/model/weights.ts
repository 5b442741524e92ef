// The model files: model.json (format, config, parameter table, training facts) beside
// weights.bin (float32 little-endian, parameters in table order). Both are untrusted input when
// loaded: the JSON goes through a strict schema and every size is checked against the config.

import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { InputError, ModelMismatchError, commitTemp, discardTemp, tempPathFor } from '../io/index.js';
import { parameterShapes, type DualCameraConfig, type Params } from './dual-camera.js';

export const MODEL_FORMAT = 'duhdr-dual-camera';
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
const MAX_MODEL_JSON_BYTES = 1 << 20;
const MAX_WEIGHTS_BYTES = 64 << 20;

const configSchema = z.strictObject({
  knots: z.number().int().min(2).max(64),
  thumb: z.number().int().min(16).max(256).refine((v) => v % 8 === 0, 'must be a multiple of 8'),
  channels: z.tuple([z.number().int().min(1).max(256), z.number().int().min(1).max(256), z.number().int().min(1).max(256)]),
  hidden: z.number().int().min(1).max(1024),
  attention: z.number().int().min(1).max(256),
});

const modelJsonSchema = z.strictObject({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,63}$/),
  config: configSchema,
  parameters: z.array(z.strictObject({ name: z.string().max(128), shape: z.array(z.number().int().min(1)).max(4) })).max(256),
  /** Free-form facts about training (command, steps, seconds, validation); not used to run. */
  training: z.record(z.string(), z.unknown()).optional(),
});

async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await writeFile(temp, data);
    await commitTemp(temp, path);
  } catch (err) {
    await discardTemp(temp);
    throw err;
  }
}

export type ModelJson = z.infer<typeof modelJsonSchema>;

export type LoadedModel = { id: string; config: DualCameraConfig; params: Params; contentHash: string; json: ModelJson };

/** sha256 of what defines the output: the config and the weight bytes (not the training notes). */
export function modelContentHash(config: DualCameraConfig, weights: Uint8Array): string {
  return createHash('sha256').update(JSON.stringify(config)).update(weights).digest('hex');
}

/** The named parameters' values, one after another. */
function concatParams(shapes: [string, number[]][], params: Params): Float32Array {
  const parts: Float32Array[] = [];
  for (const [name] of shapes) {
    const v = params[name];
    if (!v) throw new Error(`packWeights: missing parameter ${name}`);
    parts.push(v.dataSync() as Float32Array);
  }
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Serialise parameters in table order. */
export function packWeights(config: DualCameraConfig, params: Params): Uint8Array {
  return new Uint8Array(concatParams(parameterShapes(config), params).buffer);
}

/** Write model.json + weights.bin into `dir` (each atomically); returns the content hash. */
export async function saveModel(dir: string, id: string, config: DualCameraConfig, params: Params, training?: Record<string, unknown>): Promise<string> {
  const weights = packWeights(config, params);
  const json: ModelJson = {
    format: MODEL_FORMAT,
    version: 1,
    id,
    config,
    parameters: parameterShapes(config).map(([name, shape]) => ({ name, shape })),
    ...(training ? { training } : {}),
  };
  await writeFileAtomic(join(dir, WEIGHTS_BIN), weights);
  await writeFileAtomic(join(dir, MODEL_JSON), `${JSON.stringify(json, null, 2)}\n`);
  return modelContentHash(config, weights);
}

/**
 * Load and validate a model directory. `expectHash`, when given, must equal the content hash
 * (a bundle's manifest names it). Parameters become tf.Variables (trainable for fine-tuning).
 */
export async function loadModel(dir: string, opts: { expectHash?: string; trainable?: boolean } = {}): Promise<LoadedModel> {
  const jsonPath = join(dir, MODEL_JSON);
  const binPath = join(dir, WEIGHTS_BIN);
  let raw: Buffer;
  let weights: Buffer;
  try {
    raw = await readFile(jsonPath);
    weights = await readFile(binPath);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new InputError(e.path ?? dir, e.code === 'ENOENT' ? 'no such model file' : `cannot read model: ${e.message}`);
  }
  if (raw.length > MAX_MODEL_JSON_BYTES) throw new InputError(jsonPath, `model description is ${raw.length} bytes (limit ${MAX_MODEL_JSON_BYTES})`);
  if (weights.length > MAX_WEIGHTS_BYTES) throw new InputError(binPath, `weights are ${weights.length} bytes (limit ${MAX_WEIGHTS_BYTES})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InputError(jsonPath, 'not valid JSON');
  }
  const res = modelJsonSchema.safeParse(parsed);
  if (!res.success) {
    const issue = res.error.issues[0];
    throw new InputError(jsonPath, `not a duhdr model: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`);
  }
  const json = res.data;
  const shapes = parameterShapes(json.config);
  const same =
    shapes.length === json.parameters.length &&
    shapes.every(([name, shape], i) => json.parameters[i]?.name === name && JSON.stringify(json.parameters[i]?.shape) === JSON.stringify(shape));
  if (!same) throw new InputError(jsonPath, 'parameter table does not match the architecture its config describes');
  const count = shapes.reduce((a, [, s]) => a + s.reduce((x, y) => x * y, 1), 0);
  if (weights.length !== count * 4) throw new InputError(binPath, `weights are ${weights.length} bytes; the config needs ${count * 4}`);
  const contentHash = modelContentHash(json.config, weights);
  if (opts.expectHash && opts.expectHash !== contentHash) {
    throw new ModelMismatchError(`model ${json.id} in ${dir} has content hash ${contentHash.slice(0, 12)}…, expected ${opts.expectHash.slice(0, 12)}…`);
  }
  const floats = new Float32Array(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length));
  if (!floats.every(Number.isFinite)) throw new InputError(binPath, 'weights contain NaN or infinity');
  const params: Params = {};
  let o = 0;
  for (const [name, shape] of shapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    params[name] = tf.variable(tf.tensor(floats.subarray(o, o + size), shape), opts.trainable ?? false);
    o += size;
  }
  return { id: json.id, config: json.config, params, contentHash, json };
}

/** The forward network's parameters in table order: what `encode --adapt` fine-tunes and ships. */
export function forwardParameterShapes(config: DualCameraConfig): [string, number[]][] {
  return parameterShapes(config).filter(([name]) => name.startsWith('forward/'));
}

/** F's weights as one float32 array, in table order. */
export function packForward(config: DualCameraConfig, params: Params): Float32Array {
  return concatParams(forwardParameterShapes(config), params);
}

/** Replace F's weights in `params` with `weights` (from packForward); throws when the size or a value is wrong. */
export function assignForward(config: DualCameraConfig, params: Params, weights: Float32Array): void {
  const shapes = forwardParameterShapes(config);
  const count = shapes.reduce((a, [, s]) => a + s.reduce((x, y) => x * y, 1), 0);
  if (weights.length !== count) throw new RangeError(`adapted forward weights hold ${weights.length} values; the model's forward network has ${count}`);
  if (!weights.every(Number.isFinite)) throw new RangeError('adapted forward weights contain NaN or infinity');
  let o = 0;
  for (const [name, shape] of shapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(weights.subarray(o, o + size), shape);
    params[name]!.assign(t);
    t.dispose();
    o += size;
  }
}
