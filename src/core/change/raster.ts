import type { OpenCv } from '../cv.ts';
import type { RgbaImage } from '../image/raster.ts';
import { withMats } from '../mat-scope.ts';
import { matBytes, rgbaToMat } from '../quality/raster-mat.ts';

/**
 * Long side, in pixels, of the copy of each photo that the change engine registers and compares. On a 14×14 grid a
 * cell is then ≈ 18 px, enough for a ±1 px tolerance and a smoothing kernel to leave most of a 1 %-of-frame mark
 * intact, while one comparison (registration, normalisation, ΔE map) stays in the tens of milliseconds.
 */
export const CHANGE_LONG_SIDE = 256;

/** A small copy of a photo for the change engine: 8-bit RGB, row-major, `rgb.length === width * height * 3`. */
export interface ChangeRaster {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** Size of the change raster of a `width × height` photo: long side `CHANGE_LONG_SIDE`, aspect kept. */
export function changeRasterSize(
  width: number,
  height: number,
  longSide = CHANGE_LONG_SIDE,
): { width: number; height: number } {
  const scale = longSide / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Makes the change raster of a decoded, orientation-corrected photo: the whole frame (no crop: registration finds
 * the overlap), long side `CHANGE_LONG_SIDE`. Shrinks first by an integer box factor (OpenCV's fast `INTER_AREA`
 * path), then `INTER_AREA` to the exact size; enlarges small photos with `INTER_CUBIC`.
 * @throws RangeError if `img` is malformed.
 */
export function makeChangeRaster(cv: OpenCv, img: RgbaImage, longSide = CHANGE_LONG_SIDE): ChangeRaster {
  const size = changeRasterSize(img.width, img.height, longSide);
  return withMats((own) => {
    let mat = own(rgbaToMat(cv, img));
    const k = Math.floor(Math.max(img.width, img.height) / (2 * longSide));
    if (k > 1) {
      const boxed = own(new cv.Mat());
      cv.resize(
        mat,
        boxed,
        new cv.Size(Math.round(img.width / k), Math.round(img.height / k)),
        0,
        0,
        cv.INTER_AREA,
      );
      mat = boxed;
    }
    const resized = own(new cv.Mat());
    const shrink = size.width <= mat.cols;
    cv.resize(
      mat,
      resized,
      new cv.Size(size.width, size.height),
      0,
      0,
      shrink ? cv.INTER_AREA : cv.INTER_CUBIC,
    );
    const rgb = own(new cv.Mat());
    cv.cvtColor(resized, rgb, cv.COLOR_RGBA2RGB);
    return { width: size.width, height: size.height, rgb: matBytes(rgb).slice() };
  });
}

/** Copies a change raster into a new `CV_8UC3` Mat; the caller frees it. */
export function rasterToMat(cv: OpenCv, raster: ChangeRaster): InstanceType<OpenCv['Mat']> {
  if (raster.rgb.length !== raster.width * raster.height * 3) {
    throw new RangeError(
      `ChangeRaster ${raster.width}×${raster.height} needs ${raster.width * raster.height * 3} bytes`,
    );
  }
  const mat = new cv.Mat(raster.height, raster.width, cv.CV_8UC3);
  matBytes(mat).set(raster.rgb);
  return mat;
}
