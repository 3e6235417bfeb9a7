import { MAX_IMAGE_PIXELS, MIN_IMAGE_SIDE_PX } from '../config.ts';
import { ImageInputError } from './errors.ts';

/** The sizes of image BCD agrees to decode. */
export interface ImageLimits {
  /** Largest width × height, in pixels, that is decoded (RGBA needs 4 bytes a pixel). */
  readonly maxPixels: number;
  /** Smallest shorter side, in pixels, worth analysing. */
  readonly minSidePx: number;
}

/** The limits from `config.ts`. */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxPixels: MAX_IMAGE_PIXELS,
  minSidePx: MIN_IMAGE_SIDE_PX,
};

function megapixels(pixels: number): string {
  return `${Math.round(pixels / 100_000) / 10} megapixels`;
}

/**
 * Checks a header's size against the limits before anything is decoded, so that a decompression bomb (a small file
 * whose header claims, say, 30000 × 30000 pixels) never gets its pixels allocated.
 * @param size stored width and height in pixels, from the header.
 * @throws ImageInputError `too_large` above `limits.maxPixels` (width × height), `too_small` when the shorter side is
 *   under `limits.minSidePx`; both messages give the image's size and the limit.
 */
export function checkImageLimits(
  size: { readonly width: number; readonly height: number },
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): void {
  const { width, height } = size;
  const pixels = width * height;
  if (pixels > limits.maxPixels) {
    throw new ImageInputError(
      'too_large',
      `This image is ${width} × ${height} pixels (${megapixels(pixels)}), more than the ${megapixels(limits.maxPixels)} ` +
        'BCD can open safely on this device. Save a smaller copy and add that instead.',
    );
  }
  if (Math.min(width, height) < limits.minSidePx) {
    throw new ImageInputError(
      'too_small',
      `This image is only ${width} × ${height} pixels; BCD needs at least ${limits.minSidePx} pixels on the shorter ` +
        'side to analyse a photo. Use the original photo rather than a thumbnail.',
    );
  }
}
