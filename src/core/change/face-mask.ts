import type { FaceRegion } from '../faces/change-faces.ts';
import { faceRegion } from '../faces/region.ts';
import { COMPARISON_REACH_PX } from './compare-pair.ts';
import type { MaskedRaster } from './compare-pair.ts';
import { changeRasterSize } from './raster.ts';
import type { ChangeRaster } from './raster.ts';

/**
 * The largest share of the frame the faces may take and still be left out: a face is left out where it is incidental
 * to a body photo, as BCD frames one, and measured where it is what the photo shows. Source: the framing guide
 * (src/app/components/framing-guide.tsx) draws the head as an ellipse of 20 × 25 in a 100 × 160 frame, 3.1 % of it;
 * widened by `FACE_MARGIN` (32.5 × 37.5) that is 7.6 %; twice that (a person standing closer than the guide, or two
 * people) is 0.15. A portrait, a group photo or a close-up of a face takes more (on the shared people photos 20–43 %
 * widened) and is measured like any other photo: there the face is the subject, and leaving it out would leave
 * little to measure.
 */
export const MAX_FACE_SHARE = 0.15;

/**
 * The validity mask that leaves a photo's faces out of the change measure (issue 11: an expression changes from
 * one session to the next, and that is not the change BCD measures): 0 inside each face, widened as the blur
 * widens it (`faceRegion`: `FACE_MARGIN` of the box's longer side, for the ears, hairline and jaw the detector's
 * box leaves out) and by the comparison's reach (`COMPARISON_REACH_PX`, so the face does not spread into the
 * pixels kept through smoothing and the ΔE* tolerance); 255 elsewhere. When the faces would take more than
 * `MAX_FACE_SHARE` of the frame, the faces are what the photo shows, and it is measured like any other photo: no
 * mask.
 * @param raster the change raster the mask is for (its size only).
 * @param faces relative boxes (`facesForChange`); null or [] when none was found or none was looked for.
 * @returns `width × height` bytes, or undefined when nothing is left out (no face, or faces taking more than
 *   `MAX_FACE_SHARE`): the comparison then takes every pixel, exactly as without faces.
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
  let leftOut = 0;
  for (const v of mask) if (v === 0) leftOut++;
  return leftOut > MAX_FACE_SHARE * mask.length ? undefined : mask;
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
