// A small ONNX graph builder over onnx-proto: named values, initializers, nodes, and the model
// bytes. Only what the exporter needs; every op is a standard ai.onnx op (opset 17).

import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
export const OPSET = 17;
/** IR version 8 is the one that goes with opset 17. */
const IR_VERSION = 8;

export type Attr = number | number[] | string | { f: number };
/** A dimension: a fixed size or a symbolic name (dynamic). */
export type Dim = number | string;

function attribute(name: string, v: Attr): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  return { name, type: T.FLOAT, f: v.f };
}

function valueInfo(name: string, dims: Dim[], elemType: number): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

export class GraphBuilder {
  readonly #nodes: onnxProto.onnx.INodeProto[] = [];
  readonly #inits: onnxProto.onnx.ITensorProto[] = [];
  readonly #inputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly #outputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly #scalars = new Map<number, string>();
  #n = 0;

  #fresh(hint: string): string {
    return `${hint}_${this.#n++}`;
  }

  input(name: string, dims: Dim[]): string {
    this.#inputs.push(valueInfo(name, dims, onnx.TensorProto.DataType.FLOAT));
    return name;
  }

  /** Marks `value` as graph output `name` (through an Identity so names stay ours). */
  output(value: string, name: string, dims: Dim[]): void {
    this.#nodes.push({ opType: 'Identity', input: [value], output: [name], name: `out_${name}` });
    this.#outputs.push(valueInfo(name, dims, onnx.TensorProto.DataType.FLOAT));
  }

  /** A float32 initializer. */
  constant(values: ArrayLike<number>, dims: number[], hint = 'c'): string {
    const name = this.#fresh(hint);
    const data = Float32Array.from(values);
    this.#inits.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  /** An int64 initializer (shapes, axes). */
  ints(values: number[], hint = 'i'): string {
    const name = this.#fresh(hint);
    const data = BigInt64Array.from(values.map(BigInt));
    this.#inits.push({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  /** A float32 scalar (rank 0), shared between uses. */
  scalar(v: number): string {
    let name = this.#scalars.get(v);
    if (!name) {
      name = this.#fresh('s');
      this.#inits.push({ name, dims: [], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(Float32Array.of(v).buffer) });
      this.#scalars.set(v, name);
    }
    return name;
  }

  op(type: string, inputs: string[], attrs: Record<string, Attr> = {}): string {
    return this.opN(type, inputs, 1, attrs)[0]!;
  }

  opN(type: string, inputs: string[], outputs: number, attrs: Record<string, Attr> = {}): string[] {
    const out = Array.from({ length: outputs }, () => this.#fresh(type.toLowerCase()));
    this.#nodes.push({
      opType: type, input: inputs, output: out, name: this.#fresh(`n_${type}`),
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** Serialise as a ModelProto. */
  encode(graphName: string, docString: string): Uint8Array {
    const model: onnxProto.onnx.IModelProto = {
      irVersion: IR_VERSION,
      producerName: 'duhdr',
      opsetImport: [{ domain: '', version: OPSET }],
      docString,
      graph: { name: graphName, node: this.#nodes, initializer: this.#inits, input: this.#inputs, output: this.#outputs },
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }
}
