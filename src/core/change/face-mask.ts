import type { FaceRegion } from '../faces/change-faces.ts';
import { faceRegion } from '../faces/region.ts';
import { COMPARISON_REACH_PX } from './compare-pair.ts';
import type { MaskedRaster } from './compare-pair.ts';
import type { ChangeRaster } from './raster.ts';

/**
 * The validity mask that leaves a photo's faces out of the change measure (issue 11: an expression changes from
 * one session to the next, and that is not the change BCD measures): 0 inside each face, widened as the blur
 * widens it (`faceRegion`: `FACE_MARGIN` of the box's longer side, for the ears, hairline and jaw the detector's
 * box leaves out) and by the comparison's reach (`COMPARISON_REACH_PX`, so the face does not spread into the
 * pixels kept through smoothing and the ΔE* tolerance); 255 elsewhere.
 * @param raster the change raster the mask is for (its size only).
 * @param faces relative boxes (`facesForChange`); null or [] when none was found or none was looked for.
 * @returns `width × height` bytes, or undefined when there is no face (the comparison then takes every pixel,
 *   exactly as without faces).
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
  return mask;
}

/** A photo's change raster with its faces masked out (`faceMask`), as `comparePair` takes it. */
export function withoutFaces(change: {
  readonly raster: ChangeRaster;
  readonly faces?: readonly FaceRegion[] | null;
}): MaskedRaster {
  const mask = faceMask(change.raster, change.faces);
  return mask === undefined ? { raster: change.raster } : { raster: change.raster, mask };
}
