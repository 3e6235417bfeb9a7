import { clamp01, mean, standardDeviation } from './stats.ts';
import type { ImageQualitySummary, ScoredImage } from './types.ts';

/**
 * Spread of brightness (mean luminance, 0–1) across a session's images at which brightness consistency
 * reaches 0. 0.2 is the gap between a dim indoor photo (≈ 0.3) and a bright daylight one (≈ 0.7) seen
 * one standard deviation apart: photos that far apart are not taken under the same conditions.
 */
const BRIGHTNESS_SD_AT_ZERO = 0.2;
/** Same for contrast (luminance standard deviation, typically 0.15–0.30 for portraits): half the range above. */
const CONTRAST_SD_AT_ZERO = 0.1;

/** `angle_quality_score` (SPEC): mean `image_quality_score` of the angle's images, [0, 1]. */
export function angleQualityScore(images: readonly ScoredImage[]): number {
  return mean(images.map((i) => i.quality.image_quality_score));
}

/**
 * How alike the capture conditions of a session's images are, [0, 1] (seeds phase 5: "compare brightness,
 * contrast across images in same session"): `(1 − sd(brightness)/0.2) × (1 − sd(contrast)/0.1)`, each clamped.
 * One image is perfectly consistent (1).
 */
export function captureConsistency(images: readonly ScoredImage[]): number {
  const b = clamp01(1 - standardDeviation(images.map((i) => i.quality.brightness)) / BRIGHTNESS_SD_AT_ZERO);
  const c = clamp01(1 - standardDeviation(images.map((i) => i.quality.contrast)) / CONTRAST_SD_AT_ZERO);
  return b * c;
}

/**
 * `session_quality_score` (SPEC): mean of the angle quality scores × capture consistency, [0, 1].
 * @param angleQualities the angle_quality_score of each angle present.
 */
export function sessionQualityScore(
  angleQualities: readonly number[],
  images: readonly ScoredImage[],
): number {
  return mean(angleQualities) * captureConsistency(images);
}

/** `image_quality_summary` trust indicator: counts and figures over the analysed images. */
export function imageQualitySummary(images: readonly ScoredImage[]): ImageQualitySummary {
  const scores = images.map((i) => i.quality.image_quality_score);
  const flag_counts: Record<string, number> = {};
  for (const image of images)
    for (const flag of image.quality.flags) flag_counts[flag] = (flag_counts[flag] ?? 0) + 1;
  return {
    images: images.length,
    mean_image_quality: mean(scores),
    min_image_quality: Math.min(...scores),
    flag_counts,
  };
}
