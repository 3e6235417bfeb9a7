/// <reference types="vite/client" />
import jsepMjs from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import jsepWasm from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';

/**
 * onnxruntime-web's runtime as served by this app: Vite emits both files into the build (content-hashed, so the
 * service worker's precache follows an onnxruntime-web upgrade) and serves them from node_modules in dev; never
 * a CDN. `ort.bundle.min.mjs` (what `onnxruntime-web` resolves to in a browser bundle) references the same .wasm
 * itself, so it is emitted once. The JSEP build holds both the WASM CPU kernels and the WebGPU ones.
 */
export const ORT_WASM_PATHS = { wasm: jsepWasm, mjs: jsepMjs } as const;
