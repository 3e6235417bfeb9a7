import type * as FaceApiModule from '@vladmandic/face-api';
import type { RgbaImage } from '../image/raster.ts';

/*
 * Which detector, and why. Candidates whose weights ship inside an npm package (no model hub, no CDN):
 * - `@vladmandic/face-api` 1.7.15 (MIT; 12.7 MB tarball, 23.7 MB unpacked): `model/` holds SSD MobileNet v1
 *   (5.6 MB) and the Tiny Face Detector (0.19 MB) as tfjs weights; its browser build bundles tfjs 4.22 with the
 *   WASM backend, its `face-api.node-wasm.js` runs on `@tensorflow/tfjs` + `@tensorflow/tfjs-backend-wasm`
 *   (2.5 MB tarball; its .wasm files are 0.3–0.4 MB), so the browser worker and the server run the same weights
 *   on the same kernels. `@tensorflow/tfjs-node` is not needed (its install downloads a binary from outside).
 * - `@mediapipe/face_detection` 0.4 (Apache-2.0; 5.2 MB tarball, 13.8 MB unpacked): its `.tflite` models do ship
 *   in the package, but only inside a browser "solution" (a 5.6 MB WASM graph runner that draws on WebGL and a
 *   DOM canvas, no Node build), so the server could not run it; the graph files are located at run time
 *   (`locateFile`, a CDN in every example).
 * - `@tensorflow-models/face-detection` 1.0.3: a wrapper holding no weights: its `tfjs` runtime fetches the model
 *   from TF Hub / Kaggle, its `mediapipe` runtime needs the solution above from a `solutionPath` (jsDelivr by
 *   default). Rejected: fetched.
 * Of face-api's two detectors, SSD MobileNet v1: on the shared people photos at score ≥ 0.5 it finds every face
 * the Tiny detector finds plus the small and turned ones it misses (messi5: 1 of 1 vs 0; bar55: 6 vs 2–4;
 * cold_water: 3 vs 1), which matters more here than the Tiny detector's 4× speed: a missed face leaves the phone.
 */

/** face-api's module (`face-api.esm.js` in the browser, `face-api.node-wasm.js` in Node): one type, two builds. */
export type FaceApi = typeof FaceApiModule;

/**
 * The part of tfjs's API that picks the WASM backend: in both face-api builds `faceapi.tf` is the whole tfjs with
 * the WASM backend's exports, but face-api's types declare only the ops it uses itself.
 */
export interface TfjsWasmControl {
  setWasmPaths(prefixOrFileMap: string | Record<string, string>): void;
  setBackend(name: 'wasm'): Promise<boolean>;
  ready(): Promise<void>;
  env(): { set(flag: 'WASM_HAS_MULTITHREAD_SUPPORT', value: boolean): void };
}

/**
 * Switches face-api's tfjs to its WASM backend, with the `.wasm` files served from `wasmPaths`.
 * @param wasmPaths a folder prefix ending in `/`, or each `tfjs-backend-wasm*.wasm` file name → its URL.
 * @throws Error when tfjs cannot start the WASM backend.
 */
export async function useWasmBackend(
  faceapi: FaceApi,
  wasmPaths: string | Record<string, string>,
): Promise<void> {
  const tf = faceapi.tf as unknown as TfjsWasmControl;
  // One thread: the threaded build starts its pthread workers from a blob of its own glue code, which breaks once
  // the app is bundled; and one thread is what Node runs, so the device's figures stay the server's.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.setWasmPaths(wasmPaths);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not start its WASM backend');
  await tf.ready();
}

/** A tfjs weights manifest as face-api ships it (`*-weights_manifest.json`). */
export type WeightsManifest = ReadonlyArray<{
  readonly paths: readonly string[];
  readonly weights: ReadonlyArray<{
    readonly name: string;
    readonly shape: number[];
    readonly dtype: string;
  }>;
}>;

/** A face found in a photo: a box in the pixels of the raster that was searched, and the detector's score. */
export interface FaceBox {
  /** Left and top edge, in pixels (may be slightly negative or past the edge: the detector's box, unclipped). */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** SSD MobileNet v1's class score, 0–1. */
  readonly score: number;
}

/**
 * SSD MobileNet v1's own input: face-api pads the picture to a square and resizes it to 512 × 512. A photo is first
 * box-averaged by the largest whole factor that keeps its long side at least this long, so the resize does not
 * alias a 12 MP photo down in one bilinear step, and no 48 MP tensor is ever made.
 */
export const FACE_DETECTION_LONG_SIDE_PX = 512;

