import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createFaceDetector, useWasmBackend } from './detector.ts';
import type { FaceApi, FaceDetector, WeightsManifest } from './detector.ts';

const require = createRequire(import.meta.url);

/** face-api's model folder inside the package: the weights come from the install, never from a hub. */
const MODEL_DIR = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');

let loading: Promise<FaceDetector> | null = null;

async function load(): Promise<FaceDetector> {
  // face-api's Node build for tfjs's WASM backend (`@tensorflow/tfjs-node` cannot be installed here).
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  // The backend's .wasm files from its own package (trailing separator: tfjs appends the file name).
  await useWasmBackend(
    faceapi,
    `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`,
  );
  const [manifest, weights] = await Promise.all([
    readFile(join(MODEL_DIR, 'ssd_mobilenetv1_model-weights_manifest.json'), 'utf8'),
    readFile(join(MODEL_DIR, 'ssd_mobilenetv1_model.bin')),
  ]);
  return createFaceDetector(faceapi, JSON.parse(manifest) as WeightsManifest, new Uint8Array(weights));
}

/**
 * The face detector in Node (server, CLI, tests, bench): face-api's SSD MobileNet v1 on tfjs's WASM backend, loaded
 * once per process on first use (≈ 6 MB of weights).
 * @throws Error when the WASM backend or the weights cannot be loaded (a broken install).
 */
export function nodeFaceDetector(): Promise<FaceDetector> {
  loading ??= load().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}
