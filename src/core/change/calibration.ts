/** The calibrated score of a raw score at the noise floor: the Stable / Mild Variation bound (SPEC levels). */
export const SCORE_AT_NOISE_FLOOR = 0.1;
/**
 * Growth of the calibrated score past the noise floor: `1 − 0.9·e^(−k(z−1))` with k = ln(0.9 / 0.55), so twice the
 * floor's distance from the typical noise (z = 2) reaches 0.45, the start of Higher Variation, three times 0.66 and
 * four times 0.80, Strong Variation: a difference that no retake of the person's has shown is not a mild one.
 */
const GROWTH = Math.log(0.9 / 0.55);
/** One-sided 95 % point of the standard normal: the SPEC pins the person's 95th noise percentile to 0.10. */
const Z95 = 1.6449;
/**
 * Least distance, ΔE*, between the typical noise and the floor: about half a just-noticeable difference (2.3,
 * Sharma 2003). A history of near-identical retakes would otherwise have a floor so tight that any flicker of the
 * colour pipeline, or capture noise of a kind the person has not shown yet, reads as change.
 */
export const MIN_NOISE_MARGIN = 1;

/** A person's noise for one angle, in raw-score units (ΔE*, see `comparePair`). */
export interface NoiseModel {
  /** The typical noise: the mean of the samples. */
  readonly mean: number;
  /** The noise floor: the 95th percentile, at least `MIN_NOISE_MARGIN` over the mean. */
  readonly p95: number;
}

/**
 * The noise model used when a photo has no noise sample at all (every augmented pair failed to register, as on a
 * flat or tiny photo, and there is no earlier session): the mean of ordinary retake pairs on the tuning photos
 * (−1.3 … +0.1 ΔE*, mean ≈ −0.7) and the least margin above it.
 */
export const PRIOR_NOISE: NoiseModel = { mean: -0.7, p95: -0.7 + MIN_NOISE_MARGIN };

/**
 * The personal noise model of one angle (SPEC "Change engine" step 4): a normal distribution fitted to the pooled
 * samples, the real ones (this angle's earlier sessions compared with their references) and the synthetic ones
 * (augmented pairs of the reference photos); its 95th percentile, mean + 1.645·sd, is the floor. A fitted quantile
 * is steadier than the order statistics of the 8–40 samples a person has. On the tuning photos the synthetic and
 * real samples of the same photo spread alike (both −1.3 … +0.1 ΔE* for ordinary retakes), so they pool unweighted.
 * With no sample at all, `PRIOR_NOISE`.
 */
export function noiseFloor(synthetic: readonly number[], real: readonly number[]): NoiseModel {
  const pooled = [...real, ...synthetic];
  if (pooled.length === 0) return PRIOR_NOISE;
  const mean = pooled.reduce((a, b) => a + b, 0) / pooled.length;
  const sd = Math.sqrt(pooled.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, pooled.length - 1));
  return { mean, p95: mean + Math.max(MIN_NOISE_MARGIN, Z95 * sd) };
}

/**
 * Maps a raw local-change score into [0, 1] against the person's noise (SPEC step 4), so the 95th noise percentile
 * lands on `SCORE_AT_NOISE_FLOOR` and the seed's levels keep their meaning. With z = (raw − mean) / (p95 − mean):
 * 0 at or below the typical noise, `0.1·z²` up to the floor (ordinary retakes stay well inside Stable) and
 * `1 − 0.9·e^(−k(z−1))` beyond it (see `GROWTH`). Monotone and continuous; it approaches 1 (in floating point it
 * reaches 1.0 from z ≈ 75).
 */
export function calibratedScore(raw: number, noise: NoiseModel): number {
  const z = Math.max(0, (raw - noise.mean) / (noise.p95 - noise.mean));
  if (z <= 1) return SCORE_AT_NOISE_FLOOR * z * z;
  return 1 - (1 - SCORE_AT_NOISE_FLOOR) * Math.exp(-GROWTH * (z - 1));
}
