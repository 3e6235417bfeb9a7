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