/**
 * Score from which the device blurs a face before a photo is shared. Lower than the server's refusal score, so that
 * a face the device left alone (scored between the two) is not refused by the server for a slightly different
 * decode of the same picture (the server reads the uploaded JPEG, the device the original). At 0.3 every face on the
 * shared people photos is kept (the lowest, a small face in bar55, scores 0.52); on the photos without people it
 * blurs a cat's face (chelsea, 0.93), a figure in the elephants photo (0.47) and a window of leuvenA (0.32):
 * a blurred patch too many costs a researcher less than a face too few.
 */
export const FACE_BLUR_MIN_SCORE = 0.3;

/**
 * Score from which the server refuses an upload as showing a face without the participant's consent: face-api's
 * default `minConfidence` for SSD MobileNet v1.
 */
export const FACE_REFUSE_MIN_SCORE = 0.5;

/** Searches photos for faces with weights already loaded. */
export interface FaceDetector {
  /**
   * Faces in an upright RGBA photo of any size.
   * @param image 8-bit RGBA, row-major; not modified.
   * @param minScore lowest score kept, 0–1 (`FACE_BLUR_MIN_SCORE` or `FACE_REFUSE_MIN_SCORE`).
   * @returns the faces, boxes in `image`'s pixels, best score first; [] when none.
   */
  find(image: RgbaImage, minScore: number): Promise<FaceBox[]>;
}

/**
 * Whole factor by which a photo is box-averaged before detection: the largest that keeps the long side at least
 * `FACE_DETECTION_LONG_SIDE_PX` (1 for a photo already that small).
 */
export function detectionFactor(width: number, height: number): number {
  return Math.max(1, Math.floor(Math.max(width, height) / FACE_DETECTION_LONG_SIDE_PX));
}

/**
 * RGB of `image` box-averaged by `factor` (each output pixel the mean of a factor × factor block; the last partial
 * row and column of blocks are dropped), as floats 0–255 in HWC order: the tensor face-api takes.
 */
function averagedRgb(
  image: RgbaImage,
  factor: number,
): { data: Float32Array; width: number; height: number } {
  const width = Math.floor(image.width / factor);
  const height = Math.floor(image.height / factor);
  const data = new Float32Array(width * height * 3);
  const area = factor * factor;
  for (let oy = 0; oy < height; oy++) {
    for (let ox = 0; ox < width; ox++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < factor; dy++) {
        let i = ((oy * factor + dy) * image.width + ox * factor) * 4;
        for (let dx = 0; dx < factor; dx++, i += 4) {
          r += image.data[i] ?? 0;
          g += image.data[i + 1] ?? 0;
          b += image.data[i + 2] ?? 0;
        }
      }
      const o = (oy * width + ox) * 3;
      data[o] = r / area;
      data[o + 1] = g / area;
      data[o + 2] = b / area;
    }
  }
  return { data, width, height };
}

/**
 * Loads SSD MobileNet v1 into face-api from its weights manifest and bytes (as shipped in the package's `model/`),
 * without face-api fetching anything itself. The tfjs backend must already be set and ready.
 * @param faceapi face-api's module with its backend ready (the browser's WASM or Node's WASM).
 * @param manifest `ssd_mobilenetv1_model-weights_manifest.json`.
 * @param weights `ssd_mobilenetv1_model.bin`, the whole file.
 * @throws Error from tfjs when the weights do not match the manifest (a broken install).
 */
export async function createFaceDetector(
  faceapi: FaceApi,
  manifest: WeightsManifest,
  weights: Uint8Array,
): Promise<FaceDetector> {
  const { tf } = faceapi;
  const buffer = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  const specs = manifest.flatMap((group) => group.weights) as Parameters<typeof tf.io.decodeWeights>[1];
  await faceapi.nets.ssdMobilenetv1.loadFromWeightMap(tf.io.decodeWeights(buffer as ArrayBuffer, specs));
  return {
    async find(image, minScore) {
      const factor = detectionFactor(image.width, image.height);
      const rgb = averagedRgb(image, factor);
      const input = tf.tensor3d(rgb.data, [rgb.height, rgb.width, 3], 'float32');
      try {
        const found = await faceapi.detectAllFaces(
          input,
          new faceapi.SsdMobilenetv1Options({ minConfidence: minScore }),
        );
        return found
          .map((d) => ({
            x: d.box.x * factor,
            y: d.box.y * factor,
            width: d.box.width * factor,
            height: d.box.height * factor,
            score: d.score,
          }))
          .sort((a, b) => b.score - a.score);
      } finally {
        input.dispose();
      }
    },
  };
}
