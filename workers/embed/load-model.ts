import type { Embedder } from '../../src/model/embedder.ts';
import { createWebEmbedder } from '../../src/model/embedder.web.ts';
import { parseModelManifest } from '../../src/model/manifest.ts';
import type { ModelManifest } from '../../src/model/manifest.ts';
import type { EmbedConfig, EmbedModelInfo } from './api.ts';
import { modelGpuAdapter } from './gpu.ts';
import { ortWasmPaths } from './ort-runtime.ts';
import { wasmThreads } from './threads.ts';
import { sha256Hex } from '../../src/core/sha256.ts';

/**
 * Fetches the model named by the page's manifest from the app's own origin, checks its sha256 against the manifest
 * (SPEC: checked before a model is used) and creates the session on the configured backend.
 * @throws Error naming the URL when a file cannot be fetched, the manifest is invalid or the hash differs.
 */
export async function loadModel(config: EmbedConfig): Promise<{ embedder: Embedder; info: EmbedModelInfo }> {
  const t0 = performance.now();
  // Validated again here: it crossed from the page, and parsing a small object costs nothing next to the model.
  const manifest = parseModelManifest(config.manifest);
  const modelFile = new URL(manifest.file, config.modelUrl);
  const bytes = new Uint8Array(await (await fetchOk(modelFile)).arrayBuffer());
  await checkSha256(bytes, manifest, modelFile);
  const threads = wasmThreads(config.numThreads);
  const choice = config.backend ?? 'auto';
  const adapter = choice === 'wasm' ? null : await modelGpuAdapter(choice === 'webgpu');
  const embedder = await createWebEmbedder(manifest, bytes, {
    // WebGPU first when there is an adapter for it; onnxruntime falls back to WASM by itself if WebGPU fails.
    executionProviders: adapter === null ? ['wasm'] : ['webgpu', 'wasm'],
    gpuAdapter: adapter ?? undefined,
    wasmPaths: ortWasmPaths(adapter !== null),
    numThreads: threads,
  });
  const info: EmbedModelInfo = {
    id: manifest.id,
    dims: manifest.output.dims,
    source: describeSource(manifest),
    licence: manifest.licence,
    backend: embedder.backend === 'webgpu' ? 'webgpu' : 'wasm',
    threads,
    load_ms: performance.now() - t0,
  };
  return { embedder, info };
}

async function fetchOk(url: URL): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  return response;
}

async function checkSha256(bytes: Uint8Array, manifest: ModelManifest, url: URL): Promise<void> {
  const hex = await sha256Hex(bytes as Uint8Array<ArrayBuffer>);
  if (hex !== manifest.sha256) {
    throw new Error(
      `${url.pathname} has sha256 ${hex}, but model ${manifest.id}'s manifest says ${manifest.sha256}`,
    );
  }
}

/** `source` as shown in Settings: `package@version (url)`. */
function describeSource(manifest: ModelManifest): string {
  const { package: pkg, version, url } = manifest.source;
  return url === undefined ? `${pkg}@${version}` : `${pkg}@${version} (${url})`;
}
