import type { FeedbackRow } from './schema.ts';
import { db } from './schema.ts';

/** What a person's note says: the kind, and the session, photo and analysis it is about. */
export type NewFeedback = Omit<FeedbackRow, 'id' | 'created_at'>;

/**
 * Keeps a person's "this looks wrong" / "bad photo" note for labelling (the outbox's `recordFeedback` also queues
 * it for research when consented).
 * @returns the note's local id.
 */
export async function addFeedback(input: NewFeedback): Promise<number> {
  return (await db.feedback.add({ ...input, created_at: new Date().toISOString() })) as number;
}

/** The feedback given on one session. */
export function sessionFeedback(sessionId: string): Promise<FeedbackRow[]> {
  return db.feedback.where('session_id').equals(sessionId).toArray();
}
