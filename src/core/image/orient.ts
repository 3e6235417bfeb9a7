import type { Mat } from '@techstark/opencv-js';
import type { OpenCv } from '../cv.ts';
import type { ExifOrientation } from './exif-orientation.ts';
import type { RgbaImage } from './raster.ts';

/** A Mat's pixel bytes, a view on the OpenCV heap (the bundled `mirada` typings declare `Mat.data` as a number). */
function bytesOf(mat: Mat): Uint8Array {
  return (mat as unknown as { data: Uint8Array }).data;
}

/** Transforms the stored pixels `src` into the upright picture `dst` (see `ExifOrientation`). */
function transform(cv: OpenCv, src: Mat, dst: Mat, orientation: Exclude<ExifOrientation, 1>): void {
  switch (orientation) {
    case 2:
      return cv.flip(src, dst, 1);
    case 3:
      return cv.rotate(src, dst, cv.ROTATE_180);
    case 4:
      return cv.flip(src, dst, 0);
    case 5:
      return cv.transpose(src, dst);
    case 6:
      return cv.rotate(src, dst, cv.ROTATE_90_CLOCKWISE);
    case 7: {
      // Transverse: transposed, then turned 180° (flip on both axes).
      const transposed = new cv.Mat();
      try {
        cv.transpose(src, transposed);
        return cv.flip(transposed, dst, -1);
      } finally {
        transposed.delete();
      }
    }
    case 8:
      return cv.rotate(src, dst, cv.ROTATE_90_COUNTERCLOCKWISE);
  }
}

/**
 * Turns stored pixels upright according to their EXIF orientation, with OpenCV's rotate/flip/transpose kernels.
 * @param image RGBA pixels as stored in the file.
 * @param orientation 1–8 (see `ExifOrientation`); 1 returns `image` itself.
 * @returns a new RGBA image; for orientations 5–8 its width and height are the input's height and width.
 */
export function applyOrientation(cv: OpenCv, image: RgbaImage, orientation: ExifOrientation): RgbaImage {
  if (orientation === 1) return image;
  const src = new cv.Mat(image.height, image.width, cv.CV_8UC4);
  const dst = new cv.Mat();
  try {
    bytesOf(src).set(image.data);
    transform(cv, src, dst, orientation);
    // Copied out: the Mat's memory belongs to the OpenCV heap and is freed below.
    return { width: dst.cols, height: dst.rows, data: new Uint8ClampedArray(bytesOf(dst)) };
  } finally {
    src.delete();
    dst.delete();
  }
}
