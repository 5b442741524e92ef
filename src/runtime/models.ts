import { fileURLToPath } from 'node:url';
import { OptionError } from '../io/index.js';
import { MODEL_TABLE, createModel, type ModelCreateOptions } from './model-factory.js';
import { OffThreadToneModel } from './off-thread-model.js';
import type { ToneModel } from './tone-model.js';

/** Where the learned models' files live (models/ID/model.json, weights, ONNX graphs). */
export const MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

/** Engines a learned model can run on: ONNX Runtime (the default) or TF.js (the reference). */
export type Engine = 'ort' | 'tfjs';
export const ENGINES: readonly Engine[] = ['ort', 'tfjs'];

/** The engine asked for: an explicit choice, else $DUHDR_ENGINE, else ONNX Runtime. */
function engineOf(engine: Engine | undefined): Engine {
  const e = engine ?? process.env['DUHDR_ENGINE'] ?? 'ort';
  if (e !== 'ort' && e !== 'tfjs') throw new OptionError(`engine "${e}" (from $DUHDR_ENGINE) is not one of ${ENGINES.join(', ')}`);
  return e;
}

/**
 * The MODEL_TABLE entry that runs model `id` on `engine`: a learned model's ONNX Runtime build
 * is the entry `<id>-ort`; models without one (classical) run as they are on any engine. The
 * model's id, hash and side info are the same on both engines, so files restore on either.
 */
export function modelKey(id: string, engine?: Engine): string {
  return engineOf(engine) === 'ort' && MODEL_TABLE[`${id}-ort`] ? `${id}-ort` : id;
}

/** Ids of the models this build has (engine builds such as `dual-v1-ort` are not models of their own). */
export function toneModelIds(): string[] {
  return Object.keys(MODEL_TABLE).filter((k) => !k.endsWith('-ort'));
}

/** A one-line description of each model, for --help. */
export function describeToneModels(): string[] {
  return toneModelIds().map((id) => `${id}: ${MODEL_TABLE[id]!.describe}`);
}

/**
 * Load a tone model by id on an engine (default ONNX Runtime; `tfjs` or $DUHDR_ENGINE=tfjs for
 * the reference). CPU-bound models run on a worker thread unless `thread: 'main'`.
 * `forwardWeights` replaces the forward network's weights (a clip's adapted F, from its manifest).
 * @example const model = await loadToneModel('dual-v1')
 */
export async function loadToneModel(
  id: string,
  options: { thread?: 'worker' | 'main'; engine?: Engine } & ModelCreateOptions = {},
): Promise<ToneModel> {
  if (!MODEL_TABLE[id] || id.endsWith('-ort')) throw new OptionError(`unknown model "${id}"; available: ${toneModelIds().join(', ')}`);
  const key = modelKey(id, options.engine);
  const entry = MODEL_TABLE[key]!;
  const create: ModelCreateOptions = options.forwardWeights ? { forwardWeights: options.forwardWeights } : {};
  const local = await createModel(key, create);
  return entry.cpuBound && options.thread !== 'main' ? new OffThreadToneModel(local, key, create) : local;
}
