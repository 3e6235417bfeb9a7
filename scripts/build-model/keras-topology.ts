/** `[top, bottom]` and `[left, right]` zero rows/columns, Keras ZeroPadding2D order. */
export type Padding2D = readonly [readonly [number, number], readonly [number, number]];

interface LayerBase {
  readonly name: string;
  /** Names of the layers whose outputs feed this one, in order. */
  readonly inputs: readonly string[];
  /** Keras `trainable` flag; `false` marks weights frozen while the model was fine-tuned. */
  readonly trainable: boolean;
}

/** The Keras layers this converter translates; anything else becomes `Unsupported` and fails if it is reached. */
export type KerasLayer =
  | (LayerBase & { readonly kind: 'InputLayer'; readonly shape: readonly [number, number, number] })
  | (LayerBase & { readonly kind: 'ZeroPadding2D'; readonly padding: Padding2D })
  | (LayerBase & {
      readonly kind: 'Conv2D' | 'DepthwiseConv2D';
      readonly kernelSize: readonly [number, number];
      readonly strides: readonly [number, number];
      readonly dilation: readonly [number, number];
      readonly padding: 'same' | 'valid';
      readonly useBias: boolean;
      /** Output channels for Conv2D; the depth multiplier for DepthwiseConv2D. */
      readonly filters: number;
    })
  | (LayerBase & {
      readonly kind: 'BatchNormalization';
      readonly epsilon: number;
      readonly center: boolean;
      readonly scale: boolean;
    })
  | (LayerBase & { readonly kind: 'ReLU'; readonly maxValue: number | null })
  | (LayerBase & { readonly kind: 'Add' })
  | (LayerBase & { readonly kind: 'Unsupported'; readonly className: string; readonly reason: string });

/** A Keras functional model, layers in topological order (as Keras saves them). */
export interface KerasGraph {
  readonly kerasVersion: string;
  readonly layers: readonly KerasLayer[];
  readonly byName: ReadonlyMap<string, KerasLayer>;
}

interface RawLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: unknown;
}

function pair(value: unknown, what: string): [number, number] {
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    return [value[0] as number, value[1] as number];
  }
  throw new Error(`${what}: expected two numbers, got ${JSON.stringify(value)}`);
}

/** Keras 2 saves inbound nodes as `[[[layerName, nodeIndex, tensorIndex, kwargs], …]]`, one list per call. */
function inboundNames(raw: RawLayer): string[] {
  const nodes = raw.inbound_nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) return [];
  if (nodes.length > 1)
    throw new Error(`Layer ${raw.name} is called ${nodes.length} times (shared layers unsupported)`);
  const node: unknown = nodes[0];
  if (!Array.isArray(node)) throw new Error(`Layer ${raw.name}: unreadable inbound_nodes`);
  return node.map((entry: unknown) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || entry[1] !== 0 || entry[2] !== 0) {
      throw new Error(`Layer ${raw.name}: unsupported inbound node ${JSON.stringify(entry)}`);
    }
    return entry[0];
  });
}

