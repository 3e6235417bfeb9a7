import { loadOpenCv } from '../cv.ts';
import { decodePixels } from './codecs.ts';
import type { CodecLoader } from './codecs.ts';
import { ImageInputError } from './errors.ts';
import { orientedSize } from './exif-orientation.ts';
import { readImageInfo } from './info.ts';
import type { ImageInfo } from './info.ts';
import { checkImageLimits, DEFAULT_IMAGE_LIMITS } from './limits.ts';
import type { ImageLimits } from './limits.ts';
import { applyOrientation } from './orient.ts';
import type { RgbaImage } from './raster.ts';
import { decodeJpegReduced } from './reduced-jpeg.ts';
import { chooseReduction } from './reduction.ts';
import type { LargeEnough, ReductionDenominator } from './reduction.ts';
import { shrinkImage } from './shrink.ts';
import { FORMAT_NAMES } from './sniff.ts';

/**
 * libjpeg's warnings (JWRN_JPEG_EOF, JWRN_HIT_MARKER) for scan data that ends early. libjpeg does not fail on them:
 * it fills the missing rows with grey, which must not be analysed as if it were part of the photo.
 */
const MISSING_DATA_WARNINGS = [/premature end of JPEG file/i, /premature end of data segment/i];

/** Whether any of the decoder's warnings says pixel data was missing and filled in. */
function jpegWarningsShowMissingData(warnings: readonly string[]): boolean {
  return warnings.some((w) => MISSING_DATA_WARNINGS.some((pattern) => pattern.test(w)));
}

/** How much of a photo to decode. */
export interface DecodeOptions {
  /**
   * Decode a reduced copy, the smallest of 1/8, 1/4, 1/2 of each side (rounded up) that is still large enough
   * for the caller (upright sides in pixels); the analysis passes `analysisLargeEnough`. Without it the whole
   * picture is decoded (what the sync upload and the server check need).
   */
  readonly largeEnough?: LargeEnough;
}

/** An upright decoded photo, whole or reduced. */
export interface DecodedImage extends RgbaImage {
  /** The photo's own upright size, in pixels (its header's, sides swapped for EXIF orientations 5–8). */
  readonly original: { readonly width: number; readonly height: number };
  /**
   * By how much each side was reduced: `width = ceil(original.width / reduction)`, likewise the height. 1 for a
   * whole decode.
   */
  readonly reduction: ReductionDenominator;
}

/** Bytes of an image file → upright RGBA, with a platform's codecs bound (see `createImageDecoder`). */
export type ImageDecoder = (bytes: Uint8Array, options?: DecodeOptions) => Promise<DecodedImage>;

/**
 * Turns the bytes of an untrusted image file into upright RGBA pixels, or refuses them with a specific reason.
 * Steps: sniff the format from magic bytes → check the file is whole → read the header size and refuse it against
 * `limits` before any pixel is allocated → decode with the WASM codec, whole or (with `options.largeEnough`)
 * reduced → apply the EXIF orientation (OpenCV).
 *
 * A reduced JPEG is decoded at that size with libjpeg-turbo's DCT scaling (`@cwasm/jpeg-turbo`). A file libjpeg
 * warns or fails on is decoded whole by mozjpeg instead and then shrunk, so that its refusal (truncated, corrupt
 * with the codec's reason) or its pixels come from the same decoder and checks as a whole decode. A PNG or WebP is
 * decoded whole and shrunk (`shrinkImage`).
 * @param bytes the whole file (JPEG, PNG or WebP); not modified.
 * @param codecs where the platform's WASM codecs come from (`nodeCodecLoader` or `webCodecLoader`).
 * @param limits largest pixel count and smallest shorter side, in pixels, of the photo itself (not of a reduced
 *   copy); default `MAX_IMAGE_PIXELS`, `MIN_IMAGE_SIDE_PX` from `config.ts`.
 * @param options whether to decode a reduced copy (see `DecodeOptions`); default the whole picture.
 * @returns 8-bit RGBA, row-major, upright: for EXIF orientations 5–8 the header's width and height swap.
 * @throws ImageInputError for anything about the bytes: `empty`, `not_an_image`, `unsupported_format`, `truncated`,
 *   `corrupt` (with the codec's reason), `too_small`, `too_large`. Only a codec that cannot be loaded (a device or
 *   installation problem, not the photo's) throws the loader's own error.
 */
export async function decodeImage(
  bytes: Uint8Array,
  codecs: CodecLoader,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
  options: DecodeOptions = {},
): Promise<DecodedImage> {
  const info = await readImageInfo(bytes);
  checkImageLimits(info, limits);
  const original = orientedSize(info.width, info.height, info.orientation);
  const reduction =
    options.largeEnough === undefined
      ? 1
      : chooseReduction(original.width, original.height, options.largeEnough);
  const reduced =
    reduction > 1 && info.format === 'jpeg'
      ? await decodeJpegReduced(bytes, info.width, info.height, reduction, codecs)
      : undefined;
  const stored = reduced ?? (await decodeWhole(bytes, info, codecs, reduction));
  const upright =
    info.orientation === 1 ? stored : applyOrientation(await loadOpenCv(), stored, info.orientation);
  return { width: upright.width, height: upright.height, data: upright.data, original, reduction };
}

/**
 * Decodes the whole picture with the format's codec and checks it against the header (size; for a JPEG, libjpeg's
 * warnings of missing data), then shrinks it by `reduction`. Stored orientation.
 */
async function decodeWhole(
  bytes: Uint8Array,
  info: ImageInfo,
  codecs: CodecLoader,
  reduction: ReductionDenominator,
): Promise<RgbaImage> {
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
  const whole: RgbaImage = { width: pixels.width, height: pixels.height, data: pixels.data };
  return reduction === 1 ? whole : shrinkImage(await loadOpenCv(), whole, reduction);
}

/**
 * Binds a platform's codecs (and optionally other limits) once, for callers that pass a plain
 * `(bytes, options?) => Promise<DecodedImage>` around: the CLI, the preprocess worker, tests.
 */
export function createImageDecoder(
  codecs: CodecLoader,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): ImageDecoder {
  return (bytes, options) => decodeImage(bytes, codecs, limits, options);
}
