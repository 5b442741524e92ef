// What duhdr accepts as an ONNX model: one self-contained file of standard ops. External data
// would make the model read other files at load time, and custom domains need native code we
// did not ship; both are refused before ONNX Runtime sees the bytes.

import { InputError } from '../../io/index.js';
import { onnx } from './onnx-graph.js';
import type onnxProto from 'onnx-proto';

type Graph = onnxProto.onnx.IGraphProto;
type Tensor = onnxProto.onnx.ITensorProto;

const STANDARD_DOMAINS = new Set(['', 'ai.onnx']);

function externalTensor(t: Tensor | null | undefined): boolean {
  return !!t && (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData?.length ?? 0) > 0);
}

/** The first reason `graph` (and its subgraphs) is refused, or null. */
function graphProblem(graph: Graph): string | null {
  for (const t of graph.initializer ?? []) if (externalTensor(t)) return `initializer "${t.name}" keeps its data in an external file`;
  for (const s of graph.sparseInitializer ?? []) {
    if (externalTensor(s.values) || externalTensor(s.indices)) return 'a sparse initializer keeps its data in an external file';
  }
  for (const node of graph.node ?? []) {
    if (!STANDARD_DOMAINS.has(node.domain ?? '')) return `node "${node.name ?? node.opType}" uses custom op domain "${node.domain}" (${node.opType})`;
    for (const a of node.attribute ?? []) {
      if (externalTensor(a.t) || (a.tensors ?? []).some(externalTensor)) return `attribute "${a.name}" of node "${node.name}" keeps its data in an external file`;
      for (const sub of [a.g, ...(a.graphs ?? [])]) {
        const p = sub ? graphProblem(sub) : null;
        if (p) return p;
      }
    }
  }
  return null;
}

/**
 * Decode and vet ONNX bytes read from `file`: refuses external data and custom op domains with
 * a one-line InputError naming the file. @example checkOnnxModel(await readFile(f), f)
 */
export function checkOnnxModel(bytes: Uint8Array, file: string): void {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new InputError(file, `not an ONNX model (${(err as Error).message})`);
  }
  if (!model.graph) throw new InputError(file, 'not an ONNX model (no graph)');
  for (const o of model.opsetImport ?? []) {
    if (!STANDARD_DOMAINS.has(o.domain ?? '')) throw new InputError(file, `imports custom op domain "${o.domain}"; duhdr runs only standard ONNX ops`);
  }
  for (const fn of model.functions ?? []) {
    if (!STANDARD_DOMAINS.has(fn.domain ?? '')) throw new InputError(file, `defines custom op domain "${fn.domain}"; duhdr runs only standard ONNX ops`);
  }
  const problem = graphProblem(model.graph);
  if (problem) throw new InputError(file, `${problem}; duhdr loads only self-contained models of standard ops`);
}
