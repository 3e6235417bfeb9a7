/**
 * Whether an upright copy of `width × height` pixels still holds everything a caller needs from a photo. A
 * reduced decode (`DecodeOptions.largeEnough`) picks the smallest copy that passes; the analysis pipeline's test is
 * `analysisLargeEnough` (`src/core/pipeline/analysis-size.ts`).
 */
export type LargeEnough = (width: number, height: number) => boolean;

/**
 * The reductions a decode can make, largest first: libjpeg's DCT scaling factors 1/8, 1/4, 1/2 (the ones whose
 * inverse DCT is a plain 1×1, 2×2 or 4×4 of each 8×8 block, `jidctred.c`), and 1 for the whole picture.
 */
export const REDUCTION_DENOMINATORS = [8, 4, 2, 1] as const;

/** One of `REDUCTION_DENOMINATORS`: each side is divided by it. */
export type ReductionDenominator = (typeof REDUCTION_DENOMINATORS)[number];

/**
 * Size of a picture reduced by `denominator`: each side `ceil(side / denominator)`, as libjpeg's DCT scaling gives
 * it (`jdiv_round_up`), so a reduced JPEG and a shrunk PNG or WebP of the same size come out alike.
 */
export function reducedSize(
  width: number,
  height: number,
  denominator: number,
): { width: number; height: number } {
  return { width: Math.ceil(width / denominator), height: Math.ceil(height / denominator) };
}

/**
 * The largest reduction of an upright `width × height` picture whose result is still `largeEnough`; 1 (no
 * reduction) when none is, or when the picture itself is not.
 * @param width upright width in pixels (after EXIF orientation).
 * @param height upright height in pixels.
 */
export function chooseReduction(
  width: number,
  height: number,
  largeEnough: LargeEnough,
): ReductionDenominator {
  for (const denominator of REDUCTION_DENOMINATORS) {
    const size = reducedSize(width, height, denominator);
    if (largeEnough(size.width, size.height)) return denominator;
  }
  return 1;
}