function parseLayer(raw: RawLayer): KerasLayer {
  const c = raw.config;
  const base: LayerBase = { name: raw.name, inputs: inboundNames(raw), trainable: c.trainable !== false };
  const unsupported = (reason: string): KerasLayer => ({
    ...base,
    kind: 'Unsupported',
    className: raw.class_name,
    reason,
  });
  if (c.data_format !== undefined && c.data_format !== 'channels_last') {
    return unsupported(`data_format ${String(c.data_format)}`);
  }
  switch (raw.class_name) {
    case 'InputLayer': {
      const shape = c.batch_input_shape;
      if (
        !Array.isArray(shape) ||
        shape.length !== 4 ||
        !shape.slice(1).every((d) => typeof d === 'number')
      ) {
        return unsupported(`batch_input_shape ${JSON.stringify(shape)} is not [batch, h, w, c]`);
      }
      return { ...base, kind: 'InputLayer', shape: [shape[1], shape[2], shape[3]] };
    }
    case 'ZeroPadding2D': {
      const p = c.padding;
      if (!Array.isArray(p) || p.length !== 2) return unsupported(`padding ${JSON.stringify(p)}`);
      return {
        ...base,
        kind: 'ZeroPadding2D',
        padding: [pair(p[0], `${raw.name}.padding`), pair(p[1], `${raw.name}.padding`)],
      };
    }
    case 'Conv2D':
    case 'DepthwiseConv2D': {
      if (c.activation !== 'linear') return unsupported(`activation ${String(c.activation)}`);
      if (c.padding !== 'same' && c.padding !== 'valid') return unsupported(`padding ${String(c.padding)}`);
      const filters = raw.class_name === 'Conv2D' ? c.filters : c.depth_multiplier;
      if (typeof filters !== 'number') return unsupported('missing filters / depth_multiplier');
      return {
        ...base,
        kind: raw.class_name,
        kernelSize: pair(c.kernel_size, `${raw.name}.kernel_size`),
        strides: pair(c.strides, `${raw.name}.strides`),
        dilation: pair(c.dilation_rate ?? [1, 1], `${raw.name}.dilation_rate`),
        padding: c.padding,
        useBias: c.use_bias === true,
        filters,
      };
    }
    case 'BatchNormalization': {
      if (c.axis !== -1 && c.axis !== 3) return unsupported(`axis ${String(c.axis)}`);
      if (typeof c.epsilon !== 'number') return unsupported('missing epsilon');
      return {
        ...base,
        kind: 'BatchNormalization',
        epsilon: c.epsilon,
        center: c.center !== false,
        scale: c.scale !== false,
      };
    }
    case 'ReLU': {
      if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) {
        return unsupported('negative_slope / threshold other than 0');
      }
      const maxValue = c.max_value ?? null;
      if (maxValue !== null && typeof maxValue !== 'number') return unsupported('max_value');
      return { ...base, kind: 'ReLU', maxValue };
    }
    case 'Add':
      return { ...base, kind: 'Add' };
    default:
      return unsupported('no translation for this layer class');
  }
}

/**
 * Parses the `modelTopology` of a tfjs layers model (Keras 2 `model.json`: `model_config.config.layers`) into
 * typed layers. Layers this converter cannot translate are kept as `Unsupported`, so a model whose head has
 * Dense/Dropout layers still parses and only the layers actually converted must be supported.
 * @throws Error when the topology is not a single-input functional Keras model.
 */
export function parseKerasTopology(modelTopology: unknown): KerasGraph {
  const topo = modelTopology as {
    keras_version?: unknown;
    model_config?: { class_name?: unknown; config?: { layers?: unknown } };
  };
  const layersRaw = topo.model_config?.config?.layers;
  if (!Array.isArray(layersRaw)) throw new Error('modelTopology has no model_config.config.layers');
  const layers = (layersRaw as RawLayer[]).map(parseLayer);
  const byName = new Map(layers.map((l) => [l.name, l]));
  for (const layer of layers) {
    for (const input of layer.inputs) {
      if (!byName.has(input)) throw new Error(`Layer ${layer.name} reads unknown layer ${input}`);
    }
  }
  return { kerasVersion: String(topo.keras_version ?? 'unknown'), layers, byName };
}

/**
 * The layers needed to compute `output`, in topological order (the order Keras saved them).
 * @throws Error when `output` does not exist.
 */
export function layersUpTo(graph: KerasGraph, output: string): KerasLayer[] {
  if (!graph.byName.has(output)) throw new Error(`No layer named ${output}`);
  const needed = new Set<string>();
  const stack = [output];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (needed.has(name)) continue;
    needed.add(name);
    stack.push(...(graph.byName.get(name)?.inputs ?? []));
  }
  return graph.layers.filter((l) => needed.has(l.name));
}
