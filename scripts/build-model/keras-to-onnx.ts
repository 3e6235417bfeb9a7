import type { BatchNormParams } from './conv-math.ts';
import { convKernelToOnnx, depthwiseKernelToOnnx, foldBatchNorm, tfConvWindow } from './conv-math.ts';
import type { KerasGraph, KerasLayer } from './keras-topology.ts';
import { layersUpTo } from './keras-topology.ts';
import type { ModelInfo, TensorSignature } from './onnx-graph.ts';
import { OnnxGraphBuilder } from './onnx-graph.ts';
import type { Weight } from './read-tfjs-model.ts';

/** What to convert and how to name the ONNX model's ends. */
export interface ConvertOptions {
  /** The Keras layer whose output is pooled into the embedding (e.g. `out_relu`). */
  readonly outputLayer: string;
  /** ONNX input name; the input is float32 NCHW `[batch, channels, height, width]` with a symbolic batch. */
  readonly inputName: string;
  /** ONNX output name; the output is float32 `[batch, channels of outputLayer]`, global-average-pooled. */
  readonly outputName: string;
  /**
   * A second output, unpooled: the float32 `[batch, channels, rows, cols]` map of a mid-level layer, computed by
   * the same inference (issue 7: the change engine's feature score per cell).
   */
  readonly featureMap?: { readonly layer: string; readonly name: string };
  readonly info: ModelInfo;
}

/** The serialised model and the facts about it the manifest needs. */
export interface ConvertedModel {
  readonly bytes: Uint8Array;
  /** Keras input `[height, width, channels]`. */
  readonly inputShape: readonly [number, number, number];
  readonly outputDims: number;
  /** `[channels, rows, cols]` of the feature-map output, when one was asked for. */
  readonly featureMapShape?: readonly [number, number, number];
  /** The Keras layers the ONNX graph computes, in order. */
  readonly layers: readonly KerasLayer[];
}

type ConvLayer = Extract<KerasLayer, { kind: 'Conv2D' | 'DepthwiseConv2D' }>;
type ZeroPaddingLayer = Extract<KerasLayer, { kind: 'ZeroPadding2D' }>;

/** A convolution ready to emit: ONNX-layout weight, explicit pads, and the tensor it reads. */
interface PendingConv {
  readonly layer: ConvLayer;
  readonly input: string;
  readonly weight: Float64Array;
  readonly weightDims: readonly [number, number, number, number];
  readonly bias: Float64Array | null;
  /** ONNX `pads`: `[top, left, bottom, right]`. */
  readonly pads: readonly [number, number, number, number];
  readonly group: number;
}

/**
 * Translates a Keras CNN (channels_last) up to `options.outputLayer`, plus global average pooling, into an ONNX
 * graph working in NCHW. Conv2D becomes Conv with `[out, in, kh, kw]` weights; DepthwiseConv2D a grouped Conv
 * (`group = in`); a ZeroPadding2D feeding one convolution, and `same` padding (TensorFlow's asymmetric rule, see
 * `tfConvWindow`), become the Conv's explicit `pads`; a BatchNormalization that is a convolution's only consumer
 * is folded into its weight and bias; ReLU becomes Relu, or Clip(0, max_value) for ReLU6; Add becomes Add/Sum.
 * Weights are written as float32 initialisers (folding is done in double precision).
 * @param weights dequantised Keras weights by `<layer>/<weight>` name.
 * @throws Error naming the layer for any layer class or configuration without a faithful translation,
 *   a missing weight, or a weight whose shape disagrees with the topology.
 */
