import * as ort from 'onnxruntime-web';
import type { Embedder, EmbedderBackend } from './embedder.ts';
import { sessionEmbedder } from './embedder.ts';
import type { ModelManifest } from './manifest.ts';

export interface WebEmbedderOptions {
  /** `webgpu` uses WebGPU when `navigator.gpu.requestAdapter()` yields an adapter, else WASM. Default `wasm`. */
  readonly preferredBackend?: 'webgpu' | 'wasm';
  /**
   * Where the app itself serves onnxruntime-web's runtime files (never a CDN): a URL prefix ending in `/`, or
   * `{ wasm, mjs }` URLs. Required in a browser; in Node the files are found inside the package.
   */
  readonly wasmPaths?: ort.Env.WasmPrefixOrFilePaths;
  /**
   * WASM threads. 1 needs no SharedArrayBuffer; more need a cross-origin-isolated page or worker. Default 1.
   */
  readonly numThreads?: number;
}

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;

/** The WASM settings of the first session; onnxruntime-web reads `ort.env.wasm` only once, at initialisation. */
let initialised: { numThreads: number; wasmPaths: string } | undefined;

function configureWasm(options: WebEmbedderOptions): void {
  const wanted = {
    numThreads: options.numThreads ?? 1,
    wasmPaths: JSON.stringify(options.wasmPaths ?? null),
  };
  if (initialised) {
    if (initialised.numThreads !== wanted.numThreads || initialised.wasmPaths !== wanted.wasmPaths) {
      throw new Error(
        `onnxruntime-web is already initialised with ${initialised.numThreads} thread(s) and wasmPaths ` +
          `${initialised.wasmPaths}; it cannot be re-initialised in the same JavaScript realm`,
      );
    }
    return;
  }
  if (!isNode && options.wasmPaths === undefined) {
    throw new Error(
      'wasmPaths is required in a browser: serve onnxruntime-web’s .wasm/.mjs files from the app',
    );
  }
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
  ort.env.wasm.numThreads = wanted.numThreads;
  initialised = wanted;
}

async function hasWebGpuAdapter(): Promise<boolean> {
  // WebGPU types are not in TypeScript's DOM lib yet; only requestAdapter() is needed.
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (gpu === undefined) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    // Some browsers throw instead of returning null when WebGPU is blocked: same meaning, no adapter.
    return false;
  }
}

/**
 * Creates an Embedder running `modelBytes` with onnxruntime-web: on WebGPU when requested and available, otherwise
 * on the WASM CPU backend. Runs in a browser worker and in Node (WASM only; used by benchmarks and parity tests).
 * All embedders in one realm share onnxruntime-web's global WASM settings, fixed by the first one created.
 * @throws Error when `wasmPaths` is missing in a browser, when a later embedder asks for other WASM settings, or
 *   when the session cannot be created or lacks the manifest's input/output names.
 */
export async function createWebEmbedder(
  manifest: ModelManifest,
  modelBytes: Uint8Array,
  options: WebEmbedderOptions = {},
): Promise<Embedder> {
  configureWasm(options);
  const backend: EmbedderBackend =
    options.preferredBackend === 'webgpu' && !isNode && (await hasWebGpuAdapter()) ? 'webgpu' : 'wasm';
  const session = await ort.InferenceSession.create(modelBytes, {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
  });
  return sessionEmbedder(session, ort.Tensor, manifest, backend);
}
