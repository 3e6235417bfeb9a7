import type { Mat } from '@techstark/opencv-js';
import { CLIP_HIGH, CLIP_LOW, QUALITY_LONG_SIDE_PX } from '../config.ts';
import type { OpenCv } from '../cv.ts';
import type { RgbaImage } from '../image/raster.ts';
import { RETAKE_HINTS, qualityFlags } from './flags.ts';
import { rgbaToMat } from './raster-mat.ts';
import { imageQualityScore } from './score.ts';
import { resolveThresholds } from './thresholds.ts';
import type { ImageQuality, QualityFigures, QualityThresholds } from './types.ts';

export interface QualityOptions {
  /** Overrides of the configured thresholds (SPEC: BLUR_THRESHOLD is configurable). */
  readonly thresholds?: Partial<QualityThresholds>;
  /**
   * Shorter side of the photo itself, in pixels, when `img` is a reduced copy of it (`DecodedImage.original`): the
   * `too_small` flag is about the photo, not the copy. Default: `img`'s shorter side.
   */
  readonly shortSidePx?: number;
}

/** Grey levels that count as clipped: v ≤ DARK_LEVEL or v ≥ BRIGHT_LEVEL (0–5 and 250–255 for 2 % / 98 %). */
const DARK_LEVEL = Math.floor(CLIP_LOW * 255);
const BRIGHT_LEVEL = Math.ceil(CLIP_HIGH * 255);

/**
 * Size of the image on which quality is measured: longest side `QUALITY_LONG_SIDE_PX` (512), aspect kept, each
 * side at least 1 px. Small images are enlarged too, so every figure is taken at the same scale: measured as they
 * are, 150–400 px copies of a 800 px portrait gave a Laplacian variance 1.8–4× the full photo's (228), i.e. small
 * images would look sharp exactly when they hold the least detail.
 */
export function qualityScaleSize(width: number, height: number): { width: number; height: number } {
  const scale = QUALITY_LONG_SIDE_PX / Math.max(width, height);
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/**
 * Measures the quality of one decoded, orientation-corrected image (SPEC "Per image: quality").
 *
 * The RGBA image is converted to grey with BT.601 weights (`cv.cvtColor` RGBA2GRAY; alpha is ignored) and scaled
 * to a 512-px long side: `INTER_AREA` when shrinking, `INTER_CUBIC` when enlarging (cubic keeps more of what
 * detail there is than bilinear: a 400-px copy of the 800-px jesper_2 portrait measures 152 vs 93; the full
 * photo, 228). On that grey image, levels 0–255:
 * - `blur_score` = variance of `cv.Laplacian` (CV_64F, ksize 1: kernel [0,1,0; 1,−4,1; 0,1,0], borders reflected);
 * - `brightness` = mean / 255, `contrast` = standard deviation / 255 (population, over all pixels);
 * - `clipped_fraction` = share of pixels ≤ 5 or ≥ 250 (2 % / 98 % of full scale).
 * Score and flags: see `imageQualityScore` and `qualityFlags`; thresholds and their reasons in `config.ts`.
 *
 * Every Mat is freed before returning, also on error.
 * @param img 8-bit RGBA, row-major.
 * @throws RangeError if `img` is malformed or `opts.thresholds` are inconsistent.
 */
export function measureImageQuality(cv: OpenCv, img: RgbaImage, opts: QualityOptions = {}): ImageQuality {
  const t = resolveThresholds(opts.thresholds);
  const figures = measureFigures(cv, img);
  const score = imageQualityScore(figures, t);
  const flags = qualityFlags(figures, opts.shortSidePx ?? Math.min(img.width, img.height), score, t);
  return {
    ...figures,
    image_quality_score: score,
    flags,
    hints: flags.map((f) => RETAKE_HINTS[f]),
    low_confidence: flags.includes('blurry') || flags.includes('uncertain'),
  };
}

function measureFigures(cv: OpenCv, img: RgbaImage): QualityFigures {
  const owned: Mat[] = [];
  const own = (m: Mat): Mat => {
    owned.push(m);
    return m;
  };
  try {
    const rgba = own(rgbaToMat(cv, img));
    // Grey before scaling: a 12 MP photo is resampled as one channel instead of four.
    const grey = own(new cv.Mat());
    cv.cvtColor(rgba, grey, cv.COLOR_RGBA2GRAY);
    const size = qualityScaleSize(img.width, img.height);
    let scaled = grey;
    if (size.width !== img.width || size.height !== img.height) {
      scaled = own(new cv.Mat());
      const shrink = size.width < img.width;
      cv.resize(
        grey,
        scaled,
        new cv.Size(size.width, size.height),
        0,
        0,
        shrink ? cv.INTER_AREA : cv.INTER_CUBIC,
      );
    }

    const lap = own(new cv.Mat());
    cv.Laplacian(scaled, lap, cv.CV_64F, 1);
    const mean = own(new cv.Mat());
    const std = own(new cv.Mat());
    cv.meanStdDev(lap, mean, std);
    const blurScore = (std.data64F[0] ?? 0) ** 2;
    cv.meanStdDev(scaled, mean, std);
    const brightness = (mean.data64F[0] ?? 0) / 255;
    const contrast = (std.data64F[0] ?? 0) / 255;

    const above = own(new cv.Mat());
    cv.threshold(scaled, above, DARK_LEVEL, 255, cv.THRESH_BINARY);
    const notDark = cv.countNonZero(above);
    cv.threshold(scaled, above, BRIGHT_LEVEL - 1, 255, cv.THRESH_BINARY);
    const bright = cv.countNonZero(above);
    const pixels = scaled.rows * scaled.cols;

    return {
      blur_score: blurScore,
      brightness,
      contrast,
      clipped_fraction: (pixels - notDark + bright) / pixels,
    };
  } finally {
    for (const m of owned) m.delete();
  }
}
