import type { FeedbackBody } from '../../src/sync/contract.ts';
import type { Queryable } from '../db/database.ts';

/** Stores one feedback item; returns false when its id was already stored (a retry). */
export async function insertFeedback(
  db: Queryable,
  participantId: string,
  f: FeedbackBody,
): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO feedback (participant_id, id, session_id, image_id, angle, kind, note, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz)
     ON CONFLICT (participant_id, id) DO NOTHING
     RETURNING id`,
    [
      participantId,
      f.feedback_id,
      f.session_id ?? null,
      f.image_id ?? null,
      f.angle ?? null,
      f.kind,
      f.note ?? null,
      f.created_at,
    ],
  );
  return rows.length > 0;
}

/** Deletes every feedback row of the participant; returns how many. */
export async function deleteFeedback(db: Queryable, participantId: string): Promise<number> {
  return (await db.query('DELETE FROM feedback WHERE participant_id = $1 RETURNING id', [participantId]))
    .length;
}
