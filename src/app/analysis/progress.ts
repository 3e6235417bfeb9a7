/**
 * What `analyseImage` is doing, in order: waiting for the workers, starting the model worker (first call or after
 * it idled out), decode + quality + preprocess, the model, finished.
 */
export type AnalysisStage = 'queued' | 'loading_model' | 'preparing' | 'embedding' | 'done';

/**
 * Fraction of the work done when a stage starts. From `npm run bench:browser` medians for 12–20 MP photos in
 * Chromium, WASM, one thread: decode + quality + preprocess ≈ 620 ms, the model ≈ 50 ms, so the model starts at
 * 0.9. A cold model load is reported but not weighted: it happens once per worker.
 */
export const PROGRESS_AT: Readonly<Record<AnalysisStage, number>> = {
  queued: 0,
  loading_model: 0.02,
  preparing: 0.05,
  embedding: 0.9,
  done: 1,
};
