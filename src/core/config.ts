/**
 * Tunable constants of the analysis. Every figure here is recorded with results through
 * `ANALYSIS_VERSION`: change a threshold, bump the version.
 */

/** Version stamped on every analysis result; bump when any formula or threshold below changes. */
export const ANALYSIS_VERSION = 'bcd-2.1.0';

/** The default set of angles a session is photographed from (SPEC "Angles"). */
export const DEFAULT_ANGLES = [
  'front',
  'front_arms_raised',
  'left_oblique',
  'left_side',
  'right_oblique',
  'right_side',
] as const;

/** Quality figures are computed on the image scaled so its longest side is this many pixels (SPEC). */
export const QUALITY_LONG_SIDE_PX = 512;

/**
 * Minimum variance of the Laplacian (grey levels 0–255, 3×3 aperture, at 512 px long side) below which an
 * image is flagged `blurry` / low confidence. Measured on the shared photos: ordinary ones score from 79 (jesper.jpg,
 * a shallow-focus portrait) to 4838, a 150 × 103 thumbnail enlarged to 512 px 51; the sigma-12 blurred portrait
 * (bad/blurry.jpg) 2.0 and the ×0.12 under-exposed one 4.2. 15 sits near the geometric midpoint of 2 and 79
 * (12.6) and flags a Gaussian blur of σ ≥ 1.5 px at the 512-px scale on each sharp test photo (9–13), while
 * σ = 1 px (21–40) passes: blur that a phone screen shows is caught, finer blur is left to the model.
 */
export const BLUR_THRESHOLD = 15;

/**
 * Mean luminance (0–1) under which an image is flagged `too_dark`. The ×0.12 portrait (bad/dark.jpg) measures
 * 0.055, the darkest ordinary photo (a dim indoor group shot, face-api sample1.jpg) 0.149; 0.10 is their midpoint
 * and, in sRGB, about 4 stops under a mid-grey exposure.
 */
export const TOO_DARK_BRIGHTNESS = 0.1;

/**
 * Mean luminance (0–1) over which an image is flagged `too_bright`. The ×3.5 portrait (bad/overexposed.jpg)
 * measures 0.822, the brightest ordinary photo (a rose on a white background, yellow_rose.webp) 0.755; 0.79 is
 * their midpoint. A plain white wall behind the person legitimately lifts the mean, so the bar stays high.
 */
export const TOO_BRIGHT_BRIGHTNESS = 0.79;

/**
 * Standard deviation of luminance (0–1) under which an image is flagged `low_contrast`: 0.06 is 15 grey levels,
 * a flat, hazy frame. Ordinary photos measure 0.117 and up (skimage rocket.jpg the lowest), bad/dark.jpg 0.034.
 */
export const LOW_CONTRAST_THRESHOLD = 0.06;

/**
 * Grey levels at or under `CLIP_LOW` or at or over `CLIP_HIGH` (fractions of full scale) count as clipped
 * (SPEC: "under 2 % or over 98 %"): with 8-bit levels, 0–5 and 250–255.
 */
export const CLIP_LOW = 0.02;
export const CLIP_HIGH = 0.98;

/**
 * Shorter side, in pixels, of the decoded image under which it is flagged `too_small` (it is still analysed if it
 * is at least `MIN_IMAGE_SIDE_PX`). Every phone camera gives at least 1080 px; under 320 px (QVGA) the photo is a
 * thumbnail or a crop, the 512-px quality scale has to enlarge it and the model's 224-px crop has almost no
 * resolution to spare, so its figures say less about the body than about the resampling.
 */
export const SMALL_IMAGE_SIDE_PX = 320;

/** `image_quality_score` under this flags the image `uncertain` (SPEC; seeds phase 7 CONF_THRESHOLD). */
export const QUALITY_THRESHOLD = 0.5;

/** Shortest side, in pixels, of an image we are willing to analyse. */
export const MIN_IMAGE_SIDE_PX = 64;

/**
 * Largest image (width × height) decoded: room for 108 MP phone sensors, while a 30000² decompression
 * bomb (900 MP) is refused from its header. RGBA at the limit is 480 MB.
 */
export const MAX_IMAGE_PIXELS = 120_000_000;
