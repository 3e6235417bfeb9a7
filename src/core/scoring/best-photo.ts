import type { ImageChange } from '../change/angle-change.ts';

/** What the best-photo rule reads of an image. */
export interface PhotoCandidate {
  readonly angle: string;
  readonly quality: { readonly image_quality_score: number };
}

/**
 * The photo of `angle` that the change engine compares (and registers references to): the one with the highest
 * `image_quality_score` among those that have a change raster (the first of equals). One rule for the scoring core
 * and the app's capture-time check.
 * @param changeOf the image's change raster and noise samples, or undefined when it has none.
 */
export function bestPhotoChange<T extends PhotoCandidate>(
  images: readonly T[],
  angle: string,
  changeOf: (image: T) => ImageChange | undefined,
): ImageChange | undefined {
  let best: { score: number; change: ImageChange } | undefined;
  for (const image of images) {
    const change = image.angle === angle ? changeOf(image) : undefined;
    if (change === undefined) continue;
    if (best === undefined || image.quality.image_quality_score > best.score) {
      best = { score: image.quality.image_quality_score, change };
    }
  }
  return best?.change;
}
