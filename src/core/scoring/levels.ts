/** Neutral interpretation of a change score (SPEC "Scores"; seeds phase 5, part 3). */
export type VariationLevel =
  'stable' | 'mild_variation' | 'moderate_variation' | 'higher_variation' | 'strong_variation';

/** Lower bounds of each level, ascending; a score belongs to the last level whose bound it reaches. */
const LEVEL_LOWER_BOUNDS: readonly (readonly [VariationLevel, number])[] = [
  ['stable', 0],
  ['mild_variation', 0.1],
  ['moderate_variation', 0.25],
  ['higher_variation', 0.45],
  ['strong_variation', 0.7],
];

/** The words a person sees for each level. */
export const VARIATION_LEVEL_LABELS: Readonly<Record<VariationLevel, string>> = {
  stable: 'Stable',
  mild_variation: 'Mild Variation',
  moderate_variation: 'Moderate Variation',
  higher_variation: 'Higher Variation',
  strong_variation: 'Strong Variation',
};

/**
 * Maps a score in [0, 1] to its level: [0, 0.10) Stable · [0.10, 0.25) Mild · [0.25, 0.45) Moderate ·
 * [0.45, 0.70) Higher · [0.70, 1] Strong (bounds from the SPEC).
 * @throws RangeError for a score outside [0, 1] or NaN.
 */
export function variationLevel(score: number): VariationLevel {
  if (!(score >= 0 && score <= 1)) throw new RangeError(`Score ${score} is outside [0, 1]`);
  let level: VariationLevel = 'stable';
  for (const [name, bound] of LEVEL_LOWER_BOUNDS) if (score >= bound) level = name;
  return level;
}
