import { useEffect, useState } from 'preact/hooks';
import type { SessionSyncRow } from '../db/schema.ts';
import { db } from '../db/schema.ts';
import { browserSyncEnvironment } from '../sync/browser-environment.ts';
import { SyncEngine, type EngineStatus } from '../sync/engine.ts';
import { readSyncSettings, type SyncSettings } from '../sync/state.ts';
import { findFaces } from '../faces/client.ts';
import { encodeUpright } from '../sync/upright-encoder.ts';
import { useLiveQuery, type LiveResult } from './live-query.ts';

let engine: SyncEngine | undefined;

/**
 * The app's one sync engine, talking to the origin the app was served from (`npm start` serves both), on the app's
 * database and the window's fetch, clock, locks and online state. Its version is this module's URL: in a build
 * it names the script by its content hash, so every update of the app is another version (refused uploads are
 * tried again then).
 */
export function syncEngine(): SyncEngine {
  engine ??= new SyncEngine({
    ...browserSyncEnvironment(),
    origin: location.origin,
    db,
    appVersion: import.meta.url,
    encode: encodeUpright,
    faces: findFaces,
  });
  return engine;
}

/** The sync engine's status, updated as it changes. */
export function useSyncStatus(): EngineStatus {
  const [status, setStatus] = useState(() => syncEngine().current());
  useEffect(() => {
    setStatus(syncEngine().current());
    return syncEngine().subscribe(setStatus);
  }, []);
  return status;
}

/** Consent, enrolment and withdrawal as stored, re-read whenever they change. */
export function useSyncSettings(): LiveResult<SyncSettings> {
  return useLiveQuery(() => readSyncSettings(db), []);
}

/** Every session's sync record, by session id; `null` until first read, so a count of 0 is never a guess. */
export function useSessionSyncRows(): Map<string, SessionSyncRow> | null {
  const rows = useLiveQuery(() => db.session_sync.toArray(), []);
  return rows.status === 'ready' ? new Map(rows.value.map((r) => [r.session_id, r])) : null;
}
