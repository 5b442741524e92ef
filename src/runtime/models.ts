import { OptionError } from '../io/index.js';
import { ClassicalToneModel } from './classical/classical-model.js';
import type { ToneModel } from './tone-model.js';

/** Every model duhdr can run, by id. Learned models join this table when they land. */
const MODELS: Record<string, { describe: string; load: () => Promise<ToneModel> }> = {
  'classical-bt2390': {
    describe: 'analytic pair: BT.2390 EETF on maxRGB with its exact inverse, per-frame peak as side info',
    load: async () => new ClassicalToneModel(),
  },
};

/** Ids of the models this build has. */
export function toneModelIds(): string[] {
  return Object.keys(MODELS);
}

/** A one-line description of each model, for --help. */
export function describeToneModels(): string[] {
  return Object.entries(MODELS).map(([id, m]) => `${id}: ${m.describe}`);
}

/**
 * Load a tone model by id. @example const model = await loadToneModel('classical-bt2390')
 */
export async function loadToneModel(id: string): Promise<ToneModel> {
  const entry = MODELS[id];
  if (!entry) throw new OptionError(`unknown model "${id}"; available: ${toneModelIds().join(', ')}`);
  return entry.load();
}
