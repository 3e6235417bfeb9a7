import { useState } from 'preact/hooks';
import { ANALYSIS_VERSION } from '../../core/config.ts';
import { AngleChange } from '../components/angle-change.tsx';
import { FaceNote } from '../components/face-note.tsx';
import { Figure } from '../components/figure.tsx';
import { FlagButton } from '../components/flag-button.tsx';
import { LevelBadge } from '../components/level-badge.tsx';
import { Notice } from '../components/notice.tsx';
import { PhotoThumb } from '../components/photo-thumb.tsx';
import { QualityFigures } from '../components/quality-figures.tsx';
import { SamePhotoNotice } from '../components/same-photo-notice.tsx';
import { SessionDate } from '../components/session-date.tsx';
import { SimilarPhoto } from '../components/similar-photo.tsx';
import { ConsentOffer } from '../components/consent-offer.tsx';
import { SyncState } from '../components/sync-state.tsx';
import type { NewFeedback } from '../db/feedback.ts';
import type { AngleAnalysisRow } from '../db/schema.ts';
import { useLiveQuery } from '../state/live-query.ts';
import { removeSession, sessionResult, sessionSyncRow } from '../state/results.ts';
import type { SessionResult } from '../state/results.ts';
import { navigate, routeHref } from '../state/router.ts';
import { syncEngine } from '../state/sync.ts';
import { recordFeedback } from '../sync/outbox.ts';
import { angleName } from '../text/angles.ts';
import { confidenceWords, formatDateTime, formatPercent, formatScore } from '../text/format.ts';
import { flagLabel } from '../text/quality.ts';

/** Keeps a note and, when notes are shared, sends it. */
async function flag(input: NewFeedback): Promise<void> {
  await recordFeedback(input);
  syncEngine().kick();
}

const LAYER_NAMES: Record<string, string> = {
  registered_local_change: 'each photo lined up with your earlier photos of its angle, area by area',
  angle_embedding: 'each angle against its own earlier photos',
  session_embedding: 'the whole session against earlier sessions',
};

function Headline(props: { result: SessionResult }) {
  const a = props.result.analysis;
  return (
    <div class="figures">
      <Figure
        label="Structural change"
        display={formatScore(a.overall_score)}
        value={a.overall_score}
        testId="structural-change"
      >
        <LevelBadge level={a.variation_level} />
      </Figure>
      <Figure
        label="Angle change"
        display={formatScore(a.angle_aware_score)}
        value={a.angle_aware_score}
        testId="angle-change"
      >
        {a.comparison_layers_used.length === 0
          ? 'No earlier photo of these angles'
          : 'Mean over shared angles'}
      </Figure>
      <Figure
        label="Confidence"
        display={formatPercent(a.analysis_confidence_score)}
        value={a.analysis_confidence_score}
        testId="confidence"
      >
        {confidenceWords(a.analysis_confidence_score)}
      </Figure>
      <Figure
        label="Analysis version"
        display={a.analysis_version}
        value={a.analysis_version}
        testId="analysis-version"
      >
        Model {a.model_id}
      </Figure>
    </div>
  );
}

function HowMeasured(props: { result: SessionResult }) {
  const { analysis: a, baseline } = props.result;
  const q = a.image_quality_summary;
  const flagCounts = Object.entries(q.flag_counts).filter(([, n]) => n > 0);
  return (
    <section class="card" data-testid="how-measured">
      <h2 style={{ marginTop: 0 }}>How this was measured</h2>
      <dl class="facts">
        <dt>Baseline</dt>
        <dd data-testid="baseline" data-sessions={a.baseline_used.sessions}>
          {a.baseline_used.sessions === 0
            ? 'None yet: this is the first session, so it sets the baseline and its change is 0.'
            : `${a.baseline_used.sessions} earlier session${a.baseline_used.sessions > 1 ? 's' : ''}: ${baseline.map((s) => formatDateTime(s.taken_at)).join(' · ')}`}
        </dd>
        <dt>Compared</dt>
        <dd data-testid="comparison-layers" data-layers={a.comparison_layers_used.join(',')}>
          {a.comparison_layers_used.length === 0
            ? 'Nothing yet (no earlier photo of these angles)'
            : a.comparison_layers_used.map((l) => LAYER_NAMES[l] ?? l).join('; ')}
        </dd>
        <dt>Photos</dt>
        <dd data-testid="quality-summary" data-value={a.session_quality_score}>
          {q.images} photo{q.images > 1 ? 's' : ''}, quality {formatPercent(q.mean_image_quality)} on average
          (lowest {formatPercent(q.min_image_quality)}); session quality{' '}
          {formatPercent(a.session_quality_score)}
          {flagCounts.length > 0 &&
            `. Notes: ${flagCounts.map(([f, n]) => `${flagLabel(f)} ×${n}`).join(', ')}`}
        </dd>
      </dl>
    </section>
  );
}

