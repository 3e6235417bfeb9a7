/**
 * Arithmetic mean. @throws Error for an empty list (a mean of nothing is not 0).
 */
export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('Mean of an empty list');
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Population standard deviation; 0 for fewer than two values. */
export function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(mean(values.map((v) => (v - m) ** 2)));
}

/** Clamps `x` into [0, 1]. */
export function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
