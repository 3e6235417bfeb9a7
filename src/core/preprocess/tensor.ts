import type { ModelManifest } from '../../model/manifest.ts';

/**
 * Writes packed 8-bit RGB pixels as the model's input tensor: `(v / 255 − mean[c]) / std[c]` per channel
 * (R, G, B = c 0, 1, 2; manifest `normalization`), in the manifest's layout, for one image:
 * NCHW → index `c·H·W + y·W + x`, NHWC → `(y·W + x)·3 + c`.
 *
 * Written by hand rather than with OpenCV.js: the channel-planar (NCHW) order and the per-channel affine map take
 * one pass here, while OpenCV.js would need a float conversion, a split and a copy out of the WASM heap anyway.
 * @param rgb `width × height × 3` bytes, row-major.
 * @throws RangeError if `rgb` does not hold `width × height × 3` bytes.
 */
export function modelTensor(
  rgb: Uint8Array,
  width: number,
  height: number,
  layout: ModelManifest['input']['layout'],
  normalization: ModelManifest['normalization'],
): Float32Array {
  const pixels = width * height;
  if (rgb.length !== pixels * 3) {
    throw new RangeError(`Expected ${pixels * 3} RGB bytes for ${width}×${height}, got ${rgb.length}`);
  }
  const tensor = new Float32Array(pixels * 3);
  for (let c = 0; c < 3; c++) {
    const scale = 1 / (255 * normalization.std[c]!);
    const offset = -normalization.mean[c]! / normalization.std[c]!;
    if (layout === 'NCHW') {
      const plane = c * pixels;
      for (let p = 0; p < pixels; p++) tensor[plane + p] = rgb[p * 3 + c]! * scale + offset;
    } else {
      for (let i = c; i < pixels * 3; i += 3) tensor[i] = rgb[i]! * scale + offset;
    }
  }
  return tensor;
}
