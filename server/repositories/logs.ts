import type { LogUpload } from '../../src/sync/contract.ts';
import type { Queryable } from '../db/database.ts';

/** Stores analysis logs; ids already stored are skipped (retries). Returns how many were new. */
export async function insertAnalysisLogs(
  db: Queryable,
  participantId: string,
  entries: LogUpload['entries'],
): Promise<number> {
  let stored = 0;
  for (const e of entries) {
    const rows = await db.query(
      `INSERT INTO analysis_logs (participant_id, id, session_id, created_at, level, backend, model_id,
         stage_timings_ms, confidence, errors, message)
       VALUES ($1, $2, $3, $4::timestamptz, $5, $6, $7, $8::jsonb, $9, $10::jsonb, $11)
       ON CONFLICT (participant_id, id) DO NOTHING
       RETURNING id`,
      [
        participantId,
        e.log_id,
        e.session_id ?? null,
        e.created_at,
        e.level,
        e.backend ?? null,
        e.model_id ?? null,
        JSON.stringify(e.stage_timings_ms),
        e.confidence ?? null,
        JSON.stringify(e.errors),
        e.message ?? null,
      ],
    );
    stored += rows.length;
  }
  return stored;
}

/** Deletes every log of the participant; returns how many. */
export async function deleteAnalysisLogs(db: Queryable, participantId: string): Promise<number> {
  return (await db.query('DELETE FROM analysis_logs WHERE participant_id = $1 RETURNING id', [participantId]))
    .length;
}
