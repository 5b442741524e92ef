// The engines and devices `duhdr bench model` offers, without loading ONNX Runtime or TF.js: the
// CLI lists them in --help.

export type OrtDevice = 'cpu' | 'cuda';
export const ORT_DEVICES: readonly OrtDevice[] = ['cpu', 'cuda'];

/**
 * 'ort': the network as the ORT engine runs it (the `-grid` graph in ORT, then the
 * full-resolution pass on WebAssembly SIMD); 'ort-js': the same with the JS full-resolution pass
 * (full-res.ts, float64, one pixel at a time); 'ort-graph': the whole network as one ORT graph;
 * 'tfjs': TF.js.
 */
export type BenchEngine = 'ort' | 'ort-js' | 'ort-graph' | 'tfjs';
export const BENCH_ENGINES: readonly BenchEngine[] = ['ort', 'ort-js', 'ort-graph', 'tfjs'];
