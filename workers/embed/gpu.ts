/** The part of a WebGPU adapter read here (WebGPU types are not in TypeScript's DOM lib yet). */
interface GpuAdapter {
  readonly info?: { readonly isFallbackAdapter?: boolean; readonly architecture?: string };
}

/**
 * Whether the browser offers a WebGPU adapter that is a real GPU. A fallback adapter (a CPU implementation such as
 * SwiftShader) is slower than onnxruntime's WASM kernels by far: in headless Chromium here the model took about
 * 3.9 s per image on SwiftShader WebGPU against 45 ms on WASM with one thread (`npm run bench:browser`).
 */
export async function hasHardwareGpu(): Promise<boolean> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<GpuAdapter | null> } }).gpu;
  if (gpu === undefined) return false;
  try {
    const adapter = await gpu.requestAdapter();
    return adapter !== null && adapter.info?.isFallbackAdapter !== true;
  } catch {
    // Some browsers throw instead of returning null when WebGPU is blocked: no adapter either way.
    return false;
  }
}
