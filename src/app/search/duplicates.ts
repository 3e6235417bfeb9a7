/**
 * Cosine distance under which two photos count as the same photo entered twice, for the default model
 * (mobilenet_v2-nsfwjs) and the shared pipeline. Measured in Chromium (`test/workers/vector-index.test.ts`):
 * - the same file again: 0 (the pipeline is deterministic);
 * - the same photo re-encoded by the browser as a JPEG at quality 0.92, full size: 5e-4 to 1.5e-2 over 15 shared
 *   photos (10 of them under 0.01); at quality 0.75 up to 6e-2; scaled down or at quality 0.5 up to 0.7;
 * - a retake of the same angle (the sample history: frame shifted by about 1 %, exposure by 3–4 %): 0.013 to 0.41;
 * - two different photos of the same person (`jesper.jpg`, `jesper_2.jpg`): 0.47; the closest two different
 *   photos of different people: 0.12.
 * Re-encoding moves this model's embedding about as much as a careful retake does, so no threshold separates the
 * two completely; 0.01 never flags a retake of the samples and still catches the same file and most high-quality
 * copies. An exact re-entry is caught more surely by comparing the files' sha256.
 */
export const DUPLICATE_DISTANCE = 0.01;

/** Whether a neighbour at cosine `distance` (from `VectorIndex.nearest`) is the same photo entered again. */
export function isDuplicate(distance: number): boolean {
  return distance < DUPLICATE_DISTANCE;
}
