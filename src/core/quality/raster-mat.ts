import type { Mat } from '@techstark/opencv-js';
import type { OpenCv } from '../cv.ts';
import type { RgbaImage } from '../image/raster.ts';

/**
 * Checks that `img` is a well-formed `RgbaImage`: positive integer sides and exactly `width × height × 4` bytes.
 * @throws RangeError naming the first inconsistency.
 */
export function assertRgbaImage(img: RgbaImage): void {
  const { width, height, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`RgbaImage sides must be positive integers, got ${width}×${height}`);
  }
  if (data.length !== width * height * 4) {
    throw new RangeError(
      `RgbaImage ${width}×${height} needs ${width * height * 4} bytes, got ${data.length}`,
    );
  }
}

/**
 * The pixel bytes of an 8-bit Mat, as a view on the WASM heap (valid until the Mat is deleted or the heap grows).
 * OpenCV.js exposes them as `Mat.data`, but the bundled `mirada` typings declare that field as a number.
 */
export function matBytes(mat: Mat): Uint8Array {
  return (mat as unknown as { data: Uint8Array }).data;
}

/**
 * Copies `img` into a new `CV_8UC4` Mat on the WASM heap. The caller owns the Mat and must `delete()` it.
 * @throws RangeError if `img` is malformed (see `assertRgbaImage`).
 */
export function rgbaToMat(cv: OpenCv, img: RgbaImage): Mat {
  assertRgbaImage(img);
  const mat = new cv.Mat(img.height, img.width, cv.CV_8UC4);
  matBytes(mat).set(img.data);
  return mat;
}
