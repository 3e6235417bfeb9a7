import { loadOpenCv } from '../core/cv.ts';
import type { OpenCv } from '../core/cv.ts';
import type { PreparedImage, PrepareOptions } from '../core/pipeline/prepare-image.ts';
import { l2Normalize } from '../core/scoring/index.ts';
import type { ScoredImage } from '../core/scoring/index.ts';
import type { Embedder } from '../model/embedder.ts';
import { createNodeEmbedder } from '../model/embedder.node.ts';
import { createWebEmbedder } from '../model/embedder.web.ts';
import { loadModelFromDir } from '../model/load-manifest.node.ts';
import type { ModelManifest } from '../model/manifest.ts';
import { createNodePrepare } from './node-prepare.ts';
import { createPreparePool } from './prepare-pool/pool.ts';

/** An embedded image: the pipeline's result plus its L2-normalised vector and the embedding time. */
export interface EmbeddedImage extends PreparedImage {
  readonly embedding: Float32Array;
  readonly embed_ms: number;
}

/** What the scoring core takes of an embedded image: its id and angle, its vector, quality and change raster. */
export function toScoredImage(image_id: string, angle: string, image: EmbeddedImage): ScoredImage {
  return { image_id, angle, embedding: image.embedding, quality: image.quality, change: image.change };
}

/** The whole per-image analysis in Node: the shared pipeline, then the model in onnxruntime-node. */
export interface NodeEngine {
  /** The OpenCV.js runtime the pipeline and the change engine run on. */
  readonly cv: OpenCv;
  readonly manifest: ModelManifest;
  readonly backend: Embedder['backend'];
  /** Prepare workers in use (0: photos are prepared on this thread). */
  readonly workers: number;
  /**
   * Prepares (decode, quality, model input, change raster and, unless `options` say otherwise, its noise
   * samples) and embeds one photo. Calls may overlap: with workers, photos are prepared in parallel while the model
   * embeds one at a time. `bytes` is not modified.
   * @throws ImageInputError for a refused file.
   */
  analyseImage(bytes: Uint8Array, options?: PrepareOptions): Promise<EmbeddedImage>;
  dispose(): Promise<void>;
}

export interface NodeEngineOptions {
  /** Folder with manifest.json and the model; default: the built `public/models/mobilenet_v2-nsfwjs`. */
  readonly modelDir?: string;
  /** onnxruntime-node (default; the CLI's) or onnxruntime-web's WASM backend (what the device runs). */
  readonly runtime?: 'onnxruntime-node' | 'wasm';
  /** Threads for one inference; default: onnxruntime-node's choice, 1 for WASM. */
  readonly threads?: number;
  /**
   * Worker threads that prepare photos in parallel (issue 8: keep every core busy); the CLI passes
   * `os.availableParallelism()`. Default 0: on the calling thread, one photo at a time.
   */
  readonly workers?: number;
}

/**
 * Loads OpenCV.js, the WASM codecs and the model, and starts `options.workers` prepare workers (each loads its own
 * OpenCV.js and codecs; the first photos wait for them).
 * @throws Error when the model has not been built or its sha256 does not match its manifest.
 */
export async function createNodeEngine(options: NodeEngineOptions = {}): Promise<NodeEngine> {
  const [cv, model] = await Promise.all([loadOpenCv(), loadModelFromDir(options.modelDir)]);
  const workers = Math.max(0, Math.floor(options.workers ?? 0));
  const pool = workers > 0 ? createPreparePool(workers, model.manifest) : null;
  const prepare = pool
    ? (bytes: Uint8Array, options?: PrepareOptions) => pool.prepare(bytes.slice(), options)
    : await createNodePrepare(model.manifest);
  const embedder: Embedder =
    options.runtime === 'wasm'
      ? await createWebEmbedder(model.manifest, model.bytes, { numThreads: options.threads ?? 1 })
      : await createNodeEmbedder(
          model.manifest,
          model.bytes,
          options.threads === undefined ? {} : { intraOpNumThreads: options.threads },
        );
  // One inference at a time: onnxruntime-web refuses a run while another is in progress, and the model already
  // uses the threads it was given.
  let embedding: Promise<unknown> = Promise.resolve();
  const embedInTurn = (tensor: Float32Array) => {
    const run = embedding.then(async () => {
      const t0 = performance.now();
      const [raw] = await embedder.embed(tensor, 1);
      return { embedding: l2Normalize(raw as Float32Array), embed_ms: performance.now() - t0 };
    });
    embedding = run.catch(() => undefined);
    return run;
  };
  return {
    cv,
    manifest: model.manifest,
    backend: embedder.backend,
    workers,
    async analyseImage(bytes, options) {
      const prepared = await prepare(bytes, options);
      return { ...prepared, ...(await embedInTurn(prepared.model_input.tensor)) };
    },
    dispose: async () => {
      await Promise.all([embedder.dispose(), pool?.dispose()]);
    },
  };
}
