import type { Queryable } from '../db/database.ts';

/** Inserts a participant (a pseudonymous UUID) with the sha256 digest (32 bytes) of its refresh token. */
export async function insertParticipant(
  db: Queryable,
  participantId: string,
  refreshHash: Uint8Array,
): Promise<void> {
  await db.query('INSERT INTO participants (id, refresh_hash) VALUES ($1, $2)', [participantId, refreshHash]);
}

/**
 * Replaces the refresh token whose digest is `presented` (the current one, or the previous one while the current has
 * not been used) by `next`. Presenting the current token makes it the previous one; presenting the previous one keeps
 * it so (the answer that carried the current one was lost). Returns the participant id, or null when no participant
 * holds `presented` (unknown, replaced and superseded, or withdrawn).
 */
export async function rotateRefreshToken(
  db: Queryable,
  presented: Uint8Array,
  next: Uint8Array,
): Promise<string | null> {
  const [row] = await db.query<{ id: string }>(
    `UPDATE participants
     SET refresh_previous_hash = CASE WHEN refresh_hash = $1 THEN refresh_hash ELSE refresh_previous_hash END,
         refresh_hash = $2,
         refreshed_at = now()
     WHERE refresh_hash = $1 OR refresh_previous_hash = $1
     RETURNING id`,
    [presented, next],
  );
  return row?.id ?? null;
}

/**
 * Gives a participant enrolled before refresh tokens (whose refresh token has never been used) the refresh token
 * `next`. Returns false when the participant does not exist or has used a refresh token already.
 */
export async function upgradeLegacyParticipant(
  db: Queryable,
  participantId: string,
  next: Uint8Array,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE participants SET refresh_hash = $2, refreshed_at = now()
     WHERE id = $1 AND refresh_previous_hash IS NULL
     RETURNING id`,
    [participantId, next],
  );
  return rows.length > 0;
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
