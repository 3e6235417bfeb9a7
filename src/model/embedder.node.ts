import * as ort from 'onnxruntime-node';
import type { Embedder } from './embedder.ts';
import { sessionEmbedder } from './embedder.ts';
import type { ModelManifest } from './manifest.ts';

export interface NodeEmbedderOptions {
  /** Threads one inference may use (onnxruntime's intra-op pool); default: onnxruntime's choice (all cores). */
  readonly intraOpNumThreads?: number;
}

/**
 * Creates an Embedder running `modelBytes` in onnxruntime-node on the CPU (the CLI and server path).
 * The caller checks the bytes against the manifest first (`loadModelFromDir` does).
 * @throws Error when onnxruntime cannot load the model or the model lacks the manifest's input/output names.
 */
export async function createNodeEmbedder(
  manifest: ModelManifest,
  modelBytes: Uint8Array,
  options: NodeEmbedderOptions = {},
): Promise<Embedder> {
  const session = await ort.InferenceSession.create(modelBytes, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    // One image or one batch at a time: parallelism lives inside operators, not between them.
    executionMode: 'sequential',
    interOpNumThreads: 1,
    ...(options.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: options.intraOpNumThreads }),
  });
  return sessionEmbedder(session, ort.Tensor, manifest, 'onnxruntime-node');
}
