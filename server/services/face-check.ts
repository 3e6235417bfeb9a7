import { FACE_REFUSE_MIN_SCORE } from '../../src/core/faces/detector.ts';
import type { FaceDetector } from '../../src/core/faces/detector.ts';
import type { DecodedImage } from '../../src/core/image/decode.ts';
import { ImageInputError } from '../../src/core/image/errors.ts';
import type { ImageLimits } from '../../src/core/image/limits.ts';
import { MIN_IMAGE_SIDE_PX } from '../../src/core/config.ts';
import { unprocessableImage } from '../errors.ts';

/**
 * The core's decoder and face detector, loaded on the first upload that needs a face check (tfjs's WASM backend and
 * ≈ 6 MB of weights), which a server whose participants all share faces, or that receives no image, never loads.
 */
let core: Promise<{
  decode: (bytes: Uint8Array, limits: ImageLimits) => Promise<DecodedImage>;
  detector: FaceDetector;
}> | null = null;

function loadCore() {
  core ??= Promise.all([
    import('../../src/core/image/decode.ts'),
    import('../../src/core/image/decode.node.ts'),
    import('../../src/core/faces/detector.node.ts').then((m) => m.nodeFaceDetector()),
  ]).then(([{ decodeImage }, { nodeCodecLoader }, detector]) => ({
    // The whole picture, as the device searched it: the detector box-averages it by the same factor there and here.
    decode: (bytes: Uint8Array, limits: ImageLimits) => decodeImage(bytes, nodeCodecLoader, limits),
    detector,
  }));
  core.catch(() => {
    core = null;
  });
  return core;
}

/** Checks run one at a time: each holds a whole RGBA raster (48 MB for 12 MP) while the detector reads it. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Refuses an uploaded image in which the device's face detector (the same weights and kernels: `src/core/faces`)
 * finds a face at `FACE_REFUSE_MIN_SCORE` or more. Called for participants whose consent does not include `faces`;
 * the app blurs faces before upload at a lower score, so a photo it prepared passes.
 * @param bytes an image that already passed `checkImageDecodes` (a decode failure here is reported the same way).
 * @param maxPixels `MAX_IMAGE_PIXELS` (config.ts).
 * @throws ApiError 422 `image_refused` naming the reason and how many faces were found.
 */
export async function checkNoFace(bytes: Uint8Array, maxPixels: number): Promise<void> {
  const limits: ImageLimits = { maxPixels, minSidePx: MIN_IMAGE_SIDE_PX };
  const { decode, detector } = await loadCore();
  const run = queue.then(async () => detector.find(await decode(bytes, limits), FACE_REFUSE_MIN_SCORE));
  queue = run.catch(() => undefined);
  const faces = await run.catch((error: unknown) => {
    throw error instanceof ImageInputError
      ? unprocessableImage(`The image does not decode: ${error.message}`)
      : error;
  });
  if (faces.length > 0) {
    throw unprocessableImage(
      `The image shows ${faces.length === 1 ? 'a face' : `${faces.length} faces`} and this participant's ` +
        "consent does not include sharing faces ('faces' scope): blur faces on the device before uploading",
    );
  }
}
