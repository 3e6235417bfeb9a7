import * as ort from 'onnxruntime-web';
import type { Embedder, EmbedderBackend } from './embedder.ts';
import { sessionEmbedder } from './embedder.ts';
import type { ModelManifest } from './manifest.ts';

/** The execution providers this app uses, in onnxruntime-web's names. */
export type WebExecutionProvider = 'webgpu' | 'wasm';

export interface WebEmbedderOptions {
  /**
   * Execution providers in order of preference, handed to onnxruntime-web as they are (as transformers.js does):
   * when one cannot start (no WebGPU in this browser, the device could not be created), onnxruntime itself goes on
   * to the next. Default `['wasm']`.
   */
  readonly executionProviders?: readonly WebExecutionProvider[];
  /**
   * The WebGPU adapter to run on (the one the caller probed, so the adapter is asked for once), set as
   * onnxruntime's `env.webgpu.adapter` before the first session; default: onnxruntime asks for one itself.
   */
  readonly gpuAdapter?: unknown;
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

/**
 * Whether onnxruntime-web's WebGPU backend started: once it has, `env.webgpu.device` is a data property holding
 * its device (before, an accessor that would create one when read, so it is only inspected, never read).
 */
function webGpuStarted(): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(ort.env.webgpu, 'device');
  return descriptor !== undefined && 'value' in descriptor;
}

/**
 * Creates an Embedder running `modelBytes` with onnxruntime-web on the first of `options.executionProviders` that
 * starts: WebGPU, or the WASM CPU backend. Runs in a browser worker and in Node (where WebGPU never starts; used by
 * benchmarks and parity tests). All embedders in one realm share onnxruntime-web's global WASM settings, fixed by
 * the first one created.
 * @throws Error when `wasmPaths` is missing in a browser, when a later embedder asks for other WASM settings, or
 *   when no listed provider can create the session, or it lacks the manifest's input/output names.
 */
export async function createWebEmbedder(
  manifest: ModelManifest,
  modelBytes: Uint8Array,
  options: WebEmbedderOptions = {},
): Promise<Embedder> {
  configureWasm(options);
  const providers = options.executionProviders ?? ['wasm'];
  if (options.gpuAdapter !== undefined && providers.includes('webgpu') && !webGpuStarted()) {
    ort.env.webgpu.adapter = options.gpuAdapter as typeof ort.env.webgpu.adapter;
  }
  const session = await ort.InferenceSession.create(modelBytes, {
    executionProviders: [...providers],
    graphOptimizationLevel: 'all',
  });
  const backend: EmbedderBackend = providers.includes('webgpu') && webGpuStarted() ? 'webgpu' : 'wasm';
  return sessionEmbedder(session, ort.Tensor, manifest, backend);
}
