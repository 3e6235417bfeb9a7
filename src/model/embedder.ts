import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { ModelManifest } from './manifest.ts';

/** Which runtime executes the model. */
export type EmbedderBackend = 'onnxruntime-node' | 'wasm' | 'webgpu';

/**
 * Runs an ONNX image-embedding model described by a manifest. One contract for every platform:
 * `embedder.node.ts` (onnxruntime-node, CLI and server) and `embedder.web.ts` (onnxruntime-web: WebGPU or WASM in a
 * browser worker, WASM in Node).
 */
export interface Embedder {
  readonly manifest: ModelManifest;
  readonly backend: EmbedderBackend;
  /**
   * Embeds `batch` images at once.
   * @param input `batch` images, already resized to `manifest.input.width × height` and normalised per
   *   `manifest.normalization`, in `manifest.input.layout` order (NCHW: `[batch, 3, height, width]`), float32.
   * @returns one raw `manifest.output.dims`-long vector per image, in input order (not L2-normalised).
   * @throws Error when `input.length` does not match `batch` images of the manifest's input size, when the model's
   *   output does not have `manifest.output.dims` values per image, or after `dispose()`.
   */
  embed(input: Float32Array, batch: number): Promise<Float32Array[]>;
  /** Releases the session once queued runs have finished; later `embed` calls throw. */
  dispose(): Promise<void>;
}

/** The input tensor's dimensions for `batch` images, in the manifest's layout. */
export function inputDims(manifest: ModelManifest, batch: number): [number, number, number, number] {
  const { width, height, channels, layout } = manifest.input;
  return layout === 'NCHW' ? [batch, channels, height, width] : [batch, height, width, channels];
}

/**
 * Checks that `input` holds exactly `batch` images of the manifest's input size, so a tensor meant for one model
 * is never fed to another (e.g. 224×224 pixels to a model expecting 256×256).
 * @throws Error naming the model, the expected and the actual lengths.
 */
export function checkEmbedInput(manifest: ModelManifest, input: Float32Array, batch: number): void {
  if (!Number.isInteger(batch) || batch < 1) {
    throw new Error(`Embedding batch must be a positive integer, got ${batch}`);
  }
  const dims = inputDims(manifest, batch);
  const expected = dims.reduce((a, b) => a * b, 1);
  if (input.length !== expected) {
    throw new Error(
      `Model ${manifest.id} expects ${batch} × ${dims.slice(1).join('×')} (${manifest.input.layout}) = ` +
        `${expected} floats for a batch of ${batch}; got ${input.length}`,
    );
  }
}

/**
 * Splits a model output holding `batch` vectors into one copy per image.
 * @param dims the output tensor's dimensions; the first is the batch, the rest must multiply to
 *   `manifest.output.dims` (so `[batch, 2048, 1, 1]` from an un-flattened export is accepted).
 * @throws Error when the output is not `batch` × `manifest.output.dims` values.
 */
export function splitEmbeddings(
  manifest: ModelManifest,
  data: Float32Array,
  dims: readonly number[],
  batch: number,
): Float32Array[] {
  const size = manifest.output.dims;
  const perImage = dims.slice(1).reduce((a, b) => a * b, 1);
  if (dims[0] !== batch || perImage !== size || data.length !== batch * size) {
    throw new Error(
      `Model ${manifest.id} output ${manifest.output.name} has shape [${dims.join(', ')}]; ` +
        `the manifest promises ${size} values per image for a batch of ${batch}`,
    );
  }
  return Array.from({ length: batch }, (_, i) => data.slice(i * size, (i + 1) * size));
}

/**
 * Runs tasks one at a time, in call order: an onnxruntime session must not run concurrently. A failed task
 * does not stop the ones queued after it.
 */
export class RunQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it has settled. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * Checks the model's declared input and output shapes against the manifest, so a manifest that does not describe
 * its model fails when the model is loaded rather than on the first image. Symbolic or undeclared dimensions
 * are accepted (they are checked per run instead).
 * @throws Error naming the model, the manifest's shape and the model's.
 */
export function checkSessionShapes(session: InferenceSession, manifest: ModelManifest): void {
  const declaredShape = (metadata: readonly InferenceSession.ValueMetadata[], name: string) => {
    const value = metadata.find((m) => m.name === name);
    if (value === undefined) return undefined;
    if (!value.isTensor || value.type !== 'float32') {
      throw new Error(`Model ${manifest.id}: ${name} is not a float32 tensor`);
    }
    return value.shape;
  };
  const input = declaredShape(session.inputMetadata, manifest.input.name);
  const expected = inputDims(manifest, 1);
  if (input !== undefined && input.length > 0) {
    const fits =
      input.length === 4 && input.every((d, i) => i === 0 || typeof d === 'string' || d === expected[i]);
    if (!fits) {
      throw new Error(
        `Model ${manifest.id}: the manifest describes input ${manifest.input.name} as ${manifest.input.layout} ` +
          `[batch, ${expected.slice(1).join(', ')}]; the model declares [${input.join(', ')}]`,
      );
    }
  }
  const output = declaredShape(session.outputMetadata, manifest.output.name);
  if (output !== undefined && output.length > 1 && output.slice(1).every((d) => typeof d === 'number')) {
    const perImage = (output.slice(1) as number[]).reduce((a, b) => a * b, 1);
    if (perImage !== manifest.output.dims) {
      throw new Error(
        `Model ${manifest.id}: the manifest promises ${manifest.output.dims} values per image from ` +
          `${manifest.output.name}; the model declares [${output.join(', ')}]`,
      );
    }
  }
}

/** The onnxruntime `Tensor` constructor of the runtime in use (onnxruntime-node or onnxruntime-web). */
export type TensorConstructor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;

/**
 * Wraps a created onnxruntime session (from either runtime) as an Embedder: checks that the model has the input and
 * output the manifest names and shapes, validates every input, serialises runs and copies the vectors out.
 * @throws Error when the session lacks the manifest's input or output, or declares other shapes.
 */
export function sessionEmbedder(
  session: InferenceSession,
  TensorClass: TensorConstructor,
  manifest: ModelManifest,
  backend: EmbedderBackend,
): Embedder {
  if (!session.inputNames.includes(manifest.input.name)) {
    throw new Error(
      `Model ${manifest.id} has no input ${manifest.input.name} (it has ${session.inputNames.join(', ')})`,
    );
  }
  if (!session.outputNames.includes(manifest.output.name)) {
    throw new Error(
      `Model ${manifest.id} has no output ${manifest.output.name} (it has ${session.outputNames.join(', ')})`,
    );
  }
  checkSessionShapes(session, manifest);
  const queue = new RunQueue();
  let disposed = false;
  const assertOpen = (): void => {
    if (disposed) throw new Error(`Embedder for ${manifest.id} has been disposed`);
  };
  return {
    manifest,
    backend,
    async embed(input, batch) {
      assertOpen();
      checkEmbedInput(manifest, input, batch);
      return queue.run(async () => {
        assertOpen();
        const feed = new TensorClass('float32', input, inputDims(manifest, batch));
        const results = await session.run({ [manifest.input.name]: feed }, [manifest.output.name]);
        const output = results[manifest.output.name];
        try {
          if (output === undefined || output.type !== 'float32') {
            throw new Error(`Model ${manifest.id} output ${manifest.output.name} is not float32`);
          }
          return splitEmbeddings(manifest, (await output.getData()) as Float32Array, output.dims, batch);
        } finally {
          for (const tensor of Object.values(results)) tensor.dispose();
        }
      });
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await queue.run(() => session.release());
    },
  };
}