function AngleCard(props: { result: SessionResult; angle: AngleAnalysisRow }) {
  const { result, angle } = props;
  const images = result.images.filter((i) => i.angle === angle.angle);
  const flagged = (imageId: number | undefined) =>
    result.feedback.some((f) => f.kind === 'bad_photo' && f.image_id === imageId);
  const sessionDates = new Map(result.baseline.map((s) => [s.id, s.taken_at]));
  return (
    <section
      class="card"
      data-testid={`angle-${angle.angle}`}
      data-change-method={angle.change_method ?? ''}
      data-registration={angle.registration?.method ?? ''}
      data-changed-area={angle.changed_area_fraction}
      data-change-map={angle.change_map?.cells.join(',') ?? ''}
    >
      <div class="spread">
        <h3>{angleName(angle.angle)}</h3>
        <LevelBadge level={angle.variation_level} />
      </div>
      <p>
        Change{' '}
        <strong data-testid="angle-change-score" data-value={angle.change_score}>
          {formatScore(angle.change_score)}
        </strong>
        {' · '}quality{' '}
        <span data-testid="angle-quality" data-value={angle.angle_quality_score}>
          {formatPercent(angle.angle_quality_score)}
        </span>
        {' · '}
        {angle.baseline_sessions === 0
          ? 'first photo of this angle'
          : `against ${angle.baseline_sessions} earlier session${angle.baseline_sessions > 1 ? 's' : ''}`}
      </p>
      <AngleChange sessionId={result.session.id} angle={angle} sessionDates={sessionDates} />
      {images.map((image) => (
        <div class="slot-photo" key={image.id} data-testid="result-photo" style={{ marginBottom: '0.6rem' }}>
          <PhotoThumb blob={image.thumbnail} alt={`${angleName(image.angle)} as the model saw it`} />
          <div>
            <QualityFigures quality={image.quality} />
            <FaceNote image={image} />
            <div class="photo-actions">
              <FlagButton
                label="Bad photo"
                testId="flag-photo"
                flagged={flagged(image.id)}
                onFlag={() =>
                  flag({
                    kind: 'bad_photo',
                    session_id: result.session.id,
                    image_id: image.id ?? null,
                    model_id: result.analysis.model_id,
                    analysis_version: result.analysis.analysis_version,
                  })
                }
              />
            </div>
          </div>
        </div>
      ))}
      <SimilarPhoto
        modelId={result.analysis.model_id}
        vector={angle.embedding}
        angle={angle.angle}
        before={result.session.taken_at}
      />
    </section>
  );
}

function DeleteSession(props: { sessionId: string; shared: boolean }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="quiet" onClick={() => setAsking(true)} data-testid="delete-session">
        Delete this session
      </button>
    );
  }
  return (
    <Notice kind="hint">
      <p>
        Delete this session and its photos from this phone? This cannot be undone.
        {props.shared &&
          ' What was already shared stays with the research team until you withdraw in Settings.'}
      </p>
      <div class="row">
        <button
          type="button"
          class="primary"
          onClick={async () => {
            await removeSession(props.sessionId);
            navigate({ name: 'history' });
          }}
        >
          Delete
        </button>
        <button type="button" onClick={() => setAsking(false)}>
          Keep it
        </button>
      </div>
    </Notice>
  );
}

/** The Results screen of one session. */
export function ResultsScreen(props: { sessionId: string }) {
  const result = useLiveQuery(() => sessionResult(props.sessionId), [props.sessionId]);
  const sync = useLiveQuery(() => sessionSyncRow(props.sessionId), [props.sessionId]);
  const syncRow = sync.status === 'ready' ? sync.value : undefined;
  if (result.status === 'loading') {
    return (
      <main>
        <p class="muted">Loading…</p>
      </main>
    );
  }
  if (result.status === 'error' || typeof result.value !== 'object') {
    return (
      <main>
        <h1>Results</h1>
        <Notice kind="hint">
          {result.status === 'ready' && result.value === 'not_analysed'
            ? 'This session was analysed by another model. Analyse it again in Settings to see its figures.'
            : 'This session is not on this phone (it may have been deleted).'}
        </Notice>
        <a href={routeHref({ name: 'history' })}>Back to history</a>
      </main>
    );
  }
  const r = result.value;
  const resultFlagged = r.feedback.some((f) => f.kind === 'result_looks_wrong');
  return (
    <main data-testid="results" data-session-id={r.session.id}>
      <h1>Results</h1>
      <SessionDate session={r.session} />
      <SyncState row={syncRow} localText="Kept on this phone only" />
      <Headline result={r} />
      <p class="muted">
        BCD measures how much your photos changed compared with your own earlier sessions. It cannot say why
        they changed; light, pose and clothing all count.
      </p>
      {r.analysis.analysis_version !== ANALYSIS_VERSION && (
        <Notice kind="hint" testId="earlier-version">
          This session was analysed by an earlier version of BCD ({r.analysis.analysis_version}). Analyse it
          again in Settings to line its photos up with your earlier ones and see where they changed.
        </Notice>
      )}
      <ConsentOffer />
      <SamePhotoNotice modelId={r.analysis.model_id} images={r.images} embeddings={r.embeddings} />
      <HowMeasured result={r} />
      <h2>By angle</h2>
      {r.angles.map((angle) => (
        <AngleCard key={angle.angle} result={r} angle={angle} />
      ))}
      <div class="card">
        <p>Does this result look wrong to you? Telling BCD helps improve it.</p>
        <FlagButton
          label="This looks wrong"
          testId="flag-result"
          flagged={resultFlagged}
          onFlag={() =>
            flag({
              kind: 'result_looks_wrong',
              session_id: r.session.id,
              image_id: null,
              model_id: r.analysis.model_id,
              analysis_version: r.analysis.analysis_version,
            })
          }
        />
      </div>
      <div class="row">
        <a class="button" href={routeHref({ name: 'compare', b: r.session.id })}>
          Compare with another session
        </a>
        <DeleteSession sessionId={r.session.id} shared={syncRow !== undefined} />
      </div>
    </main>
  );
}
