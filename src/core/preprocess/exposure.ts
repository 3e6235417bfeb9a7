/** Strongest brightening allowed (γ = 1/4 lifts a uniform 0.01 frame to ≈ 0.32). */
export const MIN_GAMMA = 0.25;
/** Strongest darkening allowed. */
export const MAX_GAMMA = 4;

/**
 * Gamma that brings the mean luminance of an image into `[band[0], band[1]]` (0–1), or 1 when it is already inside:
 * only extreme exposures are corrected, so ordinary photos reach the model untouched by this step.
 *
 * The mean after correction, Σ h[v]·(v/255)^γ / Σ h[v], falls monotonically as γ grows, so γ is found by bisection
 * on the 256-bin histogram to land exactly on the nearest band edge (the smallest correction that works; a plain
 * log(target)/log(mean) misses it because the mean of a power is not the power of the mean). γ is kept within
 * [`MIN_GAMMA`, `MAX_GAMMA`]: beyond that the frame is mostly noise or clipped, and no curve recovers it.
 * @param histogram counts of luminance levels 0–255 (256 entries).
 * @param band lower and upper edge, 0 < lower < upper < 1.
 * @returns γ > 0, applied as v' = 255·(v/255)^γ (γ < 1 brightens).
 * @throws RangeError if the histogram does not have 256 entries or is empty, or the band is not inside (0, 1).
 */
export function exposureGamma(histogram: ArrayLike<number>, band: readonly [number, number]): number {
  const [low, high] = band;
  if (!(low > 0 && low < high && high < 1))
    throw new RangeError(`Exposure band must satisfy 0 < low < high < 1`);
  if (histogram.length !== 256) throw new RangeError(`Histogram needs 256 bins, got ${histogram.length}`);
  let total = 0;
  for (let v = 0; v < 256; v++) total += histogram[v] ?? 0;
  if (!(total > 0)) throw new RangeError('Histogram is empty');

  const meanAt = (gamma: number): number => {
    let sum = 0;
    for (let v = 1; v < 256; v++) sum += (histogram[v] ?? 0) * (v / 255) ** gamma;
    return sum / total;
  };
  const mean = meanAt(1);
  if (mean >= low && mean <= high) return 1;
  const target = mean < low ? low : high;
  // Bisect log γ: the mean is monotone in γ, so ~40 halvings of [log MIN, log MAX] reach 1e-12.
  if (meanAt(MIN_GAMMA) <= target) return MIN_GAMMA;
  if (meanAt(MAX_GAMMA) >= target) return MAX_GAMMA;
  let lo = Math.log(MIN_GAMMA);
  let hi = Math.log(MAX_GAMMA);
  for (let i = 0; i < 48; i++) {
    const mid = (lo + hi) / 2;
    if (meanAt(Math.exp(mid)) > target) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}

/** 256-entry look-up table of v' = round(255·(v/255)^γ). */
export function gammaLut(gamma: number): Uint8Array {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.round(255 * (v / 255) ** gamma);
  return lut;
}
