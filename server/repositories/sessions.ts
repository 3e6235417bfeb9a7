import type { Queryable } from '../db/database.ts';
import type { StatementParameters } from '../db/values.ts';

export interface SessionRow {
  readonly id: string;
  readonly participant_id: string;
  readonly captured_at: Date;
  readonly angles_expected: string[];
  readonly images_expected: number;
  readonly last_error: string | null;
}

export interface SessionValues {
  readonly id: string;
  readonly participantId: string;
  /** ISO 8601 timestamp. */
  readonly capturedAt: string;
  readonly anglesExpected: readonly string[];
  readonly imagesExpected: number;
}

/**
 * A data-modifying CTE body that inserts or updates a session of `participantId` and returns `created`: no row
 * when the id belongs to another participant (left untouched), so the statement's other fragments can be guarded
 * on that row (`writeSessionRecord`).
 */
export function upsertSessionSql(p: StatementParameters, s: SessionValues): string {
  return `INSERT INTO sessions (id, participant_id, captured_at, angles_expected, images_expected)
     VALUES (${p.add(s.id)}, ${p.add(s.participantId, '::uuid')}, ${p.add(s.capturedAt, '::timestamptz')},
             ${p.add(s.anglesExpected, '::text[]')}, ${p.add(s.imagesExpected, '::int')})
     ON CONFLICT (id) DO UPDATE SET
       captured_at = EXCLUDED.captured_at,
       angles_expected = EXCLUDED.angles_expected,
       images_expected = EXCLUDED.images_expected,
       updated_at = now()
     WHERE sessions.participant_id = EXCLUDED.participant_id
     RETURNING (xmax = 0) AS created`;
}

/** The session if it belongs to `participantId`, else null. */
export async function findOwnSession(
  db: Queryable,
  participantId: string,
  sessionId: string,
): Promise<SessionRow | null> {
  const [row] = await db.query<SessionRow>(
    `SELECT id, participant_id, captured_at, angles_expected, images_expected, last_error
     FROM sessions WHERE id = $1 AND participant_id = $2`,
    [sessionId, participantId],
  );
  return row ?? null;
}

/** Sets (or clears, with null) why the last upload to the session was refused. */
export async function setSessionError(db: Queryable, sessionId: string, error: string | null): Promise<void> {
  await db.query('UPDATE sessions SET last_error = $2 WHERE id = $1 AND last_error IS DISTINCT FROM $2', [
    sessionId,
    error,
  ]);
}

/** Deletes every session of the participant; returns how many. */
export async function deleteSessions(db: Queryable, participantId: string): Promise<number> {
  return (await db.query('DELETE FROM sessions WHERE participant_id = $1 RETURNING id', [participantId]))
    .length;
}
