export { analyzeSession, toHistorySession } from './analyze.ts';
export { byTakenAt, scoreHistory, scoreSession } from './score-history.ts';
export { pairChangeMap, type PairChangeMap } from './pair-change-map.ts';
export { compareSessions, overallTrend, COMPARISON_METHOD } from './compare.ts';
export { variationLevel, VARIATION_LEVEL_LABELS, type VariationLevel } from './levels.ts';
export { cosineDistance, l2Normalize, normalizedMean, type Vector } from './vectors.ts';
export type * from './types.ts';
