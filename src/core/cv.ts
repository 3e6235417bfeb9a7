import cvModule from '@techstark/opencv-js';

/** The OpenCV.js namespace (typed by the package's `mirada` declarations). */
export type OpenCv = typeof cvModule;

let ready: Promise<OpenCv> | undefined;

/**
 * Resolves once the OpenCV.js WASM runtime is initialised (≈ 0.35 s the first time in Node, then free).
 * The same build runs in Node and in a browser worker, so every image kernel gives the same numbers on
 * the device and in the CLI.
 */
export function loadOpenCv(): Promise<OpenCv> {
  ready ??= new Promise<OpenCv>((resolve) => {
    const cv = cvModule as OpenCv & { onRuntimeInitialized?: () => void; then?: unknown };
    // The emscripten module is a broken thenable (its `then` calls back with the module itself), so resolving
    // a Promise with it adopts it again and again and never settles: drop `then` to make it a plain object.
    // `Mat` appears once the runtime is up.
    delete cv.then;
    if (typeof cv.Mat === 'function') resolve(cv);
    else cv.onRuntimeInitialized = () => resolve(cv);
  });
  return ready;
}
