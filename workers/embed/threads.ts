/**
 * WASM threads for onnxruntime-web in this worker. Threads need SharedArrayBuffer, which a worker has only when
 * cross-origin isolated (the page is served with COOP `same-origin` and COEP `require-corp`); otherwise 1.
 * @param requested wanted threads; default every logical core (`navigator.hardwareConcurrency`).
 * @returns an integer in [1, hardwareConcurrency], 1 when not isolated.
 */
export function wasmThreads(requested?: number): number {
  if (!self.crossOriginIsolated) return 1;
  const cores = Math.max(1, navigator.hardwareConcurrency || 1);
  return Math.max(1, Math.min(cores, Math.floor(requested ?? cores)));
}
