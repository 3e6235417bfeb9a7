import type { ModelManifest } from '../../model/manifest.ts';
import type { ImageChange } from '../change/angle-change.ts';
import { syntheticNoiseSamples } from '../change/noise-floor.ts';
import { makeChangeRaster } from '../change/raster.ts';
import type { OpenCv } from '../cv.ts';
import type { RgbaImage } from '../image/raster.ts';
import { preprocessForModel } from '../preprocess/index.ts';
import type { PreprocessedImage } from '../preprocess/index.ts';
import { measureImageQuality } from '../quality/index.ts';
import type { ImageQuality, QualityOptions } from '../quality/index.ts';

/** Milliseconds spent in each stage of {@link prepareImage}. */
export interface PrepareTimings {
  readonly decode_ms: number;
  readonly quality_ms: number;
  readonly preprocess_ms: number;
  /** Change raster and its synthetic noise samples (the change engine's per-photo work). */
  readonly change_ms: number;
}

/** One image, decoded, measured and ready for the embedding model. */
export interface PreparedImage {
  /** Size after EXIF orientation, in pixels. */
  readonly width: number;
  readonly height: number;
  readonly quality: ImageQuality;
  readonly model_input: PreprocessedImage;
  /** What the change engine keeps of the photo (SPEC "Change engine"). */
  readonly change: ImageChange;
  readonly timings: PrepareTimings;
}

/** What {@link prepareImage} runs on; each platform binds its own decoder (WASM codecs loaded its own way). */
export interface PrepareDeps {
  readonly cv: OpenCv;
  /** Bytes → orientation-corrected RGBA; throws `ImageInputError` for input it refuses. */
  readonly decode: (bytes: Uint8Array) => Promise<RgbaImage>;
  readonly manifest: Pick<ModelManifest, 'input' | 'normalization'>;
  readonly quality?: QualityOptions;
}

/** Measures only quality (the fast path a capture slot shows right after a photo). */
export async function checkImageQuality(
  bytes: Uint8Array,
  deps: Omit<PrepareDeps, 'manifest'>,
): Promise<{ width: number; height: number; quality: ImageQuality }> {
  const img = await deps.decode(bytes);
  return { width: img.width, height: img.height, quality: measureImageQuality(deps.cv, img, deps.quality) };
}

/**
 * The per-image pipeline shared by the browser's preprocess worker, the CLI and the benchmarks:
 * decode (sniff, header limits, WASM codec, EXIF orientation) → quality figures → model input tensor → the change
 * engine's raster and synthetic noise samples (computed once here, so a photo is ready to be a reference).
 * The embedding itself runs elsewhere (a separate worker on the device), so it is not part of this step.
 * @throws ImageInputError when the bytes are refused (empty, not an image, truncated, too small, too large…).
 */
export async function prepareImage(bytes: Uint8Array, deps: PrepareDeps): Promise<PreparedImage> {
  const t0 = performance.now();
  const img = await deps.decode(bytes);
  const t1 = performance.now();
  const quality = measureImageQuality(deps.cv, img, deps.quality);
  const t2 = performance.now();
  const model_input = preprocessForModel(deps.cv, img, deps.manifest);
  const t3 = performance.now();
  const raster = makeChangeRaster(deps.cv, img);
  const change = { raster, noise_samples: syntheticNoiseSamples(deps.cv, raster, raster) };
  const t4 = performance.now();
  return {
    width: img.width,
    height: img.height,
    quality,
    model_input,
    change,
    timings: { decode_ms: t1 - t0, quality_ms: t2 - t1, preprocess_ms: t3 - t2, change_ms: t4 - t3 },
  };
}
