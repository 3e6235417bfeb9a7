import { useState } from 'preact/hooks';
import { ANALYSIS_VERSION } from '../../core/config.ts';
import { Notice } from '../components/notice.tsx';
import { ReanalysePanel } from '../components/reanalyse-panel.tsx';
import { ReminderSettings } from '../components/reminder-settings.tsx';
import { SharingPanel } from '../components/sharing-panel.tsx';
import { BackupFileError, deleteAllData, exportAllData, importAllData } from '../db/backup.ts';
import { db } from '../db/schema.ts';
import { isStoragePersistent, requestPersistentStorage, storageEstimate } from '../db/storage.ts';
import { downloadFile } from '../share/deliver.ts';
import { useAsync } from '../state/async.ts';
import { useLiveQuery } from '../state/live-query.ts';
import { modelInfo } from '../state/services.ts';
import { resetPhotoIndex } from '../state/similar.ts';
import { syncEngine } from '../state/sync.ts';
import { formatBytes, formatMs } from '../text/format.ts';

function ModelFacts() {
  const info = useAsync(modelInfo, []);
  if (info.status === 'loading') return <p class="muted">Starting the model…</p>;
  if (info.status === 'error') {
    return <Notice kind="stop">The model could not be started on this phone: {String(info.error)}</Notice>;
  }
  const m = info.value;
  return (
    <dl class="facts" data-testid="model-facts" data-backend={m.backend} data-threads={m.threads}>
      <dt>Model</dt>
      <dd data-testid="model-id">{m.id}</dd>
      <dt>Source</dt>
      <dd>{m.source}</dd>
      <dt>Licence</dt>
      <dd>{m.licence}</dd>
      <dt>Runs on</dt>
      <dd data-testid="backend">
        {m.backend === 'webgpu' ? 'WebGPU (graphics processor)' : 'WASM (processor)'},{' '}
        {m.threads > 1 ? `${m.threads} threads` : 'one thread'}
      </dd>
      <dt>Analysis</dt>
      <dd>{ANALYSIS_VERSION}</dd>
    </dl>
  );
}

function LastAnalysis() {
  const log = useLiveQuery(() => db.analysis_logs.orderBy('created_at').last(), []);
  if (log.status !== 'ready' || !log.value) return null;
  const l = log.value;
  const sum = (key: 'decode_ms' | 'quality_ms' | 'preprocess_ms' | 'change_ms' | 'embed_ms' | 'faces_ms') =>
    l.images.reduce((s, i) => s + (i[key] ?? 0), 0);
  return (
    <p class="muted" data-testid="last-analysis">
      Last analysis: {l.images.length} photo{l.images.length === 1 ? '' : 's'} in {formatMs(l.total_ms)}{' '}
      (decoding {formatMs(sum('decode_ms'))}, quality {formatMs(sum('quality_ms'))}, preparing{' '}
      {formatMs(sum('preprocess_ms'))}, copies to compare {formatMs(sum('change_ms'))}, model{' '}
      {formatMs(sum('embed_ms'))}, looking for faces {formatMs(sum('faces_ms'))}, comparing with earlier
      sessions {formatMs(l.scoring_ms)}) on {l.backend}
      {l.errors.length > 0 && `; stopped: ${l.errors[0]?.message}`}.
    </p>
  );
}

