import type { ModelManifest } from '../../model/manifest.ts';
import type { ImageChange } from '../change/angle-change.ts';
import { syntheticNoiseSamples } from '../change/noise-floor.ts';
import { makeChangeRaster } from '../change/raster.ts';
import type { OpenCv } from '../cv.ts';
import type { DecodedImage, ImageDecoder } from '../image/decode.ts';
import { preprocessForModel } from '../preprocess/index.ts';
import type { PreprocessedImage } from '../preprocess/index.ts';
import { measureImageQuality } from '../quality/index.ts';
import type { ImageQuality, QualityOptions } from '../quality/index.ts';
import { analysisLargeEnough } from './analysis-size.ts';

/** Milliseconds spent in each stage of {@link prepareImage}. */
export interface PrepareTimings {
  readonly decode_ms: number;
  readonly quality_ms: number;
  readonly preprocess_ms: number;
  /** Change raster and, unless left for later, its synthetic noise samples (the change engine's per-photo work). */
  readonly change_ms: number;
}

/** One image, decoded, measured and ready for the embedding model. */
export interface PreparedImage {
  /** The photo's size after EXIF orientation, in pixels (not that of the reduced copy the analysis decoded). */
  readonly width: number;
  readonly height: number;
  readonly quality: ImageQuality;
  readonly model_input: PreprocessedImage;
  /** What the change engine keeps of the photo (SPEC "Change engine"); its `faces` are the caller's to add. */
  readonly change: ImageChange;
  /**
   * The upright decode the figures were measured on (reduced as `analysisLargeEnough` allows), when
   * `options.keepDecoded`: what the face detector searches (`facesForChange`); else null.
   */
  readonly decoded: DecodedImage | null;
  readonly timings: PrepareTimings;
}

/** What {@link prepareImage} runs on; each platform binds its own decoder (WASM codecs loaded its own way). */
export interface PrepareDeps {
  readonly cv: OpenCv;
  /**
   * Bytes → orientation-corrected RGBA, reduced as `options` allow; throws `ImageInputError` for input it refuses.
   */
  readonly decode: ImageDecoder;
  readonly manifest: Pick<ModelManifest, 'input' | 'normalization'>;
  readonly quality?: QualityOptions;
}

/**
 * Measures only quality (the fast path a capture slot shows right after a photo), on the same reduced decode as
 * `prepareImage`, so the figures are the ones the analysis then stores.
 * @returns the photo's upright size in pixels and its quality.
 * @throws ImageInputError when the bytes are refused.
 */
export async function checkImageQuality(
  bytes: Uint8Array,
  deps: Omit<PrepareDeps, 'manifest'> & { readonly manifest: Pick<ModelManifest, 'input'> },
): Promise<{ width: number; height: number; quality: ImageQuality }> {
  const img = await deps.decode(bytes, { largeEnough: analysisLargeEnough(deps.manifest.input) });
  return { ...img.original, quality: measureDecodedQuality(deps.cv, img, deps.quality) };
}

/**
 * `measureImageQuality` of a decoded photo, whole or reduced: the figures are measured on the decoded pixels (at
 * the 512-px quality scale either way), the `too_small` flag on the photo's own size.
 */
export function measureDecodedQuality(
  cv: OpenCv,
  img: DecodedImage,
  options: QualityOptions = {},
): ImageQuality {
  return measureImageQuality(cv, img, {
    ...options,
    shortSidePx: Math.min(img.original.width, img.original.height),
  });
}

/** What {@link prepareImage} leaves out. */
export interface PrepareOptions {
  /**
   * Compute the change engine's synthetic noise samples now (default true). They are four fifths of the photo's
   * cost and matter only once the photo is a reference, so a new session can be scored without them and have them
   * filled in afterwards (`withNoiseSamples`): false leaves `change.noise_samples` null.
   */
  readonly noiseSamples?: boolean;
  /** Return the decoded photo as `decoded` (default false), for the face detector. */
  readonly keepDecoded?: boolean;
}

/**
 * The per-image pipeline shared by the browser's preprocess worker, the CLI and the benchmarks:
 * decode (sniff, header limits, WASM codec reduced to what the analysis needs, `analysisLargeEnough`, EXIF
 * orientation) → quality figures → model input tensor → the change engine's raster and (unless
 * `options.noiseSamples` is false) its synthetic noise samples, so a photo is ready to be a reference.
 * The embedding itself runs elsewhere (a separate worker on the device), so it is not part of this step.
 * @throws ImageInputError when the bytes are refused (empty, not an image, truncated, too small, too large…).
 */
export async function prepareImage(
  bytes: Uint8Array,
  deps: PrepareDeps,
  options: PrepareOptions = {},
): Promise<PreparedImage> {
  const t0 = performance.now();
  const img = await deps.decode(bytes, { largeEnough: analysisLargeEnough(deps.manifest.input) });
  const t1 = performance.now();
  const quality = measureDecodedQuality(deps.cv, img, deps.quality);
  const t2 = performance.now();
  const model_input = preprocessForModel(deps.cv, img, deps.manifest);
  const t3 = performance.now();
  const raster = makeChangeRaster(deps.cv, img);
  const change = {
    raster,
    noise_samples: options.noiseSamples === false ? null : syntheticNoiseSamples(deps.cv, raster, raster),
  };
  const t4 = performance.now();
  return {
    width: img.original.width,
    height: img.original.height,
    quality,
    model_input,
    change,
    decoded: options.keepDecoded === true ? img : null,
    timings: { decode_ms: t1 - t0, quality_ms: t2 - t1, preprocess_ms: t3 - t2, change_ms: t4 - t3 },
  };
}
