import { OptionError } from '../io/index.js';
import { MODEL_TABLE, createModel } from './model-factory.js';
import { OffThreadToneModel } from './off-thread-model.js';
import type { ToneModel } from './tone-model.js';

/** Ids of the models this build has. */
export function toneModelIds(): string[] {
  return Object.keys(MODEL_TABLE);
}

/** A one-line description of each model, for --help. */
export function describeToneModels(): string[] {
  return Object.entries(MODEL_TABLE).map(([id, m]) => `${id}: ${m.describe}`);
}

/**
 * Load a tone model by id. CPU-bound models run on a worker thread unless `thread: 'main'`.
 * @example const model = await loadToneModel('classical-bt2390')
 */
export async function loadToneModel(id: string, options: { thread?: 'worker' | 'main' } = {}): Promise<ToneModel> {
  const entry = MODEL_TABLE[id];
  if (!entry) throw new OptionError(`unknown model "${id}"; available: ${toneModelIds().join(', ')}`);
  const local = await createModel(id);
  return entry.cpuBound && options.thread !== 'main' ? new OffThreadToneModel(local) : local;
}
