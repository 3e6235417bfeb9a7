import type { FeedbackKind, FeedbackRow } from './schema.ts';
import { db } from './schema.ts';

/** Keeps a person's "this looks wrong" / "bad photo" note for labelling (and, with consent, for research). */
export async function addFeedback(input: {
  kind: FeedbackKind;
  session_id: string;
  image_id: number | null;
  model_id: string;
  analysis_version: string;
}): Promise<void> {
  await db.feedback.add({ ...input, created_at: new Date().toISOString() });
}

/** The feedback given on one session. */
export function sessionFeedback(sessionId: string): Promise<FeedbackRow[]> {
  return db.feedback.where('session_id').equals(sessionId).toArray();
}
