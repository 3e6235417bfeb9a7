import { ImageInputError } from '../../src/core/image/errors.ts';
import type { ImageLimits } from '../../src/core/image/limits.ts';
import { MIN_IMAGE_SIDE_PX } from '../../src/core/config.ts';
import { unprocessableImage } from '../errors.ts';

/**
 * The core's decoder, loaded on the first upload: it brings OpenCV (≈ 1.2 s and 90 MB to load), which a server that
 * never receives an image does not need.
 */
let core: Promise<{
  decode: (bytes: Uint8Array, limits: ImageLimits) => Promise<unknown>;
}> | null = null;

function loadCore() {
  core ??= Promise.all([
    import('../../src/core/image/decode.ts'),
    import('../../src/core/image/decode.node.ts'),
  ]).then(([{ decodeImage }, { nodeCodecLoader }]) => ({
    // The smallest reduction (1/8 of each side for a JPEG): libjpeg still reads every coefficient of the file, and
    // any warning or error sends it to the whole decode and its refusal, so the check is the same at a fraction of
    // the time and memory (the pixels are not kept).
    decode: (bytes: Uint8Array, limits: ImageLimits) =>
      decodeImage(bytes, nodeCodecLoader, limits, { largeEnough: () => true }),
  }));
  return core;
}

/** Decodes run one at a time: each holds an RGBA raster (a whole one for PNG and WebP) until it is checked. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Decodes an uploaded image with the same decoder the app and the CLI use (`decodeImage` in `src/core/image`):
 * format sniffed, file checked whole, header size read and refused against the limits before any pixel is
 * allocated, then pixels decoded (a JPEG at 1/8 of each side by libjpeg-turbo's DCT scaling, which still decodes
 * the whole stream) and compared with the header's size. The pixels are dropped.
 * @param limits `maxPixels` from `MAX_IMAGE_PIXELS` (config.ts); the shorter side at least `MIN_IMAGE_SIDE_PX`
 *   of the core's config (a smaller photo cannot be analysed).
 * @throws ApiError 422 `image_refused` with the decoder's reason (`truncated`, `corrupt`: e.g. a header that
 *   promises more pixels than the data holds, `too_large`, `too_small`, `unsupported_format`).
 */
export async function checkImageDecodes(bytes: Uint8Array, maxPixels: number): Promise<void> {
  const limits: ImageLimits = { maxPixels, minSidePx: MIN_IMAGE_SIDE_PX };
  const { decode } = await loadCore();
  const run = queue.then(() => decode(bytes, limits));
  queue = run.catch(() => undefined);
  try {
    await run;
  } catch (error) {
    if (error instanceof ImageInputError) {
      throw unprocessableImage(`The image does not decode (${error.code}): ${error.message}`);
    }
    // A codec that traps on hostile data is the data's fault, not the server's.
    if (error instanceof WebAssembly.RuntimeError) {
      throw unprocessableImage(`The image does not decode (corrupt): ${error.message}`);
    }
    throw error;
  }
}