export function kerasToOnnx(
  graph: KerasGraph,
  weights: ReadonlyMap<string, Weight>,
  options: ConvertOptions,
): ConvertedModel {
  const layers = layersUpTo(graph, options.outputLayer);
  const consumers = new Map<string, KerasLayer[]>();
  for (const layer of layers) {
    for (const input of layer.inputs) consumers.set(input, [...(consumers.get(input) ?? []), layer]);
  }
  const onlyConsumer = (name: string): KerasLayer | undefined => {
    const list = consumers.get(name) ?? [];
    return list.length === 1 && name !== options.outputLayer ? list[0] : undefined;
  };

  const builder = new OnnxGraphBuilder();
  const addFloat = (name: string, dims: readonly number[], values: ArrayLike<number>): string =>
    builder.addFloatInitializer(name, dims, values);
  const weight = (layer: string, key: string): Weight => {
    const w = weights.get(`${layer}/${key}`);
    if (w === undefined) throw new Error(`Layer ${layer}: weight ${layer}/${key} is missing`);
    return w;
  };

  /** NCHW shape without the batch dimension, of every tensor produced so far, by Keras layer name. */
  const shapes = new Map<string, readonly [number, number, number]>();
  /** ONNX tensor holding each Keras layer's output. */
  const tensors = new Map<string, string>();
  const pendingPads = new Map<string, ZeroPaddingLayer>();
  const pendingConvs = new Map<string, PendingConv>();
  const clipBounds = new Map<number, string>();
  let inputShape: readonly [number, number, number] | undefined;

  const shapeOf = (layer: KerasLayer, index = 0): readonly [number, number, number] => {
    const name = layer.inputs[index];
    const shape = name === undefined ? undefined : shapes.get(name);
    if (shape === undefined) throw new Error(`Layer ${layer.name}: input ${name} is not computed before it`);
    return shape;
  };
  const tensorOf = (name: string, reader: string): string => {
    const tensor = tensors.get(name);
    if (tensor === undefined) throw new Error(`Layer ${reader}: input ${name} is not computed before it`);
    return tensor;
  };
  const clipBound = (value: number): string => {
    const existing = clipBounds.get(value);
    if (existing !== undefined) return existing;
    const name = addFloat(`clip_bound_${value}`, [], [value]);
    clipBounds.set(value, name);
    return name;
  };
  const emitConv = (conv: PendingConv, output: string): void => {
    const [, , kh, kw] = conv.weightDims;
    const inputs = [conv.input, addFloat(`${conv.layer.name}.weight`, conv.weightDims, conv.weight)];
    if (conv.bias !== null) inputs.push(addFloat(`${conv.layer.name}.bias`, [conv.bias.length], conv.bias));
    builder.addNode('Conv', conv.layer.name, inputs, [output], {
      kernel_shape: [kh, kw],
      strides: conv.layer.strides,
      dilations: conv.layer.dilation,
      pads: conv.pads,
      group: conv.group,
    });
  };

  for (const layer of layers) {
    switch (layer.kind) {
      case 'InputLayer': {
        const [h, w, c] = layer.shape;
        inputShape = layer.shape;
        shapes.set(layer.name, [c, h, w]);
        tensors.set(layer.name, options.inputName);
        break;
      }
      case 'ZeroPadding2D': {
        const next = onlyConsumer(layer.name);
        if (next?.kind !== 'Conv2D' && next?.kind !== 'DepthwiseConv2D') {
          throw new Error(
            `Layer ${layer.name}: ZeroPadding2D is only supported right before one convolution`,
          );
        }
        const [c, h, w] = shapeOf(layer);
        const [[top, bottom], [left, right]] = layer.padding;
        shapes.set(layer.name, [c, h + top + bottom, w + left + right]);
        pendingPads.set(layer.name, layer);
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        if (layer.inputs.length !== 1) throw new Error(`Layer ${layer.name}: expected one input`);
        const [cin, h, w] = shapeOf(layer);
        const [kh, kw] = layer.kernelSize;
        const rows = tfConvWindow(h, kh, layer.strides[0], layer.dilation[0], layer.padding);
        const cols = tfConvWindow(w, kw, layer.strides[1], layer.dilation[1], layer.padding);
        const sourceName = layer.inputs[0] as string;
        const pad = pendingPads.get(sourceName);
        const [[padTop, padBottom], [padLeft, padRight]] = pad?.padding ?? [
          [0, 0],
          [0, 0],
        ];
        const input =
          pad === undefined ? tensorOf(sourceName, layer.name) : tensorOf(pad.inputs[0] ?? '', pad.name);

        const isDepthwise = layer.kind === 'DepthwiseConv2D';
        const kernel = weight(layer.name, isDepthwise ? 'depthwise_kernel' : 'kernel');
        const expected = [kh, kw, cin, layer.filters];
        if (kernel.shape.join() !== expected.join()) {
          throw new Error(
            `Layer ${layer.name}: kernel shape [${kernel.shape}] but topology implies [${expected}]`,
          );
        }
        const cout = isDepthwise ? cin * layer.filters : layer.filters;
        const conv: PendingConv = {
          layer,
          input,
          weight: isDepthwise
            ? depthwiseKernelToOnnx(kernel.values, kernel.shape)
            : convKernelToOnnx(kernel.values, kernel.shape),
          weightDims: [cout, isDepthwise ? 1 : cin, kh, kw],
          bias: layer.useBias ? Float64Array.from(weight(layer.name, 'bias').values) : null,
          pads: [padTop + rows.before, padLeft + cols.before, padBottom + rows.after, padRight + cols.after],
          group: isDepthwise ? cin : 1,
        };
        shapes.set(layer.name, [cout, rows.output, cols.output]);
        const next = onlyConsumer(layer.name);
        if (next?.kind === 'BatchNormalization') pendingConvs.set(layer.name, conv);
        else {
          emitConv(conv, layer.name);
          tensors.set(layer.name, layer.name);
        }
        break;
      }
      case 'BatchNormalization': {
        const conv = pendingConvs.get(layer.inputs[0] ?? '');
        if (conv === undefined) {
          throw new Error(
            `Layer ${layer.name}: BatchNormalization is only supported right after a convolution`,
          );
        }
        const channels = shapeOf(layer)[0];
        const bn: BatchNormParams = {
          gamma: layer.scale ? weight(layer.name, 'gamma').values : new Float64Array(channels).fill(1),
          beta: layer.center ? weight(layer.name, 'beta').values : new Float64Array(channels),
          mean: weight(layer.name, 'moving_mean').values,
          variance: weight(layer.name, 'moving_variance').values,
          epsilon: layer.epsilon,
        };
        const folded = foldBatchNorm(conv.weight, conv.bias, bn);
        emitConv({ ...conv, weight: folded.weight, bias: folded.bias }, layer.name);
        shapes.set(layer.name, shapeOf(layer));
        tensors.set(layer.name, layer.name);
        break;
      }
      case 'ReLU': {
        const input = tensorOf(layer.inputs[0] ?? '', layer.name);
        if (layer.maxValue === null) builder.addNode('Relu', layer.name, [input], [layer.name]);
        else
          builder.addNode('Clip', layer.name, [input, clipBound(0), clipBound(layer.maxValue)], [layer.name]);
        shapes.set(layer.name, shapeOf(layer));
        tensors.set(layer.name, layer.name);
        break;
      }
      case 'Add': {
        const shape = shapeOf(layer);
        layer.inputs.forEach((_, i) => {
          if (shapeOf(layer, i).join() !== shape.join())
            throw new Error(`Layer ${layer.name}: inputs differ in shape`);
        });
        const inputs = layer.inputs.map((name) => tensorOf(name, layer.name));
        builder.addNode(inputs.length === 2 ? 'Add' : 'Sum', layer.name, inputs, [layer.name]);
        shapes.set(layer.name, shape);
        tensors.set(layer.name, layer.name);
        break;
      }
      case 'Unsupported':
        throw new Error(`Layer ${layer.name} (${layer.className}) cannot be converted: ${layer.reason}`);
    }
  }

  if (inputShape === undefined) throw new Error(`${options.outputLayer} does not depend on an InputLayer`);
  const outputShape = shapes.get(options.outputLayer);
  const outputTensor = tensors.get(options.outputLayer);
  if (outputShape === undefined || outputTensor === undefined) {
    throw new Error(`${options.outputLayer} is folded into another layer and cannot be the output`);
  }
  const [pooled] = builder.addNode('GlobalAveragePool', 'global_average_pool', [outputTensor], ['pooled']);
  builder.addNode('Flatten', 'flatten', [pooled as string], [options.outputName], { axis: 1 });

  const outputs: TensorSignature[] = [{ name: options.outputName, dims: ['batch', outputShape[0]] }];
  let featureMapShape: [number, number, number] | undefined;
  if (options.featureMap) {
    const { layer, name } = options.featureMap;
    const shape = shapes.get(layer);
    const tensor = tensors.get(layer);
    if (shape === undefined || tensor === undefined) {
      throw new Error(`${layer} is not computed on the way to ${options.outputLayer}, or is folded`);
    }
    builder.addNode('Identity', 'feature_map', [tensor], [name]);
    featureMapShape = [shape[0], shape[1], shape[2]];
    outputs.push({ name, dims: ['batch', ...featureMapShape] });
  }
  const [h, w, c] = inputShape;
  const bytes = builder.serialize(
    { name: options.inputName, dims: ['batch', c, h, w] },
    outputs,
    options.info,
  );
  return {
    bytes,
    inputShape,
    outputDims: outputShape[0],
    ...(featureMapShape ? { featureMapShape } : {}),
    layers,
  };
}
