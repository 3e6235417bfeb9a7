import {
  BLUR_THRESHOLD,
  LOW_CONTRAST_THRESHOLD,
  QUALITY_THRESHOLD,
  SMALL_IMAGE_SIDE_PX,
  TOO_BRIGHT_BRIGHTNESS,
  TOO_DARK_BRIGHTNESS,
} from '../config.ts';
import type { QualityThresholds } from './types.ts';

/** The configured thresholds (`src/core/config.ts`). */
export const DEFAULT_QUALITY_THRESHOLDS: QualityThresholds = {
  blur: BLUR_THRESHOLD,
  tooDark: TOO_DARK_BRIGHTNESS,
  tooBright: TOO_BRIGHT_BRIGHTNESS,
  lowContrast: LOW_CONTRAST_THRESHOLD,
  smallSidePx: SMALL_IMAGE_SIDE_PX,
  quality: QUALITY_THRESHOLD,
};

/**
 * Merges overrides into the defaults and checks that the score's ramps stay well defined.
 * @throws RangeError unless blur > 0, 0 < tooDark < tooBright < 1, lowContrast > 0, smallSidePx ≥ 1 and
 *   0 ≤ quality ≤ 1.
 */
export function resolveThresholds(overrides: Partial<QualityThresholds> = {}): QualityThresholds {
  const t = { ...DEFAULT_QUALITY_THRESHOLDS, ...overrides };
  const ok =
    t.blur > 0 &&
    t.tooDark > 0 &&
    t.tooDark < t.tooBright &&
    t.tooBright < 1 &&
    t.lowContrast > 0 &&
    t.smallSidePx >= 1 &&
    t.quality >= 0 &&
    t.quality <= 1;
  if (!ok) throw new RangeError(`Inconsistent quality thresholds: ${JSON.stringify(t)}`);
  return t;
}
