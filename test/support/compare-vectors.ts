/**
 * Agreement of two equally long vectors, computed independently of the code under test and unclamped, so a
 * parity check sees rounding exactly as it is.
 */
export function compareVectors(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): { cosineSimilarity: number; cosineDistance: number; maxAbsDiff: number } {
  if (a.length !== b.length) throw new Error(`Vector lengths differ: ${a.length} and ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  let maxAbsDiff = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(x - y));
  }
  const cosineSimilarity = dot / Math.sqrt(na * nb);
  return { cosineSimilarity, cosineDistance: 1 - cosineSimilarity, maxAbsDiff };
}
