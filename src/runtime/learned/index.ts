// src/runtime/learned: the learned tone models (TF.js, and the WebAssembly per-pixel kernels the
// ONNX Runtime engine shares). A door of its own: importing it loads TF.js (~0.5 s).
export { LearnedToneModel, areaResizePlanes, areaThumbnail, areaThumbnailPlanes, hdrPlanes, quantizeIncrements } from './learned-model.js';
