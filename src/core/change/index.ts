export {
  CELL_OUTSIDE,
  RECENT_REFERENCES,
  angleLocalChange,
  type AngleLocalChange,
  type AngleRegistration,
  type AngleRegistrationFailure,
  type CalibratedChange,
  type ChangeMap,
  type ImageChange,
  type NoiseFloorInfo,
  type ReferenceComparison,
} from './angle-change.ts';
export { calibratedScore, noiseFloor } from './calibration.ts';
export { withNoiseSamples } from './noise-floor.ts';
export { CHANGE_LONG_SIDE, makeChangeRaster, type ChangeRaster } from './raster.ts';
export { registeredPair, type RegisteredPair } from './registered-pair.ts';
export type { Registration, RegistrationMethod } from './registration.ts';
