export { RETAKE_HINTS, qualityFlags } from './flags.ts';
export { measureImageQuality, qualityScaleSize } from './measure.ts';
export type { QualityOptions } from './measure.ts';
export {
  BLUR_RAMP_FACTOR,
  clippingSubscore,
  contrastSubscore,
  exposureSubscore,
  imageQualityScore,
  sharpnessSubscore,
} from './score.ts';
export { DEFAULT_QUALITY_THRESHOLDS, resolveThresholds } from './thresholds.ts';
export type { ImageQuality, QualityFigures, QualityFlag, QualityThresholds } from './types.ts';
