import { db } from './schema.ts';

/** Reads one of the person's preferences; undefined when it was never set. */
export async function readPreference(key: string): Promise<unknown> {
  return (await db.preferences.get(key))?.value;
}

/** Sets one of the person's preferences (null clears it to its default). */
export async function writePreference(key: string, value: unknown): Promise<void> {
  if (value === null) await db.preferences.delete(key);
  else await db.preferences.put({ key, value });
}

/** The date (`taken_at`) of the latest session in the history's order; null when there is none. */
export async function latestSessionDate(): Promise<string | null> {
  return (await db.sessions.orderBy('taken_at').last())?.taken_at ?? null;
}
