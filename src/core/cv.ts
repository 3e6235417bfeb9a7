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
    const cv = cvModule as OpenCv & { onRuntimeInitialized?: () => void };
    // The emscripten module is a broken thenable (it resolves to itself), so it must not be awaited;
    // `Mat` appears once the runtime is up.
    if (typeof cv.Mat === 'function') resolve(cv);
    else cv.onRuntimeInitialized = () => resolve(cv);
  });
  return ready;
}
