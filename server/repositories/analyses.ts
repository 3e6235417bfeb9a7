import type { AngleAnalysisBody, SessionAnalysisBody } from '../../src/sync/contract.ts';
import type { Queryable } from '../db/database.ts';
import { valuesList } from '../db/values.ts';

/** Inserts or replaces the session's analysis for its model and analysis version. */
export async function upsertSessionAnalysis(
  db: Queryable,
  sessionId: string,
  participantId: string,
  a: SessionAnalysisBody,
): Promise<void> {
  await db.query(
    `INSERT INTO session_analysis (session_id, participant_id, model_id, analysis_version, overall_score,
       variation_level, angle_aware_score, session_quality_score, analysis_confidence_score,
       image_quality_summary, baseline_used, comparison_layers_used)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12::text[])
     ON CONFLICT (session_id, model_id, analysis_version) DO UPDATE SET
       overall_score = EXCLUDED.overall_score,
       variation_level = EXCLUDED.variation_level,
       angle_aware_score = EXCLUDED.angle_aware_score,
       session_quality_score = EXCLUDED.session_quality_score,
       analysis_confidence_score = EXCLUDED.analysis_confidence_score,
       image_quality_summary = EXCLUDED.image_quality_summary,
       baseline_used = EXCLUDED.baseline_used,
       comparison_layers_used = EXCLUDED.comparison_layers_used`,
    [
      sessionId,
      participantId,
      a.model_id,
      a.analysis_version,
      a.overall_score,
      a.variation_level,
      a.angle_aware_score,
      a.session_quality_score,
      a.analysis_confidence_score,
      JSON.stringify(a.image_quality_summary),
      JSON.stringify(a.baseline_used),
      a.comparison_layers_used,
    ],
  );
}

/**
 * Inserts or replaces the angles' analyses under the given session analysis (model and version), in one statement;
 * each angle may appear once. The change engine's fields that a body leaves out (analyses before `bcd-2.0.0`) are
 * stored as null: not recorded.
 */
export async function upsertAngleAnalyses(
  db: Queryable,
  key: { sessionId: string; participantId: string; modelId: string; analysisVersion: string },
  angles: readonly AngleAnalysisBody[],
): Promise<void> {
  if (angles.length === 0) return;
  const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
  const values = valuesList(
    angles.map((a) => [
      key.sessionId,
      key.participantId,
      key.modelId,
      key.analysisVersion,
      a.angle,
      a.image_count,
      a.change_score,
      a.variation_level,
      a.baseline_sessions,
      a.angle_quality_score,
      a.change_method ?? null,
      a.change_map?.rows ?? null,
      a.change_map?.cols ?? null,
      a.change_map?.cells ?? null,
      a.changed_area_fraction ?? null,
      json(a.registration),
      json(a.noise_floor),
      json(a.references),
    ]),
    [
      '',
      '::uuid',
      '',
      '',
      '',
      '::int',
      '::float8',
      '',
      '::int',
      '::float8',
      '',
      '::int',
      '::int',
      '::smallint[]',
      '::float8',
      '::jsonb',
      '::jsonb',
      '::jsonb',
    ],
  );
  await db.query(
    `INSERT INTO angle_analysis (session_id, participant_id, model_id, analysis_version, angle, image_count,
       change_score, variation_level, baseline_sessions, angle_quality_score, change_method, change_map_rows,
       change_map_cols, change_map_cells, changed_area_fraction, registration, noise_floor, reference_comparisons)
     VALUES ${values.sql}
     ON CONFLICT (session_id, model_id, analysis_version, angle) DO UPDATE SET
       image_count = EXCLUDED.image_count,
       change_score = EXCLUDED.change_score,
       variation_level = EXCLUDED.variation_level,
       baseline_sessions = EXCLUDED.baseline_sessions,
       angle_quality_score = EXCLUDED.angle_quality_score,
       change_method = EXCLUDED.change_method,
       change_map_rows = EXCLUDED.change_map_rows,
       change_map_cols = EXCLUDED.change_map_cols,
       change_map_cells = EXCLUDED.change_map_cells,
       changed_area_fraction = EXCLUDED.changed_area_fraction,
       registration = EXCLUDED.registration,
       noise_floor = EXCLUDED.noise_floor,
       reference_comparisons = EXCLUDED.reference_comparisons`,
    values.params,
  );
}

/** Whether any analysis of the session is stored. */
export async function hasSessionAnalysis(db: Queryable, sessionId: string): Promise<boolean> {
  return (
    (await db.query('SELECT 1 FROM session_analysis WHERE session_id = $1 LIMIT 1', [sessionId])).length > 0
  );
}

/** Deletes the participant's angle and session analyses; returns how many of each. */
export async function deleteAnalyses(
  db: Queryable,
  participantId: string,
): Promise<{ angleAnalyses: number; sessionAnalyses: number }> {
  const angleAnalyses = (
    await db.query('DELETE FROM angle_analysis WHERE participant_id = $1 RETURNING angle', [participantId])
  ).length;
  const sessionAnalyses = (
    await db.query('DELETE FROM session_analysis WHERE participant_id = $1 RETURNING session_id', [
      participantId,
    ])
  ).length;
  return { angleAnalyses, sessionAnalyses };
}
