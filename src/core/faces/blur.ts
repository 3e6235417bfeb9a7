import type { RgbaImage } from '../image/raster.ts';
import type { FaceBox } from './detector.ts';
import { faceRegion } from './region.ts';

/**
 * Blocks across the longer side of a widened face box: each block is filled with its mean colour. At 5 the detector
 * finds no face left in any blurred shared people photo (test/faces/blur.test.ts), and no eye, nose or mouth is
 * a block of its own.
 */
export const FACE_BLUR_BLOCKS = 5;

/**
 * Hides faces in place: each box, widened by `faceRegion`, is pixelated into blocks of its mean colours
 * (`FACE_BLUR_BLOCKS` across its longer side; alpha kept).
 * @param image 8-bit RGBA, row-major; its `data` is overwritten inside the boxes.
 * @param faces boxes in `image`'s pixels (as `FaceDetector.find` returns them).
 */
export function blurFaces(image: RgbaImage, faces: readonly FaceBox[]): void {
  const { width, height, data } = image;
  for (const face of faces) {
    const { x0, y0, x1, y1 } = faceRegion(face, width, height);
    const block = Math.max(1, Math.ceil(Math.max(x1 - x0, y1 - y0) / FACE_BLUR_BLOCKS));
    for (let by = y0; by < y1; by += block) {
      for (let bx = x0; bx < x1; bx += block) {
        const ey = Math.min(y1, by + block);
        const ex = Math.min(x1, bx + block);
        let r = 0;
        let g = 0;
        let b = 0;
        for (let y = by; y < ey; y++) {
          for (let x = bx; x < ex; x++) {
            const i = (y * width + x) * 4;
            r += data[i] ?? 0;
            g += data[i + 1] ?? 0;
            b += data[i + 2] ?? 0;
          }
        }
        const n = (ey - by) * (ex - bx);
        for (let y = by; y < ey; y++) {
          for (let x = bx; x < ex; x++) {
            const i = (y * width + x) * 4;
            data[i] = r / n;
            data[i + 1] = g / n;
            data[i + 2] = b / n;
          }
        }
      }
    }
  }
}
