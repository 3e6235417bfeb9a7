import { MIN_ECC_CORRELATION } from '../change/registration.ts';
import { clamp01, mean, standardDeviation } from './stats.ts';

/** Inputs of the confidence score, each already measured by the caller. */
export interface ConfidenceInputs {
  /** `session_quality_score`, [0, 1]. */
  readonly sessionQuality: number;
  /** `angle_quality_score` of every angle present. */
  readonly angleQualities: readonly number[];
  /** Number of images of every angle present. */
  readonly imagesPerAngle: readonly number[];
  /** How many angles a complete session covers (≥ 1). */
  readonly expectedAngles: number;
  /** Sessions in the baseline. */
  readonly baselineSessions: number;
  /** `angle_aware_score` of earlier baseline sessions that had one. */
  readonly earlierScores: readonly number[];
  /** `registrationQuality` of every angle compared with a reference (none for a first session). */
  readonly registrationQualities: readonly number[];
}

/**
 * Weights of the five components; they sum to 1. Seeds phase 5 (part 2) names the components: image
 * quality, consistency across angles, number of images per angle (with angles covered), and consistency
 * with the history. The weights are BCD's own judgement: quality matters most because a poor photo moves
 * the embedding more than anything else; history next because a baseline of one session is itself noisy;
 * registration (SPEC "Change engine": registration quality feeds the confidence) because a photo that lines up
 * poorly with its reference leaves part of the frame unmeasured.
 */
const WEIGHTS = {
  quality: 0.3,
  crossAngle: 0.1,
  coverage: 0.15,
  depth: 0.1,
  history: 0.2,
  registration: 0.15,
} as const;

/**
 * Spread of angle quality scores at which cross-angle consistency reaches 0: one angle at 0.9 and the
 * next at 0.4 (sd 0.25) is as inconsistent as a session gets.
 */
const ANGLE_QUALITY_SD_AT_ZERO = 0.25;
/**
 * Spread of earlier angle-aware scores at which steadiness reaches 0: 0.15 spans more than one
 * variation level, so the history itself cannot be called steady.
 */
const EARLIER_SCORE_SD_AT_ZERO = 0.15;

/**
 * `analysis_confidence_score`, [0, 1]: a weighted mean of
 * - quality: `sessionQuality`;
 * - cross-angle consistency: `1 − sd(angleQualities)/0.25`;
 * - coverage: angles present / expected angles;
 * - depth: per angle `min(1, 0.75 + 0.25·(n − 1))` (one photo 0.75, two or more 1), averaged;
 * - history: `(1 − 0.5·e^(−b/2)) × steadiness`, with b baseline sessions (0 → 0.5, 1 → 0.70, 2 → 0.82,
 *   4 → 0.93) and steadiness `1 − sd(earlierScores)/0.15` (1 with fewer than two earlier scores).
 * - registration: mean `registrationQuality` of the compared angles (1 when none was compared).
 * Weights: {@link WEIGHTS}.
 * @throws RangeError when no angle is present or `expectedAngles` < 1.
 */
export function analysisConfidenceScore(inputs: ConfidenceInputs): number {
  if (inputs.angleQualities.length === 0) throw new RangeError('Confidence needs at least one angle');
  if (inputs.expectedAngles < 1) throw new RangeError('expectedAngles must be at least 1');
  const crossAngle = clamp01(1 - standardDeviation(inputs.angleQualities) / ANGLE_QUALITY_SD_AT_ZERO);
  const coverage = clamp01(inputs.angleQualities.length / inputs.expectedAngles);
  const depth = mean(inputs.imagesPerAngle.map((n) => Math.min(1, 0.75 + 0.25 * (n - 1))));
  const steadiness =
    inputs.earlierScores.length < 2
      ? 1
      : clamp01(1 - standardDeviation(inputs.earlierScores) / EARLIER_SCORE_SD_AT_ZERO);
  const history = (1 - 0.5 * Math.exp(-inputs.baselineSessions / 2)) * steadiness;
  const registration = inputs.registrationQualities.length === 0 ? 1 : mean(inputs.registrationQualities);
  return clamp01(
    WEIGHTS.quality * inputs.sessionQuality +
      WEIGHTS.crossAngle * crossAngle +
      WEIGHTS.coverage * coverage +
      WEIGHTS.depth * depth +
      WEIGHTS.history * history +
      WEIGHTS.registration * registration,
  );
}

/** ECC correlation at which a registration's fit counts fully; `MIN_ECC_CORRELATION` counts as 0. */
const FULL_ECC_CORRELATION = 0.95;
/** RANSAC inliers at which a feature registration's fit counts fully. */
const FULL_INLIERS = 100;
/** A feature registration is at most this good: it falls back from ECC, whose sub-pixel fit is the finer one. */
const FEATURE_CEILING = 0.8;

/**
 * How well a photo lined up with its reference, [0, 1]: 0 when it failed; else the overlap × the fit, the ECC
 * correlation ramped from `MIN_ECC_CORRELATION` (0) to `FULL_ECC_CORRELATION` (1), or for the feature fallback the inliers over
 * `FULL_INLIERS`, at most `FEATURE_CEILING`.
 */
export function registrationQuality(r: {
  readonly method: string;
  readonly ecc_correlation: number | null;
  readonly inliers: number | null;
  readonly overlap: number;
}): number {
  if (r.method === 'failed') return 0;
  const fit =
    r.ecc_correlation !== null
      ? clamp01((r.ecc_correlation - MIN_ECC_CORRELATION) / (FULL_ECC_CORRELATION - MIN_ECC_CORRELATION))
      : FEATURE_CEILING * Math.min(1, (r.inliers ?? 0) / FULL_INLIERS);
  return clamp01(r.overlap) * fit;
}
