import type { OpenCv } from '../cv.ts';
import { withMats } from '../mat-scope.ts';
import { matBytes, rgbaToMat } from '../quality/raster-mat.ts';
import type { RgbaImage } from './raster.ts';
import { reducedSize } from './reduction.ts';

/**
 * Shrinks decoded pixels by `denominator` into the mean of each `denominator × denominator` block, blocks laid
 * from the top-left corner: the grid a JPEG's DCT scaling uses (one output pixel per block of 8 / `denominator`
 * … pixels), so a PNG or WebP, whose codecs cannot decode at a reduced size, comes out at the size and alignment
 * of a reduced JPEG (`reducedSize`). A partial block at the right or bottom edge is filled by repeating the edge
 * pixels (OpenCV `BORDER_REPLICATE`), then the means are OpenCV's `INTER_AREA` by an integer factor.
 * @param image 8-bit RGBA; not modified.
 * @param denominator 1, 2, 4 or 8; 1 returns `image` itself.
 * @returns a new RGBA image of `reducedSize(image.width, image.height, denominator)`.
 * @throws RangeError if `image` is malformed.
 */
export function shrinkImage(cv: OpenCv, image: RgbaImage, denominator: number): RgbaImage {
  if (denominator === 1) return image;
  const size = reducedSize(image.width, image.height, denominator);
  return withMats((own) => {
    let src = own(rgbaToMat(cv, image));
    const right = size.width * denominator - image.width;
    const bottom = size.height * denominator - image.height;
    if (right > 0 || bottom > 0) {
      const padded = own(new cv.Mat());
      cv.copyMakeBorder(src, padded, 0, bottom, 0, right, cv.BORDER_REPLICATE);
      src = padded;
    }
    const dst = own(new cv.Mat());
    cv.resize(src, dst, new cv.Size(size.width, size.height), 0, 0, cv.INTER_AREA);
    // Copied out: the Mat's memory belongs to the OpenCV heap and is freed on return.
    return { width: size.width, height: size.height, data: new Uint8ClampedArray(matBytes(dst)) };
  });
}
