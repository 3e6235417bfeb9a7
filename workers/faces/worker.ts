/// <reference types="vite/client" />
import * as faceapi from '@vladmandic/face-api/dist/face-api.esm.js';
import manifest from '@vladmandic/face-api/model/ssd_mobilenetv1_model-weights_manifest.json';
import weightsUrl from '@vladmandic/face-api/model/ssd_mobilenetv1_model.bin?url';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { expose } from 'comlink';
import { createFaceDetector, useWasmBackend } from '../../src/core/faces/detector.ts';
import type { FaceApi, FaceDetector, WeightsManifest } from '../../src/core/faces/detector.ts';
import { createFacesApi } from './api.ts';

// The weights and tfjs's WASM come from this app's own build (Vite emits them, content-hashed, and the service
// worker precaches them), never from a CDN. The WASM backend, not WebGL, so that the device's figures are the
// server's: both run the same kernels on the same weights.
let loading: Promise<FaceDetector> | null = null;

/** Stands in for the DOM classes face-api's browser environment names; a worker has none, and none is drawn. */
class NoElement {
  constructor() {
    throw new Error('the faces worker takes tensors only');
  }
}

async function load(): Promise<FaceDetector> {
  const api = faceapi as unknown as FaceApi;
  // face-api picks its environment by looking for `window` and `document`, which a worker lacks; it only needs one
  // to tell its input apart (a tensor here), so a worker's own canvas stands in for the page's.
  api.env.setEnv({
    Canvas: OffscreenCanvas,
    CanvasRenderingContext2D: OffscreenCanvasRenderingContext2D,
    Image: NoElement,
    ImageData,
    Video: NoElement,
    createCanvasElement: () => new OffscreenCanvas(1, 1),
    createImageElement: () => new NoElement(),
    fetch: (url: string, init?: RequestInit) => fetch(url, init),
  } as unknown as Parameters<FaceApi['env']['setEnv']>[0]);
  await useWasmBackend(api, {
    'tfjs-backend-wasm.wasm': wasmUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    // Never loaded (threads are off, see `useWasmBackend`), but tfjs refuses a map without all three names.
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
  const response = await fetch(weightsUrl);
  if (!response.ok) throw new Error(`the face detector's weights did not load (${response.status})`);
  return createFaceDetector(api, manifest as WeightsManifest, new Uint8Array(await response.arrayBuffer()));
}

const api = createFacesApi(() => {
  loading ??= load().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
});
expose(api);
// The faces worker is started only to search photos (or warmed ahead of a first one): the detector loads with it.
api.warm().catch(() => undefined);
