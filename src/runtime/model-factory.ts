import { OptionError } from '../io/index.js';
import { ClassicalToneModel, type ClassicalToneModelOptions } from './classical/classical-model.js';
import type { ToneModel } from './tone-model.js';

/** What a model is built with beyond its id: a clip's adapted forward weights (`encode --adapt`). */
export type ModelCreateOptions = { forwardWeights?: Float32Array };

type ModelEntry = { describe: string; cpuBound: boolean; create: (o: ModelCreateOptions) => ToneModel | Promise<ToneModel> };

/** A classical model's table entry: analytic, nothing to adapt. */
function classical(id: string, describe: string, options: ClassicalToneModelOptions): ModelEntry {
  return {
    describe,
    cpuBound: true,
    create: (o) => {
      // A RangeError, as from a size mismatch: restore reports both as weights that do not fit the model.
      if (o.forwardWeights) throw new RangeError(`${id} has no forward network to adapt`);
      return new ClassicalToneModel(options, id);
    },
  };
}

/**
 * Every model duhdr can run, by id, built in the calling thread. Learned models join this table
 * when they land. `cpuBound` models are run on a worker thread by default (see models.ts).
 */
export const MODEL_TABLE: Record<string, ModelEntry> = {
  'classical-bt2390': classical('classical-bt2390', 'analytic pair: BT.2390 EETF on maxRGB with its exact inverse, per-frame peak as side info', {}),
  'classical-soft': classical(
    'classical-soft',
    'the default: classical-bt2390 with the EETF ending at slope 0.1 instead of flat, so restore expands the SDR\'s top codes 10x less (closer round trip, smaller and faster HDR encodes)',
    { topSlope: 0.1 },
  ),
  'dual-v1': {
    describe: 'learned dual camera networks (models/dual-v1): 16-knot curve per frame as side info, attention for local contrast and saturation (this entry is the TF.js engine; dual-v1-ort the ONNX Runtime one)',
    cpuBound: true,
    // Imported when first built: a worker running the classical model never loads TF.js or ORT.
    create: async (o) => (await import('./learned/learned-model.js')).LearnedToneModel.load('dual-v1', undefined, o),
  },
  'dual-v1-ort': {
    describe: 'dual-v1 run by ONNX Runtime (CPU): low-resolution branches in ORT, batched, the per-pixel rest on WebAssembly SIMD; side info identical to dual-v1',
    // The full-resolution pass and the Y'CbCr conversions take tens of ms a 1080p frame: worker
    // threads keep them off the thread that moves frames through ffmpeg's pipes.
    cpuBound: true,
    create: async (o) => (await import('./onnx/ort-model.js')).OrtToneModel.load('dual-v1', o),
  },
};

/** Build a model in this thread. @example const m = await createModel('classical-bt2390') */
export async function createModel(id: string, options: ModelCreateOptions = {}): Promise<ToneModel> {
  const entry = MODEL_TABLE[id];
  if (!entry) throw new OptionError(`unknown model "${id}"; available: ${Object.keys(MODEL_TABLE).join(', ')}`);
  return entry.create(options);
}
