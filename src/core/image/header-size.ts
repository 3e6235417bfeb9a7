import { imageSize } from 'image-size';
import { ImageInputError } from './errors.ts';
import { FORMAT_NAMES } from './sniff.ts';
import type { ImageFormat } from './sniff.ts';

/** image-size's name for each format. */
const IMAGE_SIZE_TYPES: Readonly<Record<ImageFormat, string>> = { jpeg: 'jpg', png: 'png', webp: 'webp' };

function isSide(value: number): boolean {
  return Number.isInteger(value) && value > 0;
}

/**
 * Reads an image's stored width and height from its header with `image-size`, without decoding any pixel.
 * image-size reads JPEG SOF0–SOF2 frame headers, the PNG IHDR chunk, and all three WebP headers (VP8, VP8L, VP8X);
 * it throws a TypeError ("Invalid PNG", "Corrupt JPG, exceeded buffer limits", "Invalid JPG, no size found", …)
 * on headers it cannot read.
 * @param header the file, or for JPEG its bytes up to the end of the frame header (the JPEG reader copies its input).
 * @returns the stored size in pixels, as the header states it (before any EXIF orientation).
 * @throws ImageInputError `corrupt` when the header cannot be read or states a zero or non-integer size.
 */
export function readHeaderSize(format: ImageFormat, header: Uint8Array): { width: number; height: number } {
  const name = FORMAT_NAMES[format];
  let size: { width: number; height: number; type?: string };
  try {
    size = imageSize(header);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ImageInputError(
      'corrupt',
      `This ${name} file is damaged: its header cannot be read (${reason}).`,
    );
  }
  if (size.type !== IMAGE_SIZE_TYPES[format] || !isSide(size.width) || !isSide(size.height)) {
    throw new ImageInputError(
      'corrupt',
      `This ${name} file is damaged: its header states an impossible size (${size.width} × ${size.height}).`,
    );
  }
  return { width: size.width, height: size.height };
}
