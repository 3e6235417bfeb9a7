import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';

// onnx-proto is CommonJS with one `module.exports = { onnx }`; Node's ESM loader only exposes it as the default.
const { onnx } = onnxProto;

/** An attribute value: an int, a float, or a list of ints. */
export type AttributeValue = number | readonly number[] | { readonly float: number };

/** A float32 graph input or output; a string dimension is symbolic (e.g. `'batch'`). */
export interface TensorSignature {
  readonly name: string;
  readonly dims: readonly (number | string)[];
}

/** Model-level fields of the serialised ModelProto. */
export interface ModelInfo {
  readonly graphName: string;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString: string;
  /** ONNX default-domain opset. */
  readonly opset: number;
  /** ModelProto.ir_version (7 = ONNX 1.8). */
  readonly irVersion: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Collects ONNX nodes and float32/int64 initialisers in the order they are added and serialises them as one
 * ModelProto with onnx-proto. Node names are unique and outputs must not be produced twice.
 */
export class OnnxGraphBuilder {
  private readonly nodes: Onnx.INodeProto[] = [];
  private readonly initializers: Onnx.ITensorProto[] = [];
  private readonly names = new Set<string>();

  /**
   * Adds a float32 constant. Stored little-endian in `raw_data`, as the ONNX spec requires.
   * @throws Error when the name is taken or `values.length` is not the product of `dims`.
   */
  addFloatInitializer(name: string, dims: readonly number[], values: ArrayLike<number>): string {
    this.claim(name);
    expectCount(name, dims, values.length);
    const raw = new Uint8Array(values.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: raw,
    });
    return name;
  }

  /**
   * Adds one node. Attribute values: a number is an INT, `{ float }` a FLOAT, an array INTS.
   * @returns the node's outputs, for chaining.
   * @throws Error when a node name or an output name is already used.
   */
  addNode(
    opType: string,
    name: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
  ): readonly string[] {
    this.claim(`node:${name}`);
    for (const output of outputs) this.claim(output);
    const attribute = Object.entries(attributes).map(([attrName, value]): Onnx.IAttributeProto => {
      const AttributeType = onnx.AttributeProto.AttributeType;
      if (typeof value === 'number') return { name: attrName, type: AttributeType.INT, i: value };
      if ('float' in value) return { name: attrName, type: AttributeType.FLOAT, f: value.float };
      return { name: attrName, type: AttributeType.INTS, ints: [...value] };
    });
    this.nodes.push({ opType, name, input: [...inputs], output: [...outputs], attribute });
    return outputs;
  }

  /**
   * Serialises the graph as a ModelProto with one float32 input and one or more float32 outputs.
   * @returns the protobuf bytes of the `.onnx` file.
   */
  serialize(input: TensorSignature, outputs: readonly TensorSignature[], info: ModelInfo): Uint8Array {
    const model: Onnx.IModelProto = {
      irVersion: info.irVersion,
      opsetImport: [{ domain: '', version: info.opset }],
      producerName: info.producerName,
      producerVersion: info.producerVersion,
      docString: info.docString,
      metadataProps: Object.entries(info.metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: info.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: [valueInfo(input)],
        output: outputs.map(valueInfo),
      },
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`ONNX graph: ${name} is defined twice`);
    this.names.add(name);
  }
}

function expectCount(name: string, dims: readonly number[], count: number): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== count)
    throw new Error(`Initialiser ${name}: dims [${dims.join(', ')}] but ${count} values`);
}

function valueInfo(signature: TensorSignature): Onnx.IValueInfoProto {
  return {
    name: signature.name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: {
          dim: signature.dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
        },
      },
    },
  };
}
