import { useEffect, useRef, useState } from 'preact/hooks';
import { DEFAULT_ANGLES } from '../../core/config.ts';
import { AngleSlot } from '../components/angle-slot.tsx';
import { CameraSheet } from '../components/camera-sheet.tsx';
import { Notice } from '../components/notice.tsx';
import { ProgressBar } from '../components/progress-bar.tsx';
import type { AnalyseProgress } from '../state/analyse.ts';
import { analyseSession } from '../state/analyse.ts';
import { clearDraft, currentDraft, useDraft } from '../state/draft.ts';
import { navigate } from '../state/router.ts';
import { warmAnalysis } from '../state/services.ts';
import { angleName } from '../text/angles.ts';

const STAGE_WORDS: Record<AnalyseProgress['stage'], string> = {
  queued: 'Waiting',
  loading_model: 'Starting the model',
  preparing: 'Reading and measuring the photo',
  embedding: 'Comparing with the model',
  done: 'Done',
  scoring: 'Comparing with your earlier sessions',
  saving: 'Saving',
};

function progressText(p: AnalyseProgress): string {
  if (p.stage === 'scoring' || p.stage === 'saving') return `${STAGE_WORDS[p.stage]}…`;
  return `Photo ${Math.min(p.done + 1, p.total)} of ${p.total}: ${STAGE_WORDS[p.stage]}…`;
}

/** The New session screen: one slot per angle, then Analyse. */
export function NewSessionScreen() {
  const draft = useDraft();
  const [camera, setCamera] = useState<string>();
  const [progress, setProgress] = useState<AnalyseProgress>();
  const [error, setError] = useState<string>();
  const abort = useRef<AbortController | undefined>(undefined);
  useEffect(warmAnalysis, []);

  const checking = draft.photos.some((p) => p.check.status === 'checking');
  const busy = progress !== undefined;
  const angles = new Set(draft.photos.map((p) => p.angle));

  async function analyse() {
    setError(undefined);
    abort.current = new AbortController();
    setProgress({ done: 0, total: draft.photos.length, stage: 'queued', fraction: 0 });
    try {
      const id = await analyseSession(currentDraft().photos, {
        signal: abort.current.signal,
        onProgress: setProgress,
      });
      clearDraft();
      navigate({ name: 'results', sessionId: id });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'aborted') {
        const file = (err as { fileName?: string }).fileName;
        const message = err instanceof Error ? err.message : String(err);
        setError(
          file
            ? `“${file}” could not be analysed: ${message} Remove it or replace it, then try again.`
            : message,
        );
      }
    } finally {
      setProgress(undefined);
    }
  }

  return (
    <main>
      <h1>New session</h1>
      <p class="muted">
        Add a photo for each angle you want to follow. Angles can stay empty, and each can take several
        photos. Photos stay on this phone.
      </p>
      <p>
        On a laptop or tablet: <a href="#/remote-camera">use a phone as camera</a> and pose by the bigger
        picture.
      </p>
      {DEFAULT_ANGLES.map((angle) => (
        <AngleSlot
          key={angle}
          angle={angle}
          photos={draft.photos.filter((p) => p.angle === angle)}
          messages={draft.messages.filter((m) => m.angle === angle)}
          disabled={busy}
          onCamera={setCamera}
        />
      ))}
      {error && (
        <Notice kind="stop" onDismiss={() => setError(undefined)} testId="analyse-error">
          {error}
        </Notice>
      )}
      <div class="card" data-testid="analyse-panel">
        {progress ? (
          <>
            <p data-testid="analyse-progress">{progressText(progress)}</p>
            <ProgressBar
              fraction={progress.fraction}
              label="Analysis progress"
              onCancel={() => abort.current?.abort()}
            />
          </>
        ) : (
          <>
            <p class="muted">
              {draft.photos.length === 0
                ? 'Add at least one photo to analyse.'
                : `${draft.photos.length} photo${draft.photos.length > 1 ? 's' : ''} in ${angles.size} angle${angles.size > 1 ? 's' : ''}: ${[...angles].map(angleName).join(' · ')}.`}
            </p>
            <button
              type="button"
              class="primary wide"
              disabled={draft.photos.length === 0 || checking}
              onClick={() => void analyse()}
              data-testid="analyse"
            >
              {checking ? 'Checking photos…' : 'Analyse'}
            </button>
          </>
        )}
      </div>
      {camera && <CameraSheet angle={camera} angles={DEFAULT_ANGLES} onClose={() => setCamera(undefined)} />}
    </main>
  );
}
