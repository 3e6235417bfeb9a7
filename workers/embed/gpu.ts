/** The part of a WebGPU adapter read here (WebGPU types are not in TypeScript's DOM lib yet). */
interface GpuAdapter {
  readonly info?: { readonly isFallbackAdapter?: boolean; readonly architecture?: string };
}

let probe: Promise<GpuAdapter | null> | undefined;

/**
 * The browser's WebGPU adapter, asked for once per worker (onnxruntime is then given this one, not left to ask
 * again); null when WebGPU is unavailable or blocked.
 */
function requestAdapter(): Promise<GpuAdapter | null> {
  probe ??= (async () => {
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<GpuAdapter | null> } }).gpu;
    if (gpu === undefined) return null;
    try {
      return await gpu.requestAdapter();
    } catch {
      // Some browsers throw instead of returning null when WebGPU is blocked: no adapter either way.
      return null;
    }
  })();
  return probe;
}

/**
 * The adapter to run the model on with WebGPU, or null to use WASM alone. A fallback adapter (a CPU implementation
 * such as SwiftShader) is slower than onnxruntime's WASM kernels by far: in headless Chromium here the model took
 * about 3.9 s per image on SwiftShader WebGPU against 45 ms on WASM with one thread (`npm run bench:browser`), so
 * it is used only when `anyAdapter` (tests and benchmarks).
 */
export async function modelGpuAdapter(anyAdapter: boolean): Promise<GpuAdapter | null> {
  const adapter = await requestAdapter();
  if (adapter === null) return null;
  return anyAdapter || adapter.info?.isFallbackAdapter !== true ? adapter : null;
}
