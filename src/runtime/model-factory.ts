import { OptionError } from '../io/index.js';
import { ClassicalToneModel } from './classical/classical-model.js';
import type { ToneModel } from './tone-model.js';

/**
 * Every model duhdr can run, by id, built in the calling thread. Learned models join this table
 * when they land. `cpuBound` models are run on a worker thread by default (see models.ts).
 */
export const MODEL_TABLE: Record<string, { describe: string; cpuBound: boolean; create: () => ToneModel }> = {
  'classical-bt2390': {
    describe: 'analytic pair: BT.2390 EETF on maxRGB with its exact inverse, per-frame peak as side info',
    cpuBound: true,
    create: () => new ClassicalToneModel(),
  },
};

/** Build a model in this thread. @example const m = createModel('classical-bt2390') */
export function createModel(id: string): ToneModel {
  const entry = MODEL_TABLE[id];
  if (!entry) throw new OptionError(`unknown model "${id}"; available: ${Object.keys(MODEL_TABLE).join(', ')}`);
  return entry.create();
}
