import type { SessionSyncRow } from '../db/schema.ts';
import type { EngineStatus } from './engine.ts';

/** Where one session stands in sync, as History and Results show it. */
export type SessionSyncView =
  /** Never queued: no consent, so it stays on this phone. */
  | { readonly kind: 'local' }
  | { readonly kind: 'waiting' }
  | { readonly kind: 'synced'; readonly at: string }
  | { readonly kind: 'paused'; readonly reason: string };

/**
 * A session's sync state from its sync record and the engine's status: synced once all its items went through;
 * paused with the reason the server gave for one of its items, or the engine's reason (offline, no sync server,
 * the server cannot be reached); otherwise waiting.
 */
export function sessionSyncView(row: SessionSyncRow | undefined, engine: EngineStatus): SessionSyncView {
  if (!row) return { kind: 'local' };
  if (row.synced_at !== null) return { kind: 'synced', at: row.synced_at };
  if (row.error !== null) return { kind: 'paused', reason: row.error };
  switch (engine.state) {
    case 'offline':
      return { kind: 'paused', reason: 'no connection' };
    case 'no_server':
    case 'paused':
      return { kind: 'paused', reason: engine.reason };
    default:
      return { kind: 'waiting' };
  }
}

/** The words for a sync state; null for a session that stays on this phone (nothing to say). */
export function sessionSyncLabel(view: SessionSyncView): string | null {
  switch (view.kind) {
    case 'local':
      return null;
    case 'waiting':
      return 'Waiting to sync';
    case 'synced':
      return 'Synced';
    case 'paused':
      return `Sync paused: ${view.reason}`;
  }
}