function Storage() {
  const [asked, setAsked] = useState(0);
  const persistent = useAsync(isStoragePersistent, [asked]);
  const estimate = useAsync(storageEstimate, [asked]);
  return (
    <dl class="facts">
      <dt>Used</dt>
      <dd data-testid="settings-storage">
        {estimate.status === 'ready' && estimate.value ? formatBytes(estimate.value.usage) : '…'}
      </dd>
      <dt>Kept</dt>
      <dd>
        {persistent.status === 'ready' && persistent.value ? (
          'Your data stays until you delete it.'
        ) : (
          <>
            The browser may clear it when the phone runs low on space.{' '}
            <button
              type="button"
              class="quiet"
              onClick={() => void requestPersistentStorage().then(() => setAsked(asked + 1))}
            >
              Ask to keep it
            </button>
          </>
        )}
      </dd>
    </dl>
  );
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function DataControls() {
  const sessions = useLiveQuery(() => db.sessions.count(), []);
  const [status, setStatus] = useState<{ kind: 'info' | 'stop'; text: string }>();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [pendingImport, setPendingImport] = useState<File>();
  const [busy, setBusy] = useState(false);
  const count = sessions.status === 'ready' ? sessions.value : 0;

  async function run(work: () => Promise<string>) {
    setBusy(true);
    setStatus(undefined);
    try {
      setStatus({ kind: 'info', text: await work() });
    } catch (err) {
      setStatus({ kind: 'stop', text: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  const doImport = (file: File) =>
    run(async () => {
      setPendingImport(undefined);
      const n = await importAllData(file).catch((err: unknown) => {
        throw err instanceof BackupFileError
          ? err
          : new Error(`The import did not work, nothing was changed: ${errorText(err)}`);
      });
      resetPhotoIndex();
      // When sharing, the imported sessions are queued for sync (the server keeps each once).
      syncEngine().kick();
      return `Imported ${n} session${n === 1 ? '' : 's'}.`;
    });

  return (
    <div data-testid="data-controls">
      <p class="muted">
        {count} session{count === 1 ? '' : 's'} on this phone. An export is one file holding every photo,
        score and note; keep it somewhere private.
      </p>
      <div class="row">
        <button
          type="button"
          disabled={busy || count === 0}
          data-testid="export"
          onClick={() =>
            void run(async () => {
              downloadFile(await exportAllData(), `bcd-export-${new Date().toISOString().slice(0, 10)}.json`);
              return 'Export ready: the file is in your downloads.';
            })
          }
        >
          Export all data
        </button>
        <label class="button" for="import-file" aria-disabled={busy}>
          Import from a file
        </label>
        <input
          id="import-file"
          class="visually-hidden"
          type="file"
          accept="application/json,.json"
          disabled={busy}
          data-testid="import-input"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (!file) return;
            if (count > 0) setPendingImport(file);
            else void doImport(file);
          }}
        />
      </div>
      {pendingImport && (
        <Notice kind="hint">
          <p>
            Importing replaces the {count} session{count === 1 ? '' : 's'} on this phone with the file’s. Go
            on?
          </p>
          <div class="row">
            <button
              type="button"
              class="primary"
              onClick={() => void doImport(pendingImport)}
              data-testid="confirm-import"
            >
              Replace with the file
            </button>
            <button type="button" onClick={() => setPendingImport(undefined)}>
              Cancel
            </button>
          </div>
        </Notice>
      )}
      <h2>Delete</h2>
      {confirmDelete ? (
        <Notice kind="hint">
          <p>
            Delete every session, photo and score from this phone? This cannot be undone; export first to keep
            a copy.
          </p>
          <div class="row">
            <button
              type="button"
              class="primary"
              data-testid="confirm-delete-all"
              onClick={() => {
                setConfirmDelete(false);
                void run(async () => {
                  await deleteAllData();
                  resetPhotoIndex();
                  return 'All local data was deleted.';
                });
              }}
            >
              Delete everything
            </button>
            <button type="button" onClick={() => setConfirmDelete(false)}>
              Keep it
            </button>
          </div>
        </Notice>
      ) : (
        <button
          type="button"
          class="quiet"
          disabled={busy || count === 0}
          data-testid="delete-all"
          onClick={() => setConfirmDelete(true)}
        >
          Delete all local data
        </button>
      )}
      {status && (
        <Notice kind={status.kind} onDismiss={() => setStatus(undefined)} testId="data-status">
          {status.text}
        </Notice>
      )}
    </div>
  );
}

/**
 * The Settings screen: model and backend in use, reminders, sharing with research, storage, export, import and
 * delete.
 */
export function SettingsScreen() {
  return (
    <main>
      <h1>Settings</h1>
      <section class="card">
        <h2 style={{ marginTop: 0 }}>Analysis on this phone</h2>
        <ModelFacts />
        <LastAnalysis />
      </section>
      <ReminderSettings />
      <ReanalysePanel />
      <SharingPanel />
      <section class="card">
        <h2 style={{ marginTop: 0 }}>Storage</h2>
        <Storage />
      </section>
      <section class="card">
        <h2 style={{ marginTop: 0 }}>Your data</h2>
        <DataControls />
      </section>
    </main>
  );
}
