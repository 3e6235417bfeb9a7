export { MAX_GAMMA, MIN_GAMMA, exposureGamma, gammaLut } from './exposure.ts';
export {
  CLAHE_CLIP_LIMIT,
  CLAHE_TILE_GRID,
  EXPOSURE_BAND,
  WORKING_SCALE,
  preprocessForModel,
} from './preprocess.ts';
export type { PreprocessOptions, PreprocessedImage } from './preprocess.ts';
export { centreCrop } from './region.ts';
export type { Region } from './region.ts';
export { modelTensor } from './tensor.ts';
