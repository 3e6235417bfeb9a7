import { loadOpenCv } from '../core/cv.ts';
import type { OpenCv } from '../core/cv.ts';
import { prepareImage } from '../core/pipeline/prepare-image.ts';
import type { PreparedImage } from '../core/pipeline/prepare-image.ts';
import { l2Normalize } from '../core/scoring/index.ts';
import type { ScoredImage } from '../core/scoring/index.ts';
import type { Embedder } from '../model/embedder.ts';
import { createNodeEmbedder } from '../model/embedder.node.ts';
import { createWebEmbedder } from '../model/embedder.web.ts';
import { loadModelFromDir } from '../model/load-manifest.node.ts';
import type { ModelManifest } from '../model/manifest.ts';
import { nodeDecoder } from '../core/image/decode.node.ts';

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
  /** @throws ImageInputError for a refused file. */
  analyseImage(bytes: Uint8Array): Promise<EmbeddedImage>;
  dispose(): Promise<void>;
}

export interface NodeEngineOptions {
  /** Folder with manifest.json and the model; default: the built `public/models/mobilenet_v2-nsfwjs`. */
  readonly modelDir?: string;
  /** onnxruntime-node (default; the CLI's) or onnxruntime-web's WASM backend (what the device runs). */
  readonly runtime?: 'onnxruntime-node' | 'wasm';
  /** Threads for one inference; default: onnxruntime-node's choice, 1 for WASM. */
  readonly threads?: number;
}

/**
 * Loads OpenCV.js, the WASM codecs and the model.
 * @throws Error when the model has not been built or its sha256 does not match its manifest.
 */
export async function createNodeEngine(options: NodeEngineOptions = {}): Promise<NodeEngine> {
  const [cv, model, decode] = await Promise.all([
    loadOpenCv(),
    loadModelFromDir(options.modelDir),
    nodeDecoder(),
  ]);
  const embedder: Embedder =
    options.runtime === 'wasm'
      ? await createWebEmbedder(model.manifest, model.bytes, { numThreads: options.threads ?? 1 })
      : await createNodeEmbedder(
          model.manifest,
          model.bytes,
          options.threads === undefined ? {} : { intraOpNumThreads: options.threads },
        );
  return {
    cv,
    manifest: model.manifest,
    backend: embedder.backend,
    async analyseImage(bytes) {
      const prepared = await prepareImage(bytes, { cv, decode, manifest: model.manifest });
      const t0 = performance.now();
      const [raw] = await embedder.embed(prepared.model_input.tensor, 1);
      const embed_ms = performance.now() - t0;
      return { ...prepared, embedding: l2Normalize(raw as Float32Array), embed_ms };
    },
    dispose: () => embedder.dispose(),
  };
}
