import type { SessionSyncRow } from '../db/schema.ts';
import { useSyncStatus } from '../state/sync.ts';
import { sessionSyncLabel, sessionSyncView } from '../sync/session-state.ts';

/**
 * A session's sync state in words ("Waiting to sync", "Synced", "Sync paused: …"); `localText` is shown for a
 * session that is not shared (nothing when omitted).
 */
export function SyncState(props: { row: SessionSyncRow | undefined; localText?: string }) {
  const view = sessionSyncView(props.row, useSyncStatus());
  const text = sessionSyncLabel(view) ?? props.localText;
  if (!text) return null;
  return (
    <div class="sync-state" data-testid="sync-state" data-sync={view.kind}>
      {text}
    </div>
  );
}
