/**
 * Tunable constants of the analysis. Every figure here is recorded with results through
 * `ANALYSIS_VERSION`: change a threshold, bump the version.
 */

/** Version stamped on every analysis result; bump when any formula or threshold below changes. */
export const ANALYSIS_VERSION = 'bcd-1.0.0';

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
 * image is flagged `blurry` / low confidence. Chosen from the shared test photos: sharp portraits measure
 * in the hundreds, the sigma-12 blurred portrait in ../shared/data/bad measures under 10.
 */
export const BLUR_THRESHOLD = 50;

/** `image_quality_score` under this flags the image `uncertain` (SPEC; seeds phase 7 CONF_THRESHOLD). */
export const QUALITY_THRESHOLD = 0.5;

/** Shortest side, in pixels, of an image we are willing to analyse. */
export const MIN_IMAGE_SIDE_PX = 64;

/**
 * Largest image (width × height) decoded: room for 108 MP phone sensors, while a 30000² decompression
 * bomb (900 MP) is refused from its header. RGBA at the limit is 480 MB.
 */
export const MAX_IMAGE_PIXELS = 120_000_000;
