import { transfer } from 'comlink';
import { l2Normalize } from '../../src/core/scoring/vectors.ts';
import type { Embedder } from '../../src/model/embedder.ts';
import type { ModelManifest } from '../../src/model/manifest.ts';
import { withWireErrors } from '../wire-error.ts';
import { loadModel } from './load-model.ts';

/** Where the embed worker finds the model (the app's own origin, never a CDN) and how it should run it. */
export interface EmbedConfig {
  /** Folder URL of the model, ending in `/`, holding `manifest.json` and the ONNX file it names. */
  readonly modelUrl: string;
  /**
   * The model's manifest as the page read and validated it (`parseModelManifest`), so it is fetched once; the
   * worker fetches only the model file it names, and checks its sha256 against it.
   */
  readonly manifest: ModelManifest;
  /**
   * `auto` (default): WebGPU when the browser offers a hardware adapter, else WASM. `webgpu`: WebGPU with any
   * adapter, a software fallback too (for tests and benchmarks), else WASM. `wasm`: always WASM.
   */
  readonly backend?: 'auto' | 'webgpu' | 'wasm';
  /**
   * WASM threads; default every logical core when the worker is cross-origin isolated (SharedArrayBuffer is
   * available only then), else 1. Clamped to [1, navigator.hardwareConcurrency] and to 1 when not isolated.
   */
  readonly numThreads?: number;
}

/** The model and runtime the worker ended up with. */
export interface EmbedModelInfo {
  readonly id: string;
  readonly dims: number;
  /** Where the weights come from (package@version and URL from the manifest). */
  readonly source: string;
  readonly licence: string;
  readonly backend: 'webgpu' | 'wasm';
  /** WASM threads (WebGPU still runs the ops it does not cover on them). */
  readonly threads: number;
  /** Milliseconds from `load` to a session ready to run: fetch, sha256 check, session creation. */
  readonly load_ms: number;
}

/** One L2-normalised embedding and the time the model took (ms, without queueing). */
export interface EmbedResult {
  readonly embedding: Float32Array;
  readonly embed_ms: number;
}

/**
 * The embed worker's API (comlink). Every method throws a `WireError` (`analysis_failed`) on failure. The first
 * `load` fixes the configuration for the worker's lifetime (onnxruntime-web is initialised once per realm).
 */
export interface EmbedApi {
  /** Loads the model once; later calls return the same info. @throws WireError for another config. */
  load(config: EmbedConfig): Promise<EmbedModelInfo>;
  /** Embeds one model input (`PreparedPhoto.tensor`). Runs are serialised. @throws WireError before `load`. */
  embed(tensor: Float32Array): Promise<EmbedResult>;
}

/** Implements `EmbedApi`: one onnxruntime-web session per worker, created once, runs one at a time. */
export function createEmbedApi(): EmbedApi {
  let loading: { key: string; model: Promise<{ embedder: Embedder; info: EmbedModelInfo }> } | undefined;

  const loaded = () => {
    if (loading === undefined) throw new Error('the model is not loaded yet');
    return loading.model;
  };
  return {
    load: (config) =>
      withWireErrors(async () => {
        const key = JSON.stringify(config);
        if (loading !== undefined && loading.key !== key) {
          throw new Error(`this worker already runs ${loading.key}; start another worker for ${key}`);
        }
        loading ??= { key, model: loadModel(config) };
        const current = loading;
        // A failed load is forgotten so a retry (e.g. after the network came back) can succeed.
        return (
          await current.model.catch((error: unknown) => {
            if (loading === current) loading = undefined;
            throw error;
          })
        ).info;
      }),
    embed: (tensor) =>
      withWireErrors(async () => {
        const { embedder } = await loaded();
        const t0 = performance.now();
        const [raw] = await embedder.embed(tensor, 1);
        const embed_ms = performance.now() - t0;
        const embedding = l2Normalize(raw as Float32Array);
        return transfer({ embedding, embed_ms }, [embedding.buffer]);
      }),
  };
}
