import { readFile } from 'node:fs/promises';
import vm from 'node:vm';

/** One entry of a TensorFlow.js `weightsManifest[].weights` list. */
export interface TfjsWeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: { readonly dtype: string; readonly min?: number; readonly scale?: number };
}

/** A float32 weight tensor in its Keras layout (row-major over `shape`). */
export interface Weight {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** What a TensorFlow.js layers model is made of, as read from its files. */
export interface TfjsLayersModel {
  /** The Keras `model.json` topology (`keras_version`, `model_config`, …), untyped: see keras-topology.ts. */
  readonly modelTopology: unknown;
  /** Weight specs in the order their bytes are packed in the shard(s). */
  readonly weightSpecs: readonly TfjsWeightSpec[];
  /** The concatenated shard bytes, still quantised. */
  readonly weightData: Uint8Array;
  /** Dequantised weights by name (`<layer>/<weight>`, e.g. `Conv1/kernel`). */
  readonly weights: ReadonlyMap<string, Weight>;
}

/**
 * Evaluates a browserify/UMD bundle (such as nsfwjs's `model.min.js`) in an empty V8 context and returns a JSON
 * copy of what it assigns to `module.exports`. The bundles are data wrapped in a module loader; evaluating them, rather than
 * parsing their object literals by hand, reads them exactly as nsfwjs does.
 * @throws Error when the file exports nothing.
 */
export async function loadBundleExport(file: string): Promise<unknown> {
  const source = await readFile(file, 'utf8');
  const module: { exports: unknown } = { exports: {} };
  vm.runInNewContext(source, { module, exports: module.exports }, { filename: file });
  if (module.exports === undefined || module.exports === null) {
    throw new Error(`${file} does not export anything`);
  }
  // Objects made in another context fail `instanceof` checks (tfjs-layers relies on them); the bundles hold
  // plain JSON data, so a JSON round trip rebuilds them in this realm.
  return JSON.parse(JSON.stringify(module.exports)) as unknown;
}

/**
 * Dequantises one weight the way tfjs-core's `io.decodeWeights` does: each stored uint8/uint16 `q` becomes
 * `q * scale + min`, computed in double precision and then rounded to float32 on assignment.
 * @param bytes exactly the weight's stored bytes (`product(shape)` × 1, 2 or 4 bytes).
 * @throws Error for non-float32 weights, unknown quantisation dtypes, missing min/scale, or a byte count mismatch.
 */
export function dequantizeWeight(spec: TfjsWeightSpec, bytes: Uint8Array): Weight {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.dtype !== 'float32') {
    throw new Error(`Weight ${spec.name}: dtype ${spec.dtype} is not supported (float32 only)`);
  }
  const q = spec.quantization;
  const values = new Float32Array(count);
  if (q === undefined) {
    expectBytes(spec, bytes, count * 4);
    values.set(new Float32Array(bytes.slice().buffer));
    return { shape: spec.shape, values };
  }
  if (q.min === undefined || q.scale === undefined) {
    throw new Error(`Weight ${spec.name}: ${q.dtype} quantisation without min and scale`);
  }
  let stored: Uint8Array | Uint16Array;
  if (q.dtype === 'uint8') {
    expectBytes(spec, bytes, count);
    stored = bytes;
  } else if (q.dtype === 'uint16') {
    expectBytes(spec, bytes, count * 2);
    stored = new Uint16Array(bytes.slice().buffer);
  } else {
    throw new Error(`Weight ${spec.name}: quantisation dtype ${q.dtype} is not supported (uint8, uint16)`);
  }
  for (let i = 0; i < count; i++) values[i] = (stored[i] ?? 0) * q.scale + q.min;
  return { shape: spec.shape, values };
}

function expectBytes(spec: TfjsWeightSpec, bytes: Uint8Array, expected: number): void {
  if (bytes.length !== expected) {
    throw new Error(`Weight ${spec.name}: expected ${expected} bytes, got ${bytes.length}`);
  }
}

function storedBytesPerValue(spec: TfjsWeightSpec): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  if (dtype === 'uint8') return 1;
  if (dtype === 'uint16' || dtype === 'float16') return 2;
  return 4;
}

/**
 * Reads an nsfwjs-style bundled TensorFlow.js layers model: `modelFile` exports `{ modelTopology, weightsManifest }`
 * and each shard file exports one base64 string. Shards are concatenated in `weightsManifest` order and the weights
 * are sliced from that buffer back to back, in the order the manifest lists them (tfjs's own packing rule).
 * @throws Error when the files do not have that shape, or the shard length differs from the specs' total size.
 */
export async function readTfjsLayersModel(
  modelFile: string,
  shardFiles: readonly string[],
): Promise<TfjsLayersModel> {
  const model = (await loadBundleExport(modelFile)) as {
    modelTopology?: unknown;
    weightsManifest?: { paths: string[]; weights: TfjsWeightSpec[] }[];
  };
  if (typeof model.modelTopology !== 'object' || !Array.isArray(model.weightsManifest)) {
    throw new Error(`${modelFile}: expected { modelTopology, weightsManifest }`);
  }
  const weightSpecs = model.weightsManifest.flatMap((group) => group.weights);
  const declaredShards = model.weightsManifest.flatMap((group) => group.paths).length;
  if (declaredShards !== shardFiles.length) {
    throw new Error(`${modelFile} declares ${declaredShards} shard(s); ${shardFiles.length} given`);
  }

  const shards: Uint8Array[] = [];
  for (const file of shardFiles) {
    const base64 = await loadBundleExport(file);
    if (typeof base64 !== 'string') throw new Error(`${file}: expected a base64 string export`);
    shards.push(Buffer.from(base64, 'base64'));
  }
  const weightData = new Uint8Array(Buffer.concat(shards));

  const weights = new Map<string, Weight>();
  let offset = 0;
  for (const spec of weightSpecs) {
    const size = spec.shape.reduce((a, b) => a * b, 1) * storedBytesPerValue(spec);
    weights.set(spec.name, dequantizeWeight(spec, weightData.subarray(offset, offset + size)));
    offset += size;
  }
  if (offset !== weightData.length) {
    throw new Error(`Weight shards hold ${weightData.length} bytes; the manifest describes ${offset}`);
  }
  return { modelTopology: model.modelTopology, weightSpecs, weightData, weights };
}
