import type { Queryable } from '../db/database.ts';

/** Inserts a participant (a pseudonymous UUID). */
export async function insertParticipant(db: Queryable, participantId: string): Promise<void> {
  await db.query('INSERT INTO participants (id) VALUES ($1)', [participantId]);
}

/** Inserts the participant unless it exists (Supabase mode: the row follows the Auth user's first call). */
export async function ensureParticipant(db: Queryable, participantId: string): Promise<void> {
  await db.query('INSERT INTO participants (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [participantId]);
}

/** Whether the participant is enrolled (and has not withdrawn, which deletes the row). */
export async function participantExists(db: Queryable, participantId: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM participants WHERE id = $1', [participantId]);
  return rows.length > 0;
}

/** Deletes the participant row; returns 1 or 0. */
export async function deleteParticipant(db: Queryable, participantId: string): Promise<number> {
  return (await db.query('DELETE FROM participants WHERE id = $1 RETURNING id', [participantId])).length;
}

/**
 * Locks the participant's row until the transaction ends (`FOR UPDATE`): uploads of one participant are counted
 * against its caps one at a time, and a concurrent withdrawal waits or makes this answer false.
 * Returns false when the participant no longer exists.
 */
export async function lockParticipant(db: Queryable, participantId: string): Promise<boolean> {
  return (await db.query('SELECT id FROM participants WHERE id = $1 FOR UPDATE', [participantId])).length > 0;
}

/**
 * Deletes participants who never recorded a consent and enrolled before `before` (an abandoned or scripted
 * enrolment; a consent, even a withdrawn one, keeps the participant until withdrawal deletes it).
 * Returns the ids deleted; their rows cascade.
 */
export async function deleteUnconsentedParticipants(db: Queryable, before: Date): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `DELETE FROM participants p
     WHERE p.enrolled_at < $1::timestamptz
       AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.participant_id = p.id)
     RETURNING p.id`,
    [before.toISOString()],
  );
  return rows.map((row) => row.id);
}
