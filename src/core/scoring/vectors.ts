/** A vector as stored (Float32Array) or as parsed from JSON (number[]). */
export type Vector = Float32Array | readonly number[];

/** `‖v‖₂`, the Euclidean length; 0 for an empty vector, NaN when a value is NaN. */
export function l2Norm(v: Vector): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] as number) ** 2;
  return Math.sqrt(sum);
}

/**
 * Returns `v / ‖v‖₂` as a new Float32Array.
 * @throws Error when `v` is empty or its norm is 0 or not finite (such a vector has no direction).
 */
export function l2Normalize(v: Vector): Float32Array {
  const norm = l2Norm(v);
  if (v.length === 0 || !Number.isFinite(norm) || norm === 0) {
    throw new Error('Cannot normalise an empty, zero or non-finite vector');
  }
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] as number) / norm;
  return out;
}

/**
 * Element-wise mean of equally long vectors, then L2-normalised: the SPEC's aggregate embedding.
 * Accumulates in float64 so the result does not depend on summation order beyond float32 rounding.
 * @throws Error when `vectors` is empty or the lengths differ.
 */
export function normalizedMean(vectors: readonly Vector[]): Float32Array {
  const first = vectors[0];
  if (!first) throw new Error('Cannot average zero vectors');
  const acc = new Float64Array(first.length);
  for (const v of vectors) {
    if (v.length !== first.length) throw new Error(`Vector length ${v.length} differs from ${first.length}`);
    for (let i = 0; i < v.length; i++) acc[i] = (acc[i] as number) + (v[i] as number);
  }
  return l2Normalize(Array.from(acc, (x) => x / vectors.length));
}

/**
 * Cosine distance `1 − cos(a, b)`, clamped to [0, 1].
 * BCD's default model ends in ReLU6 + average pooling, so its vectors are non-negative and cos ≥ 0; the clamp
 * keeps the SPEC's [0, 1] range for dropped-in models whose vectors can point apart, and absorbs float
 * rounding that yields tiny negatives for identical vectors.
 * @throws Error when the lengths differ or either vector has zero norm.
 */
export function cosineDistance(a: Vector, b: Vector): number {
  if (a.length !== b.length) throw new Error(`Vector length ${a.length} differs from ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) throw new Error('Cosine distance is undefined for a zero vector');
  const cos = dot / Math.sqrt(na * nb);
  return Math.min(1, Math.max(0, 1 - cos));
}
