import type { QualityFigures, QualityThresholds } from './types.ts';

/**
 * Ratio between the blur_score at which sharpness counts as fully good (or as hopeless) and the `blurry`
 * threshold. With the threshold at 15: 3 (σ ≈ 3 px of blur at the 512-px scale) scores 0, 75 (the softest
 * ordinary portrait, jesper.jpg, measures 79) scores 1.
 */
export const BLUR_RAMP_FACTOR = 5;

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/**
 * Sharpness sub-score in [0, 1]: linear in log(blur_score), 0.5 at the `blurry` threshold T, 0 at T / 5, 1 at 5·T.
 * Logarithmic because the Laplacian variance spans three orders of magnitude across ordinary photos and scales
 * with contrast², so ratios, not differences, are comparable. Non-decreasing in blur_score; 0 for 0.
 */
export function sharpnessSubscore(blurScore: number, threshold: number): number {
  if (blurScore <= 0) return 0;
  return clamp01(0.5 + (0.5 * Math.log(blurScore / threshold)) / Math.log(BLUR_RAMP_FACTOR));
}

/**
 * Exposure sub-score in [0, 1]: two linear ramps, 0 at black (brightness 0) and at white (1), 0.5 at the
 * `too_dark` / `too_bright` thresholds, 1 in between from twice the dark threshold up to the bright threshold's
 * mirror (with the defaults 0.20–0.58). Non-decreasing below that band, non-increasing above.
 */
export function exposureSubscore(brightness: number, tooDark: number, tooBright: number): number {
  return Math.min(clamp01(brightness / (2 * tooDark)), clamp01((1 - brightness) / (2 * (1 - tooBright))));
}

/** Contrast sub-score in [0, 1]: linear from 0 at contrast 0 through 0.5 at the `low_contrast` threshold to 1 at twice it. */
export function contrastSubscore(contrast: number, lowContrast: number): number {
  return clamp01(contrast / (2 * lowContrast));
}

/**
 * Clipping sub-score in [0, 1]: the share of pixels that still hold detail, 1 − clipped_fraction. There is no
 * clipping flag (SPEC), so clipping alone lowers the score only in proportion to the detail it destroys.
 */
export function clippingSubscore(clippedFraction: number): number {
  return clamp01(1 - clippedFraction);
}

/**
 * `image_quality_score` in [0, 1]: the product of the four sub-scores. A product, not a mean, because one failed
 * figure (a blurred or black frame) makes the photo unusable however good the others are. Each of the flagged
 * figures scores exactly 0.5 at its flag threshold, so with `QUALITY_THRESHOLD` at its default 0.5 any of
 * `blurry`, `too_dark`, `too_bright`, `low_contrast` also makes the image `uncertain`, and several mild
 * shortfalls together can too. Monotone: non-decreasing in blur_score and contrast, non-increasing in
 * clipped_fraction, unimodal in brightness.
 */
export function imageQualityScore(figures: QualityFigures, t: QualityThresholds): number {
  return (
    sharpnessSubscore(figures.blur_score, t.blur) *
    exposureSubscore(figures.brightness, t.tooDark, t.tooBright) *
    contrastSubscore(figures.contrast, t.lowContrast) *
    clippingSubscore(figures.clipped_fraction)
  );
}
