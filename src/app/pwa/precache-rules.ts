/**
 * What the service worker precaches, shared by the app's build (`vite.config.ts`) and the workers' test harness
 * (`test/workers/support/build-harness.ts`), so a harness page offline needs exactly the files the app has:
 * scripts and workers, the ONNX model, the WASM runtimes (onnxruntime, OpenCV.js, the JPEG decoder, tfjs), the face
 * detector's weights (`.bin`), icons and the manifest.
 */
export const PRECACHE_GLOB_PATTERNS = ['**/*.{html,js,mjs,css,svg,png,webmanifest,json,onnx,wasm,bin}'];

/**
 * The ONNX model (~9 MB) and the onnxruntime WASM runtimes (the JSEP build for WebGPU, ~28 MB, and the plain one,
 * ~14 MB) must be precached too, and so must the face detector's weights (5.6 MB) and tfjs's WASM (0.3–0.4 MB each).
 */
export const MAX_PRECACHED_FILE_BYTES = 64 * 1024 * 1024;
