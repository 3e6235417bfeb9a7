import { loadOpenCv } from '../cv.ts';
import { decodePixels } from './codecs.ts';
import type { CodecLoader } from './codecs.ts';
import { ImageInputError } from './errors.ts';
import { readImageInfo } from './info.ts';
import { jpegWarningsShowMissingData } from './jpeg-structure.ts';
import { checkImageLimits, DEFAULT_IMAGE_LIMITS } from './limits.ts';
import type { ImageLimits } from './limits.ts';
import { applyOrientation } from './orient.ts';
import type { RgbaImage } from './raster.ts';
import { FORMAT_NAMES } from './sniff.ts';

/** Bytes of an image file → upright RGBA, with a platform's codecs bound (see `createImageDecoder`). */
export type ImageDecoder = (bytes: Uint8Array) => Promise<RgbaImage>;

/**
 * Turns the bytes of an untrusted image file into upright RGBA pixels, or refuses them with a specific reason.
 * Steps: sniff the format from magic bytes → check the file is whole → read the header size and refuse it against
 * `limits` before any pixel is allocated → decode with the WASM codec → apply the EXIF orientation (OpenCV).
 * @param bytes the whole file (JPEG, PNG or WebP); not modified.
 * @param codecs where the platform's WASM codecs come from (`nodeCodecLoader` or `webCodecLoader`).
 * @param limits largest pixel count and smallest shorter side, in pixels; default `MAX_IMAGE_PIXELS`,
 *   `MIN_IMAGE_SIDE_PX` from `config.ts`.
 * @returns 8-bit RGBA, row-major, upright: for EXIF orientations 5–8 the header's width and height swap.
 * @throws ImageInputError for anything about the bytes: `empty`, `not_an_image`, `unsupported_format`, `truncated`,
 *   `corrupt` (with the codec's reason), `too_small`, `too_large`. Only a codec that cannot be loaded (a device or
 *   installation problem, not the photo's) throws the loader's own error.
 */
export async function decodeImage(
  bytes: Uint8Array,
  codecs: CodecLoader,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Promise<RgbaImage> {
  const info = await readImageInfo(bytes);
  checkImageLimits(info, limits);
  const pixels = await decodePixels(info.format, bytes, codecs);
  const name = FORMAT_NAMES[info.format];
  if (pixels.width !== info.width || pixels.height !== info.height) {
    throw new ImageInputError(
      'corrupt',
      `This ${name} file is damaged: its header says ${info.width} × ${info.height} pixels but it decodes to ` +
        `${pixels.width} × ${pixels.height}.`,
    );
  }
  // A JPEG whose data ends early can still carry an EOI marker (a cut file that was "repaired" by appending one);
  // libjpeg then fills the gap with grey and only warns. The structure check cannot see this, the decoder can.
  if (info.format === 'jpeg' && jpegWarningsShowMissingData(pixels.warnings)) {
    throw new ImageInputError(
      'truncated',
      `This ${name} file is incomplete: part of the picture data is missing (the decoder reports: ` +
        `${pixels.warnings.join('; ')}). Add the original photo again.`,
    );
  }
  const stored: RgbaImage = { width: pixels.width, height: pixels.height, data: pixels.data };
  return info.orientation === 1 ? stored : applyOrientation(await loadOpenCv(), stored, info.orientation);
}

/**
 * Binds a platform's codecs (and optionally other limits) once, for callers that pass a plain
 * `(bytes) => Promise<RgbaImage>` around: the CLI, the preprocess worker, tests.
 */
export function createImageDecoder(
  codecs: CodecLoader,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): ImageDecoder {
  return (bytes) => decodeImage(bytes, codecs, limits);
}
