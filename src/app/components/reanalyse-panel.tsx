import { useRef, useState } from 'preact/hooks';
import { DEFAULT_MODEL_ID } from '../analysis/client.ts';
import { photosWithoutEmbedding } from '../db/reanalyse.ts';
import { useLiveQuery } from '../state/live-query.ts';
import { reanalyseHistory } from '../state/reanalyse.ts';
import { Notice } from './notice.tsx';
import { ProgressBar } from './progress-bar.tsx';

/**
 * Shown when stored photos were analysed by another model than the one in use: their vectors cannot be compared
 * with new ones, so this offers to analyse them again (and to score every session again) on the phone.
 */
export function ReanalysePanel() {
  const missing = useLiveQuery(() => photosWithoutEmbedding(DEFAULT_MODEL_ID).then((p) => p.length), []);
  const [progress, setProgress] = useState<number>();
  const [status, setStatus] = useState<{ kind: 'info' | 'stop'; text: string }>();
  const abort = useRef<AbortController | undefined>(undefined);

  async function run() {
    abort.current = new AbortController();
    setStatus(undefined);
    setProgress(0);
    try {
      const done = await reanalyseHistory({ signal: abort.current.signal, onProgress: setProgress });
      setStatus({
        kind: 'info',
        text: `Analysed ${done.photos} photo${done.photos === 1 ? '' : 's'} again and updated ${done.sessions} session${done.sessions === 1 ? '' : 's'}.`,
      });
    } catch (err) {
      if ((err as { code?: string }).code !== 'aborted') {
        setStatus({ kind: 'stop', text: err instanceof Error ? err.message : String(err) });
      }
    } finally {
      setProgress(undefined);
    }
  }

  const count = missing.status === 'ready' ? missing.value : 0;
  if (count === 0 && !status) return null;
  return (
    <section class="card" data-testid="reanalyse">
      <h2 style={{ marginTop: 0 }}>Photos from another model</h2>
      {count > 0 && (
        <p>
          {count} photo{count === 1 ? ' was' : 's were'} analysed by another model. Their figures cannot be
          compared with new sessions until they are analysed again with the model in use. This happens on the
          phone.
        </p>
      )}
      {progress !== undefined ? (
        <ProgressBar
          fraction={progress}
          label="Analysing stored photos again"
          onCancel={() => abort.current?.abort()}
        />
      ) : (
        count > 0 && (
          <button type="button" class="primary" data-testid="reanalyse-start" onClick={() => void run()}>
            Analyse them again
          </button>
        )
      )}
      {status && (
        <Notice kind={status.kind} onDismiss={() => setStatus(undefined)} testId="reanalyse-status">
          {status.text}
        </Notice>
      )}
    </section>
  );
}
