import { ANALYSIS_VERSION } from '../config.ts';
import { angleEmbeddings, sessionEmbedding } from './embeddings.ts';
import { variationLevel } from './levels.ts';
import type { OverallTrend, ScoringSession, SessionComparison } from './types.ts';
import { cosineDistance } from './vectors.ts';

/** Named in every comparison so a reader knows how the deltas were obtained. */
export const COMPARISON_METHOD = 'cosine_distance:l2_normalised_mean_embeddings:shared_angles';

/**
 * Trend of an overall delta: under 0.10 (the "Stable" level) `stable`; under 0.25 (the end of "Mild
 * Variation") `mild_variation`; above, `significant_shift` (SPEC "Comparing any two sessions").
 */
export function overallTrend(delta: number): OverallTrend {
  if (delta < 0.1) return 'stable';
  if (delta < 0.25) return 'mild_variation';
  return 'significant_shift';
}

/**
 * Compares any two sessions (SPEC): `overall_delta` = cosine distance of their session embeddings over the
 * angles both have, per-angle deltas, `stability_index` = 1 − overall_delta, `overall_trend`.
 * @throws Error when the sessions come from different models (their vectors are not comparable), or share
 *   no angle (nothing like-for-like to compare).
 */
export function compareSessions(a: ScoringSession, b: ScoringSession): SessionComparison {
  if (a.model_id !== b.model_id) {
    throw new Error(
      `Sessions were embedded by different models (${a.model_id}, ${b.model_id}); re-embed first`,
    );
  }
  const ea = angleEmbeddings(a.images);
  const eb = angleEmbeddings(b.images);
  const shared = [...ea.keys()].filter((k) => eb.has(k));
  if (shared.length === 0) {
    throw new Error(`Sessions ${a.session_id} and ${b.session_id} have no angle in common`);
  }
  const overall_delta = cosineDistance(sessionEmbedding(ea, shared), sessionEmbedding(eb, shared));
  return {
    session_a: a.session_id,
    session_b: b.session_id,
    analysis_version: ANALYSIS_VERSION,
    model_id: a.model_id,
    overall_delta,
    stability_index: 1 - overall_delta,
    overall_trend: overallTrend(overall_delta),
    angle_deltas: shared.map((angle) => {
      const delta = cosineDistance(ea.get(angle) as Float32Array, eb.get(angle) as Float32Array);
      return { angle, delta, variation_level: variationLevel(delta) };
    }),
    angles_only_in_a: [...ea.keys()].filter((k) => !eb.has(k)),
    angles_only_in_b: [...eb.keys()].filter((k) => !ea.has(k)),
    comparison_method: COMPARISON_METHOD,
  };
}
