import { orientation as readOrientationTag } from 'exifr/dist/full.esm.mjs';

/**
 * The EXIF Orientation tag (0x0112): how the stored pixels must be turned to show the picture upright.
 * 1 as stored · 2 mirrored left–right · 3 rotated 180° · 4 mirrored top–bottom · 5 mirrored along the main
 * diagonal (transposed) · 6 rotate 90° clockwise · 7 mirrored along the other diagonal · 8 rotate 90° anticlockwise.
 */
export type ExifOrientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

function isExifOrientation(value: unknown): value is ExifOrientation {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 8;
}

/**
 * Reads the EXIF Orientation tag, and nothing else, with exifr.
 * @param source a JPEG or PNG file, or bare EXIF (TIFF) data such as a WebP EXIF chunk holds.
 * @returns 1–8; 1 when there is no tag, or when the EXIF data cannot be parsed or holds another value. The pixels
 *   are then used as stored, as browsers show them: a damaged EXIF block is no reason to refuse a photo whose
 *   pixels decode, and guessing a rotation would be worse.
 */
export async function readExifOrientation(source: Uint8Array): Promise<ExifOrientation> {
  try {
    const value = await readOrientationTag(source);
    return isExifOrientation(value) ? value : 1;
  } catch {
    return 1;
  }
}

/** The upright size of a picture stored `width` × `height` with this orientation (5–8 swap the sides). */
export function orientedSize(
  width: number,
  height: number,
  orientation: ExifOrientation,
): { width: number; height: number } {
  return orientation >= 5 ? { width: height, height: width } : { width, height };
}
