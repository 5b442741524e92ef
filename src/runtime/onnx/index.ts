// src/runtime/onnx: the dual camera networks exported to ONNX and run by ONNX Runtime.
export { BASE_CELLS, GRAPH_KINDS, buildGraph, graphSignature, paramValuesOf, type GraphKind, type ParamValues } from './dual-camera-onnx.js';
export { checkOnnxModel } from './onnx-check.js';
export { ONNX_FORMAT, ONNX_MANIFEST, buildGraphs, exportOnnx, readOnnxModel, type OnnxManifest, type OnnxModelFiles } from './onnx-export.js';
export { GraphBuilder, OPSET, onnx } from './onnx-graph.js';
export { ORT_DEVICES, BENCH_ENGINES, type OrtDevice, type BenchEngine } from './choices.js';
export { createSession, hasDevice, resolveDevice, type SessionOptions } from './ort-session.js';
export { OrtToneModel, type OrtModelOptions } from './ort-model.js';
export { TFJS_MAX_PIXELS, benchModel, matmulPeak, type BenchOptions, type BenchRow } from './model-bench.js';
