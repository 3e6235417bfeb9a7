/** Why a photo may need retaking. Stable codes, stored with results and counted by scoring. */
export type QualityFlag = 'blurry' | 'too_dark' | 'too_bright' | 'low_contrast' | 'too_small' | 'uncertain';

/** The four figures measured on the 512-px-long-side grey image (SPEC "Per image: quality"). */
export interface QualityFigures {
  /** Variance of the 3×3 Laplacian of the grey image, grey levels 0–255 (so units of level²); ≥ 0. */
  readonly blur_score: number;
  /** Mean luminance (BT.601 grey), 0–1. */
  readonly brightness: number;
  /** Standard deviation of luminance, 0–1 (at most 0.5). */
  readonly contrast: number;
  /** Share of pixels at or under 2 % or at or over 98 % of full scale, 0–1. */
  readonly clipped_fraction: number;
}

/** Quality of one decoded, orientation-corrected image. */
export interface ImageQuality extends QualityFigures {
  /** [0, 1], higher is better: the product of the per-figure sub-scores (see `score.ts`). */
  readonly image_quality_score: number;
  /** Flags in a fixed order: blurry, too_dark, too_bright, low_contrast, too_small, uncertain. */
  readonly flags: readonly QualityFlag[];
  /** One plain-language retake hint per flag, in the order of `flags`. */
  readonly hints: readonly string[];
  /** SPEC: set when the image is `blurry` (blur_score under BLUR_THRESHOLD) or `uncertain`. */
  readonly low_confidence: boolean;
}

/** Every threshold the quality flags and score use; defaults in `src/core/config.ts`, where each is argued. */
export interface QualityThresholds {
  /** `blurry` under this blur_score (level²). */
  readonly blur: number;
  /** `too_dark` under this brightness (0–1). */
  readonly tooDark: number;
  /** `too_bright` over this brightness (0–1). */
  readonly tooBright: number;
  /** `low_contrast` under this contrast (0–1). */
  readonly lowContrast: number;
  /** `too_small` when the original shorter side is under this many pixels. */
  readonly smallSidePx: number;
  /** `uncertain` when image_quality_score is under this. */
  readonly quality: number;
}
