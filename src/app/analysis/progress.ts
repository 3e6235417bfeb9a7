/**
 * What `analyseImage` is doing, in order: waiting for the workers, starting the model worker (first call or after
 * it idled out), decode + quality + preprocess, the model, finished.
 */
export type AnalysisStage = 'queued' | 'loading_model' | 'preparing' | 'embedding' | 'done';

/**
 * Fraction of the work done when a stage starts. From `npm run bench:browser` medians for a 12 MP photo, WASM:
 * decode + quality + preprocess take about three quarters of the time and the model the rest; a cold model load
 * is reported but not weighted, as it happens once.
 */
export const PROGRESS_AT: Readonly<Record<AnalysisStage, number>> = {
  queued: 0,
  loading_model: 0.02,
  preparing: 0.05,
  embedding: 0.75,
  done: 1,
};
