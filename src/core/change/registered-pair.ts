import type { OpenCv } from '../cv.ts';
import type { ChangeRaster } from './raster.ts';
import { registerToReference, warpToReference } from './registration.ts';
import type { Registration } from './registration.ts';

/** A photo and its reference on one frame, for a person to compare (side by side, slider, flicker). */
export interface RegisteredPair {
  /** The reference frame's size, px. */
  readonly width: number;
  readonly height: number;
  /** The reference, RGBA bytes, `width × height × 4`. */
  readonly reference: Uint8ClampedArray;
  /** The photo warped onto the reference frame, RGBA; transparent (alpha 0) outside the overlap. */
  readonly photo: Uint8ClampedArray;
  readonly registration: Registration;
}

/**
 * Registers a photo to its reference exactly as the change engine does and returns both on the reference frame, so
 * the viewer shows what was compared. When registration fails, the photo is shown unwarped, scaled to the frame.
 */
export function registeredPair(cv: OpenCv, reference: ChangeRaster, photo: ChangeRaster): RegisteredPair {
  const registration = registerToReference(cv, reference, photo);
  const { width, height } = reference;
  const identity = [photo.width / width, 0, 0, 0, photo.height / height, 0, 0, 0, 1];
  const warped = warpToReference(cv, reference, photo, registration.homography ?? identity);
  const toRgba = (rgb: Uint8Array, mask: Uint8Array | null) => {
    const out = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      out[i * 4] = rgb[i * 3]!;
      out[i * 4 + 1] = rgb[i * 3 + 1]!;
      out[i * 4 + 2] = rgb[i * 3 + 2]!;
      out[i * 4 + 3] = mask === null || mask[i] === 255 ? 255 : 0;
    }
    return out;
  };
  const { method, ecc_correlation, inliers, overlap, failure } = registration;
  return {
    width,
    height,
    reference: toRgba(reference.rgb, null),
    photo: toRgba(warped.rgb, warped.mask),
    registration: { method, ecc_correlation, inliers, overlap, failure },
  };
}
