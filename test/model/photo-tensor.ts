import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import decodeJpeg, { init as initJpeg } from '@jsquash/jpeg/decode.js';
import decodePng, { init as initPng } from '@jsquash/png/decode.js';
import * as tf from '@tensorflow/tfjs';

/** Real photos of the shared data set, beside the repository (`../shared/data/photos`). */
export const PHOTOS_DIR = fileURLToPath(new URL('../../../shared/data/photos/', import.meta.url));

const require = createRequire(import.meta.url);
let codecs: Promise<void> | undefined;

/** The jsquash codecs fetch their .wasm by URL, which Node cannot do: compile the files from disk instead. */
function initCodecs(): Promise<void> {
  codecs ??= (async () => {
    const compile = async (id: string) => WebAssembly.compile(await readFile(require.resolve(id)));
    await initJpeg(await compile('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'));
    await initPng(await compile('@jsquash/png/codec/pkg/squoosh_png_bg.wasm'));
  })();
  return codecs;
}

/**
 * Decodes a JPEG or PNG photo and prepares it the way nsfwjs does (`NSFWJS.infer`): RGB / 255, then
 * `tf.image.resizeBilinear(…, alignCorners = true)` to `size × size`.
 * @returns a `[1, size, size, 3]` float32 tensor in [0, 1] (NHWC); the caller disposes it.
 */
export async function photoTensor(file: string, size = 224): Promise<tf.Tensor4D> {
  await initCodecs();
  const bytes = await readFile(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const image = /\.png$/i.test(file) ? await decodePng(buffer) : await decodeJpeg(buffer);
  return tf.tidy(() => {
    const rgba = tf.tensor3d(Int32Array.from(image.data), [image.height, image.width, 4], 'int32');
    const rgb = tf.slice(rgba, [0, 0, 0], [-1, -1, 3]).toFloat().div(255) as tf.Tensor3D;
    return tf.image.resizeBilinear(rgb, [size, size], true).expandDims(0) as tf.Tensor4D;
  });
}

/** An NHWC tensor's values reordered to NCHW, the layout of the ONNX model's input. */
export function toNchw(nhwc: tf.Tensor4D): Float32Array {
  return tf.tidy(() => new Float32Array(tf.transpose(nhwc, [0, 3, 1, 2]).dataSync()));
}
