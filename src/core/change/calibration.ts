/** The calibrated score of a raw score equal to the noise floor: the Stable / Mild Variation bound (SPEC levels). */
export const SCORE_AT_NOISE_FLOOR = 0.1;
/**
 * Growth of the calibrated score past the noise floor: `1 − 0.9·e^(−k(z−1))` with k = ln(0.9 / 0.55), so twice the
 * person's own 95th-percentile noise (z = 2) reaches 0.45, the start of Higher Variation, and three times 0.70,
 * Strong Variation: a difference that no retake of theirs has shown is not a mild one.
 */
const GROWTH = Math.log(0.9 / 0.55);

/**
 * Maps a raw local-change score (ΔE*) into [0, 1] against the person's noise floor (the 95th percentile of their own
 * noise, ΔE*, from `noiseFloor`), so the floor lands on `SCORE_AT_NOISE_FLOOR` and the seed's levels keep their meaning: with
 * z = raw / floor, `0.1·z²` up to the floor (ordinary retakes stay well inside Stable) and `1 − 0.9·e^(−k(z−1))`
 * beyond it (see `GROWTH`). Monotone, continuous, 0 at 0, below 1 for every finite input.
 * @throws RangeError when `floor` is not positive.
 */
export function calibratedScore(raw: number, floor: number): number {
  if (!(floor > 0)) throw new RangeError(`noise floor must be positive, got ${floor}`);
  const z = Math.max(0, raw) / floor;
  if (z <= 1) return SCORE_AT_NOISE_FLOOR * z * z;
  return 1 - (1 - SCORE_AT_NOISE_FLOOR) * Math.exp(-GROWTH * (z - 1));
}

/**
 * Synthetic noise is scaled by this before it joins the real samples: augmented copies of one small raster are
 * cleaner than real retakes (no second JPEG, no full-resolution resampling). On the benchmark's tuning photos
 * (`bench/quality/photos.ts`, never its scoring photos) the 95th percentile of real retake pairs was 1.1–1.7× that
 * of the synthetic pairs of the same photo, median 1.6.
 */
export const SYNTHETIC_MARGIN = 1.5;
/**
 * Least noise floor, ΔE*: about half a just-noticeable difference (2.3, Sharma 2003). A perfectly steady history
 * would otherwise call any flicker of the colour pipeline a change.
 */
export const MIN_NOISE_FLOOR = 1;
/** One-sided 95 % point of the standard normal: the SPEC pins the person's 95th noise percentile to 0.10. */
const Z95 = 1.6449;

/**
 * The personal noise floor of one angle, ΔE* (SPEC "Change engine" step 4): the 95th percentile of a log-normal
 * fitted to the pooled samples, the real ones (this angle's earlier sessions compared with their references) and
 * the synthetic ones (augmented pairs of the reference photos) × `SYNTHETIC_MARGIN`; at least `MIN_NOISE_FLOOR`.
 * A log-normal because the samples are positive and right-skewed; its fitted quantile is steadier than the order
 * statistics of the 8–40 samples a person has.
 * @throws RangeError when there is no sample at all.
 */
export function noiseFloor(synthetic: readonly number[], real: readonly number[]): number {
  const pooled = [...real, ...synthetic.map((s) => s * SYNTHETIC_MARGIN)].filter((s) => s > 0);
  if (pooled.length === 0) throw new RangeError('a noise floor needs at least one sample');
  const logs = pooled.map(Math.log);
  const mu = logs.reduce((a, b) => a + b, 0) / logs.length;
  const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mu) ** 2, 0) / Math.max(1, logs.length - 1));
  return Math.max(MIN_NOISE_FLOOR, Math.exp(mu + Z95 * sd));
}
