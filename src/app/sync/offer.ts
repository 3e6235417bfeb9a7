import { db } from '../db/schema.ts';
import { SyncClient } from './http.ts';
import { readSyncSettings, writeSyncSetting } from './state.ts';

/**
 * Whether to offer sharing now: once, after the first session, to a person who has not chosen yet, and only when
 * the app was served by a sync server that answers (a plain static host has nothing to share with).
 */
export async function shouldOfferSharing(origin: string): Promise<boolean> {
  const settings = await readSyncSettings(db);
  if (settings.offered_at !== null || settings.consent !== null || settings.withdrawal !== null) return false;
  if ((await db.sessions.count()) === 0) return false;
  return new SyncClient(origin, null).health().then(
    () => true,
    () => false,
  );
}

/** Records that the offer was shown, so it is not shown again (Settings keeps the way to sharing open). */
export async function markSharingOffered(): Promise<void> {
  await writeSyncSetting(db, 'offered_at', new Date().toISOString());
}
