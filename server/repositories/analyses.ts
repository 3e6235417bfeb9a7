import type { AngleAnalysisBody, SessionAnalysisBody } from '../../src/sync/contract.ts';
import type { Queryable } from '../db/database.ts';
import type { StatementParameters } from '../db/values.ts';

/** Which session analysis (session, model and analysis version) rows belong to, and whose it is. */
export interface AnalysisKey {
  readonly sessionId: string;
  readonly participantId: string;
  readonly modelId: string;
  readonly analysisVersion: string;
}

/**
 * A data-modifying CTE body that inserts or replaces the session's analysis for its model and analysis version when
 * `guard` (an SQL condition) holds.
 */
export function upsertSessionAnalysisSql(
  p: StatementParameters,
  key: AnalysisKey,
  a: SessionAnalysisBody,
  guard: string,
): string {
  return `INSERT INTO session_analysis (session_id, participant_id, model_id, analysis_version, overall_score,
       variation_level, angle_aware_score, session_quality_score, analysis_confidence_score,
       image_quality_summary, baseline_used, comparison_layers_used)
     SELECT ${p.add(key.sessionId)}, ${p.add(key.participantId, '::uuid')}, ${p.add(key.modelId)},
            ${p.add(key.analysisVersion)}, ${p.add(a.overall_score, '::float8')}, ${p.add(a.variation_level)},
            ${p.add(a.angle_aware_score, '::float8')}, ${p.add(a.session_quality_score, '::float8')},
            ${p.add(a.analysis_confidence_score, '::float8')}, ${p.add(JSON.stringify(a.image_quality_summary), '::jsonb')},
            ${p.add(JSON.stringify(a.baseline_used), '::jsonb')}, ${p.add(a.comparison_layers_used, '::text[]')}
     WHERE ${guard}
     ON CONFLICT (session_id, model_id, analysis_version) DO UPDATE SET
       overall_score = EXCLUDED.overall_score,
       variation_level = EXCLUDED.variation_level,
       angle_aware_score = EXCLUDED.angle_aware_score,
       session_quality_score = EXCLUDED.session_quality_score,
       analysis_confidence_score = EXCLUDED.analysis_confidence_score,
       image_quality_summary = EXCLUDED.image_quality_summary,
       baseline_used = EXCLUDED.baseline_used,
       comparison_layers_used = EXCLUDED.comparison_layers_used`;
}

/**
 * A data-modifying CTE body that inserts or replaces the angles' analyses under the session analysis `key` when
 * `guard` (an SQL condition) holds; each angle may appear once, and `angles` is not empty. The change engine's fields
 * that a body leaves out (analyses before `bcd-2.0.0`) are stored as null: not recorded. The session analysis they
 * reference may be written by the same statement: foreign keys are checked at its end.
 */
export function upsertAngleAnalysesSql(
  p: StatementParameters,
  key: AnalysisKey,
  angles: readonly AngleAnalysisBody[],
  guard: string,
): string {
  const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
  const values = p.rows(
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
  return `INSERT INTO angle_analysis (session_id, participant_id, model_id, analysis_version, angle, image_count,
       change_score, variation_level, baseline_sessions, angle_quality_score, change_method, change_map_rows,
       change_map_cols, change_map_cells, changed_area_fraction, registration, noise_floor, reference_comparisons)
     SELECT * FROM (VALUES ${values}) AS sent WHERE ${guard}
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
       reference_comparisons = EXCLUDED.reference_comparisons`;
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
