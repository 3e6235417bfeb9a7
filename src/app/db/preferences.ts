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
  // In a read transaction of its own, so a live query reading it skips Dexie 4's query cache: that cache applies a
  // date edit to the remembered `last()` row optimistically, and until it re-reads, the session just moved back
  // stays "latest" (dexie/Dexie.js#2058: "optimistic emittions from liveQueries can be faulty temporarily").
  // Seen as a due date counted from the wrong session in the diary e2e under load.
  const latest = await db.transaction('r', db.sessions, () => db.sessions.orderBy('taken_at').last());
  return latest?.taken_at ?? null;
}
