import type { FaceRegion } from '../faces/change-faces.ts';
import { faceRegion } from '../faces/region.ts';
import { COMPARISON_REACH_PX } from './compare-pair.ts';
import type { MaskedRaster } from './compare-pair.ts';
import { changeRasterSize } from './raster.ts';
import type { ChangeRaster } from './raster.ts';
import { MIN_OVERLAP } from './registration.ts';

/**
 * The validity mask that leaves a photo's faces out of the change measure (issue 11: an expression changes from
 * one session to the next, and that is not the change BCD measures): 0 inside each face, widened as the blur
 * widens it (`faceRegion`: `FACE_MARGIN` of the box's longer side, for the ears, hairline and jaw the detector's
 * box leaves out) and by the comparison's reach (`COMPARISON_REACH_PX`, so the face does not spread into the
 * pixels kept through smoothing and the ΔE* tolerance); 255 elsewhere. When the faces would leave less than
 * `MIN_OVERLAP` of the frame (the least share a usable registration covers), the face is what the photo shows (a
 * close-up: on the shared photos a cat's face fills 97–103 % of `samples/history`'s left side), and it is measured
 * like any other photo: no mask.
 * @param raster the change raster the mask is for (its size only).
 * @param faces relative boxes (`facesForChange`); null or [] when none was found or none was looked for.
 * @returns `width × height` bytes, or undefined when nothing is left out (no face, or faces filling the frame): the
 *   comparison then takes every pixel, exactly as without faces.
 */
export function faceMask(
  raster: Pick<ChangeRaster, 'width' | 'height'>,
  faces: readonly FaceRegion[] | null | undefined,
): Uint8Array | undefined {
  if (faces === null || faces === undefined || faces.length === 0) return undefined;
  const { width, height } = raster;
  const mask = new Uint8Array(width * height).fill(255);
  for (const face of faces) {
    const box = {
      x: face.x * width,
      y: face.y * height,
      width: face.width * width,
      height: face.height * height,
    };
    const { x0, y0, x1, y1 } = faceRegion(box, width, height, COMPARISON_REACH_PX);
    for (let y = y0; y < y1; y++) mask.fill(0, y * width + x0, y * width + Math.max(x0, x1));
  }
  let kept = 0;
  for (const v of mask) if (v === 255) kept++;
  return kept < MIN_OVERLAP * mask.length ? undefined : mask;
}

/**
 * Whether the change engine leaves `faces` out of a photo of `width × height` (upright, any scale): `faceMask` at the
 * size of the photo's change raster. What Results says of the photo.
 */
export function facesLeftOut(
  photo: { readonly width: number; readonly height: number },
  faces: readonly FaceRegion[] | null | undefined,
): boolean {
  return faceMask(changeRasterSize(photo.width, photo.height), faces) !== undefined;
}

/** A photo's change raster with its faces masked out (`faceMask`), as `comparePair` takes it. */
export function withoutFaces(change: {
  readonly raster: ChangeRaster;
  readonly faces?: readonly FaceRegion[] | null;
}): MaskedRaster {
  const mask = faceMask(change.raster, change.faces);
  return mask === undefined ? { raster: change.raster } : { raster: change.raster, mask };
}
