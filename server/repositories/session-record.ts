import type { AngleAnalysisBody, SessionAnalysisBody } from '../../src/sync/contract.ts';
import type { Queryable } from '../db/database.ts';
import { StatementParameters } from '../db/values.ts';
import { upsertAngleAnalysesSql, upsertSessionAnalysisSql } from './analyses.ts';
import { storedEmbeddingHashesSql } from './embeddings.ts';
import { upsertImageQualitiesSql, type ImageQualityValues } from './images.ts';
import { upsertSessionSql, type SessionValues } from './sessions.ts';

/** What a session body records besides its vectors. */
export interface SessionRecord {
  readonly session: SessionValues;
  /** The images announced, each id once. */
  readonly images: readonly ImageQualityValues[];
  /** The session's analysis and its angles' (each angle once), when the body carries one. */
  readonly analysis?: {
    readonly session: SessionAnalysisBody;
    readonly angles: readonly AngleAnalysisBody[];
  };
}

export interface WrittenSessionRecord {
  /** Whether this statement inserted the session (else it updated the participant's own). */
  readonly created: boolean;
  /** Ids of the images recorded: an id missing from it is recorded under another angle (left unchanged). */
  readonly recordedImageIds: ReadonlySet<string>;
  /** Idempotency hashes of the vectors stored before this statement, keyed by `embeddingKey`; empty if created. */
  readonly embeddingHashes: ReadonlyMap<string, string>;
}

/**
 * Writes the session row, its images' quality figures and its analyses in one statement (one data-modifying CTE per
 * table, `upsert…Sql` in each table's repository), and reads back what the vectors' upsert needs. The statement
 * replaced five, one per table, and the hash read: each was a round through PGlite's single lock and the event loop,
 * and a session's writes held the lock for all six (`npm run bench:server`, figures in server/README.md).
 * Every fragment but the session's is guarded on the session row the statement wrote, so a session id of another
 * participant writes nothing anywhere.
 * @returns null when the session id belongs to another participant.
 */
export async function writeSessionRecord(
  db: Queryable,
  record: SessionRecord,
): Promise<WrittenSessionRecord | null> {
  const p = new StatementParameters();
  const ctes = [`upserted_session AS (${upsertSessionSql(p, record.session)})`];
  const guard = 'EXISTS (SELECT 1 FROM upserted_session)';
  if (record.images.length > 0) {
    ctes.push(`recorded_images AS (${upsertImageQualitiesSql(p, record.images, guard)})`);
  }
  if (record.analysis) {
    const key = {
      sessionId: record.session.id,
      participantId: record.session.participantId,
      modelId: record.analysis.session.model_id,
      analysisVersion: record.analysis.session.analysis_version,
    };
    ctes.push(
      `session_analysis_row AS (${upsertSessionAnalysisSql(p, key, record.analysis.session, guard)})`,
    );
    if (record.analysis.angles.length > 0) {
      ctes.push(`angle_analysis_rows AS (${upsertAngleAnalysesSql(p, key, record.analysis.angles, guard)})`);
    }
  }
  const recorded = record.images.length > 0 ? 'ARRAY(SELECT id FROM recorded_images)' : `'{}'::text[]`;
  const [row] = await db.query<{
    created: boolean;
    recorded_image_ids: string[];
    embedding_hashes: Record<string, string>;
  }>(
    `WITH ${ctes.join(',\n')}
     SELECT created, ${recorded} AS recorded_image_ids,
            CASE WHEN created THEN '{}'::jsonb ELSE ${storedEmbeddingHashesSql(p.add(record.session.id))} END
              AS embedding_hashes
     FROM upserted_session`,
    p.values,
  );
  if (!row) return null;
  return {
    created: row.created,
    recordedImageIds: new Set(row.recorded_image_ids),
    embeddingHashes: new Map(Object.entries(row.embedding_hashes)),
  };
}
