// src/runtime: tone models behind one interface. The folder's door; the learned models (TF.js)
// have one of their own, ./learned/index.ts, so that what runs the classical model never loads TF.js
// (model-factory imports them when one is first built).
export * from './tone-model.js';
export * from './classical/index.js';
export { ENGINES, MODELS_DIR, loadToneModel, modelKey, toneModelIds, describeToneModels, type Engine } from './models.js';
export { createModel, MODEL_TABLE } from './model-factory.js';
export { OffThreadToneModel, defaultModelWorkers } from './off-thread-model.js';
