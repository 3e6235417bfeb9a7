import { transfer } from 'comlink';
import type { OpenCv } from '../../src/core/cv.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';
import { checkImageQuality, prepareImage } from '../../src/core/pipeline/prepare-image.ts';
import type { PrepareTimings } from '../../src/core/pipeline/prepare-image.ts';
import type { ImageQuality } from '../../src/core/quality/index.ts';
import type { ModelManifest } from '../../src/model/manifest.ts';
import { withWireErrors } from '../wire-error.ts';

/** JPEG quality of the thumbnail: it is shown small, next to the photo it was made from. */
const THUMBNAIL_JPEG_QUALITY = 0.9;

/** The size and quality of a photo, as a capture slot shows right after it is taken. */
export interface QualityCheck {
  readonly width: number;
  readonly height: number;
  readonly quality: ImageQuality;
}

/** One photo prepared for the embedding model. */
export interface PreparedPhoto extends QualityCheck {
  /** The model's input for a batch of one, in the manifest's layout and normalisation (transferred, not copied). */
  readonly tensor: Float32Array;
  /** What the model saw before its normalisation (`manifest.input` size), as a JPEG. */
  readonly thumbnail: Blob;
  readonly timings: PrepareTimings;
}

/**
 * The preprocess worker's API (comlink). Every method throws a `WireError` (`code` from `ImageInputError`, or
 * `analysis_failed`) rather than an `Error`, so the code survives the trip to the page.
 */
export interface PreprocessApi {
  /** Decodes `file` (EXIF orientation applied) and measures its quality. */
  checkQuality(file: Blob): Promise<QualityCheck>;
  /** Decodes `file`, measures its quality and prepares the model input for `model`, with per-stage timings. */
  prepare(file: Blob, model: Pick<ModelManifest, 'input' | 'normalization'>): Promise<PreparedPhoto>;
}

/** What the preprocess API runs on: the shared OpenCV.js build and a platform decoder of the shared codecs. */
export interface PreprocessDeps {
  readonly cv: () => Promise<OpenCv>;
  /** Bytes → orientation-corrected RGBA; throws `ImageInputError` for input it refuses. */
  readonly decode: () => Promise<(bytes: Uint8Array) => Promise<RgbaImage>>;
}

/**
 * Implements `PreprocessApi` on the shared pipeline (`prepareImage`: decode → quality → preprocess), the same code
 * the CLI runs, so the figures on the device equal the CLI's.
 */
export function createPreprocessApi(deps: PreprocessDeps): PreprocessApi {
  let ready: Promise<{ cv: OpenCv; decode: (bytes: Uint8Array) => Promise<RgbaImage> }> | undefined;
  const runtime = () => {
    ready ??= Promise.all([deps.cv(), deps.decode()]).then(([cv, decode]) => ({ cv, decode }));
    // A failed start (say, a codec's WASM could not be fetched) is retried by the next call.
    ready.catch(() => (ready = undefined));
    return ready;
  };
  return {
    checkQuality: (file) =>
      withWireErrors(async () => {
        const [bytes, rt] = await Promise.all([readBytes(file), runtime()]);
        const { width, height, quality } = await checkImageQuality(bytes, rt);
        return { width, height, quality };
      }),
    prepare: (file, model) =>
      withWireErrors(async () => {
        const [bytes, rt] = await Promise.all([readBytes(file), runtime()]);
        const prepared = await prepareImage(bytes, { ...rt, manifest: model });
        const input = prepared.model_input;
        const photo: PreparedPhoto = {
          width: prepared.width,
          height: prepared.height,
          quality: prepared.quality,
          tensor: input.tensor,
          thumbnail: await jpegThumbnail(input.rgba, input.width, input.height),
          timings: prepared.timings,
        };
        return transfer(photo, [input.tensor.buffer]);
      }),
  };
}

async function readBytes(file: Blob): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

/**
 * Encodes RGBA pixels as a JPEG with the browser's encoder: the thumbnail is only looked at, never measured, so
 * it does not need the shared codecs that keep the figures equal to the CLI's.
 */
async function jpegThumbnail(rgba: Uint8ClampedArray, width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('OffscreenCanvas 2D is unavailable in this worker');
  context.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: THUMBNAIL_JPEG_QUALITY });
}
