import { useRef, useState } from 'preact/hooks';
import { DEFAULT_MODEL_ID } from '../analysis/client.ts';
import { useLiveQuery } from '../state/live-query.ts';
import { reanalyseHistory, reanalysisNeeds } from '../state/reanalyse.ts';
import type { ReanalysisNeeds } from '../state/reanalyse.ts';
import { Notice } from './notice.tsx';
import { ProgressBar } from './progress-bar.tsx';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Why the stored history should be analysed again, in plain words. */
function Reason(props: { needs: ReanalysisNeeds }) {
  const { photosToEmbed, photosToPrepare, sessionsOutdated } = props.needs;
  if (photosToEmbed > 0) {
    return (
      <p>
        {plural(photosToEmbed, 'photo was', 'photos were')} analysed by another model. Their figures cannot be
        compared with new sessions until they are analysed again with the model in use. This happens on the
        phone.
      </p>
    );
  }
  const what = [
    ...(sessionsOutdated > 0 ? [plural(sessionsOutdated, 'session', 'sessions')] : []),
    ...(photosToPrepare > 0 ? [plural(photosToPrepare, 'photo', 'photos')] : []),
  ].join(' and ');
  return (
    <p>
      {what} {sessionsOutdated + photosToPrepare === 1 ? 'was' : 'were'} analysed by an earlier version of
      BCD. Analysing them again lines each photo up with your earlier photos of the same angle and compares
      them area by area. This happens on the phone.
    </p>
  );
}

/**
 * Shown when stored photos were analysed by another model than the one in use (their vectors cannot be compared
 * with new ones), or sessions by an earlier analysis version (they lack the change engine's figures): offers to
 * analyse them again (and to score every session again) on the phone.
 */
export function ReanalysePanel() {
  const needs = useLiveQuery(() => reanalysisNeeds(DEFAULT_MODEL_ID), []);
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

  const current = needs.status === 'ready' ? needs.value : undefined;
  const count = current ? current.photosToPrepare + current.sessionsOutdated : 0;
  if (count === 0 && !status) return null;
  return (
    <section class="card" data-testid="reanalyse">
      <h2 style={{ marginTop: 0 }}>
        {current && current.photosToEmbed > 0 ? 'Photos from another model' : 'Analyse again'}
      </h2>
      {current && count > 0 && <Reason needs={current} />}
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
