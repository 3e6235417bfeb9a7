import type { AngleLocalChange, AngleRegistrationFailure } from '../change/angle-change.ts';
import { ANALYSIS_VERSION } from '../config.ts';
import { buildBaseline } from './baseline.ts';
import { analysisConfidenceScore, registrationQuality } from './confidence.ts';
import { angleEmbeddings, sessionEmbedding } from './embeddings.ts';
import { variationLevel } from './levels.ts';
import { angleQualityScore, imageQualitySummary, sessionQualityScore } from './session-quality.ts';
import { mean } from './stats.ts';
import type {
  AnalysisOptions,
  AngleAnalysis,
  ComparisonLayer,
  HistorySession,
  NoiseFloorInfo,
  ScoringSession,
  SessionAnalysis,
} from './types.ts';
import { cosineDistance } from './vectors.ts';

/** What the change engine found for each angle that has a reference (see `scoreSession`). */
export type LocalChanges = ReadonlyMap<string, AngleLocalChange | AngleRegistrationFailure>;

/**
 * Assembles the analysis of one session against the person's own rolling baseline (SPEC "Scores"), given what the
 * change engine measured (`scoreSession` runs both; call that).
 *
 * - Per angle, `change_score` = the calibrated registered local change (`local`, SPEC "Change engine") when the
 *   angle's photo aligned with a reference; else the cosine distance between the angle embedding and that angle's
 *   baseline; 0 when no earlier session photographed the angle (that session sets the angle's baseline).
 * - `angle_aware_score` = mean of the change scores over angles present in both (0 when none is shared).
 * - `overall_score` ("Structural change") = cosine distance between the session embedding and the baseline
 *   session embedding, both taken over the shared angles: comparing a six-angle session with a three-angle
 *   baseline over all angles would measure which angles were photographed, not how they changed.
 * - The first session (no baseline) scores 0.0 everywhere, with `baseline_used.sessions = 0` (seed phase 3).
 *
 * @param session the session to analyse; its images must all carry embeddings of `session.model_id`.
 * @param history earlier sessions, oldest first; sessions of other models are ignored.
 * @param local per angle, the change engine's result; `firstFloors` per angle, the noise floor of an angle that
 *   has no reference yet (its own photo's synthetic samples).
 * @throws Error when the session has no image, or vectors of one model differ in length.
 */
export function analyzeSession(
  session: ScoringSession,
  history: readonly HistorySession[],
  options: AnalysisOptions,
  local: LocalChanges = new Map(),
  firstFloors: ReadonlyMap<string, NoiseFloorInfo> = new Map(),
): SessionAnalysis {
  if (session.images.length === 0) throw new Error(`Session ${session.session_id} has no analysable image`);
  const baseline = buildBaseline(history, session.model_id, options.baselineWindow);
  const current = angleEmbeddings(session.images);
  const shared = [...current.keys()].filter((a) => baseline.angles.has(a));

  const angles: AngleAnalysis[] = [...current].map(([angle, embedding]) => {
    const images = session.images.filter((i) => i.angle === angle);
    const base = baseline.angles.get(angle);
    const found = local.get(angle);
    const measured = found !== undefined && 'score' in found ? found : null;
    const change_score = measured ? measured.score : base ? cosineDistance(embedding, base) : 0;
    return {
      angle,
      image_count: images.length,
      change_score,
      change_method: measured ? 'registered_local_change' : base ? 'angle_embedding' : null,
      change_map: measured?.change_map ?? null,
      changed_area_fraction: measured?.changed_area_fraction ?? 0,
      registration: found?.registration ?? null,
      noise_floor: measured?.noise_floor ?? firstFloors.get(angle) ?? null,
      references: found?.references ?? [],
      variation_level: variationLevel(change_score),
      baseline_sessions: baseline.angleSessionCounts.get(angle) ?? 0,
      angle_quality_score: angleQualityScore(images),
      embedding,
    };
  });

  const sharedAngles = angles.filter((a) => shared.includes(a.angle));
  const overall_score =
    shared.length > 0
      ? cosineDistance(sessionEmbedding(current, shared), sessionEmbedding(baseline.angles, shared))
      : 0;
  const angle_aware_score = shared.length > 0 ? mean(sharedAngles.map((a) => a.change_score)) : 0;

  const angleQualities = angles.map((a) => a.angle_quality_score);
  const session_quality_score = sessionQualityScore(angleQualities, session.images);
  const earlierScores = baseline.sessions.flatMap((s) =>
    s.angle_aware_score === null ? [] : [s.angle_aware_score],
  );
  const comparison_layers_used: ComparisonLayer[] =
    shared.length === 0
      ? []
      : [
          ...(sharedAngles.some((a) => a.change_method === 'registered_local_change')
            ? (['registered_local_change'] as const)
            : []),
          'angle_embedding',
          'session_embedding',
        ];

  return {
    session_id: session.session_id,
    analysis_version: ANALYSIS_VERSION,
    model_id: session.model_id,
    overall_score,
    variation_level: variationLevel(overall_score),
    angle_aware_score,
    session_quality_score,
    analysis_confidence_score: analysisConfidenceScore({
      sessionQuality: session_quality_score,
      angleQualities,
      imagesPerAngle: angles.map((a) => a.image_count),
      expectedAngles: options.expectedAngles.length,
      baselineSessions: baseline.sessions.length,
      earlierScores,
      registrationQualities: sharedAngles.flatMap((a) =>
        a.registration ? [registrationQuality(a.registration)] : [],
      ),
    }),
    image_quality_summary: imageQualitySummary(session.images),
    baseline_used: {
      sessions: baseline.sessions.length,
      session_ids: baseline.sessions.map((s) => s.session_id),
      window: options.baselineWindow,
    },
    comparison_layers_used,
    angles,
    session_embedding: sessionEmbedding(current),
  };
}

/**
 * Turns an analysed session into the history entry later sessions are scored against. An angle's comparisons
 * become real noise samples only where they stayed within the noise floor they were scored against (raw ΔE* ≤ the
 * floor): one over it showed a change (or a retake unlike the person's others), and learning it as noise lets a
 * change that persists or grows raise the floor until it no longer shows. Measured with `npm run bench:quality`'s
 * slow drifts (a change grown by a quarter each session): with every comparison kept, a 4 % dark mark pushed the
 * floor from 0.3 to 5.8 ΔE* by the fifth session, which then scored 0.07 (Stable) although it differed from the
 * first session by 17.8 ΔE*.
 */
export function toHistorySession(session: ScoringSession, analysis: SessionAnalysis): HistorySession {
  return {
    ...session,
    angle_aware_score: analysis.baseline_used.sessions > 0 ? analysis.angle_aware_score : null,
    local_change_samples: Object.fromEntries(
      analysis.angles.map((a) => [
        a.angle,
        a.references.flatMap((r) =>
          r.raw_delta_e === null || (a.noise_floor !== null && r.raw_delta_e > a.noise_floor.delta_e)
            ? []
            : [r.raw_delta_e],
        ),
      ]),
    ),
  };
}
