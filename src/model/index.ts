/** src/model: the dual camera networks in TF.js, their FLOP count and their files. */
export {
  DEFAULT_CONFIG, forward, initParams, parameterShapes, reverse, reverseCurve, thumbnail,
  type Direction, type DualCameraConfig, type Params,
} from './dual-camera.js';
export { MIN_INCREMENT, applyCurve, applyCurveScalar, incrementsFromLogits, invertCurve } from './curves.js';
export { BT709_LUMA, PQ_CONSTANTS, TO_2020, TO_709, applyMatrix, gammaDecode, gammaEncode, luminance709, pqEotf, pqOetf } from './color-ops.js';
export { activeBackend, initBackend, type BackendChoice, type BackendName } from './backend.js';
export { conv2dFilterGradIm2col, registerWasmGradients } from './wasm-gradients.js';
export {
  MODEL_FORMAT, MODEL_JSON, WEIGHTS_BIN, assignForward, forwardParameterShapes, loadModel, modelContentHash, packForward, packWeights, saveModel,
  type LoadedModel, type ModelJson,
} from './weights.js';
export { countFlops, kernelFlops, networkFlops, type KernelCount } from './flops.js';
