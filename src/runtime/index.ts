// src/runtime: tone models behind one interface. The folder's only door.
export * from './tone-model.js';
export * from './classical/index.js';
export { loadToneModel, toneModelIds, describeToneModels } from './models.js';
