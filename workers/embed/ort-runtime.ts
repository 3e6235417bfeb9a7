/// <reference types="vite/client" />
import type * as ort from 'onnxruntime-web';
import jsepMjs from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import jsepWasm from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import cpuMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import cpuWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';

/**
 * onnxruntime-web's WASM runtime files as served by this app, for a session with WebGPU or without it. Vite emits
 * them into the build (content-hashed, so the service worker's precache follows an onnxruntime-web upgrade) and
 * serves them from node_modules in dev; never a CDN. `ort.bundle.min.mjs` (what `onnxruntime-web` resolves to in a
 * browser bundle) loads whichever pair `env.wasm.wasmPaths` names, and touches the JSEP glue only for the `webgpu`
 * execution provider, so the plain build serves a WASM-only session.
 *
 * Why two: the JSEP build (WebGPU and CPU kernels) is 28 MB, the plain one (CPU kernels) 14 MB, and compiling it is
 * on every cold start's path. In headless Chromium here `WebAssembly.compileStreaming` took 810–1090 ms for the JSEP
 * file against 405–506 ms for the plain one (3 runs each, idle machine, 2026-12-04).
 * @param webgpu whether the session will list the `webgpu` execution provider.
 */
export function ortWasmPaths(webgpu: boolean): ort.Env.WasmFilePaths {
  return webgpu ? { wasm: jsepWasm, mjs: jsepMjs } : { wasm: cpuWasm, mjs: cpuMjs };
}
