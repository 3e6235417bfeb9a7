import type { Queryable } from '../db/database.ts';

export interface ConsentRow {
  readonly consent_version: string;
  readonly scopes: string[];
  readonly granted_at: Date;
}

/** The participant's current (not withdrawn) consent, or null. */
export async function currentConsent(db: Queryable, participantId: string): Promise<ConsentRow | null> {
  const [row] = await db.query<ConsentRow>(
    `SELECT consent_version, scopes, granted_at FROM consents
     WHERE participant_id = $1 AND withdrawn_at IS NULL`,
    [participantId],
  );
  return row ?? null;
}

/** Closes the current consent (sets withdrawn_at), if any. */
export async function closeCurrentConsent(db: Queryable, participantId: string): Promise<void> {
  await db.query(
    'UPDATE consents SET withdrawn_at = now() WHERE participant_id = $1 AND withdrawn_at IS NULL',
    [participantId],
  );
}

/** Records a new current consent; the caller closes the previous one first (one current row per participant). */
export async function insertConsent(
  db: Queryable,
  participantId: string,
  version: string,
  scopes: readonly string[],
): Promise<ConsentRow> {
  const [row] = await db.query<ConsentRow>(
    `INSERT INTO consents (participant_id, consent_version, scopes) VALUES ($1, $2, $3::text[])
     RETURNING consent_version, scopes, granted_at`,
    [participantId, version, scopes],
  );
  return row!;
}

/** Deletes every consent row of the participant; returns how many. */
export async function deleteConsents(db: Queryable, participantId: string): Promise<number> {
  return (await db.query('DELETE FROM consents WHERE participant_id = $1 RETURNING id', [participantId]))
    .length;
}
