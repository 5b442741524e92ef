// src/runtime: tone models behind one interface. The folder's only door.
export * from './tone-model.js';
export * from './classical/index.js';
export { ENGINES, loadToneModel, modelKey, toneModelIds, describeToneModels, type Engine } from './models.js';
export { createModel, MODEL_TABLE } from './model-factory.js';
export { OffThreadToneModel, defaultModelWorkers } from './off-thread-model.js';
export { LearnedToneModel, MODELS_DIR, areaThumbnail, areaThumbnailPlanes, quantizeIncrements } from './learned/learned-model.js';
