import { useMemo } from 'preact/hooks';
import { DEFAULT_MODEL_ID } from '../analysis/client.ts';
import { LevelBadge } from '../components/level-badge.tsx';
import { Notice } from '../components/notice.tsx';
import { ReminderCard } from '../components/reminder-card.tsx';
import { SyncState } from '../components/sync-state.tsx';
import { ScoreChart, type ScorePoint } from '../components/score-chart.tsx';
import type { SessionSyncRow } from '../db/schema.ts';
import type { SessionSummary } from '../db/sessions.ts';
import { listSessions } from '../db/sessions.ts';
import { storageEstimate } from '../db/storage.ts';
import { useAsync } from '../state/async.ts';
import { useLiveQuery } from '../state/live-query.ts';
import { routeHref } from '../state/router.ts';
import { useSessionSyncRows } from '../state/sync.ts';
import { angleName } from '../text/angles.ts';
import { confidenceWords, formatBytes, formatDateTime, formatPercent, formatScore } from '../text/format.ts';

function SessionItem(props: { summary: SessionSummary; sync: SessionSyncRow | undefined }) {
  const { session, analysis } = props.summary;
  return (
    <li>
      <a
        class="card session-link"
        href={routeHref({ name: 'results', sessionId: session.id })}
        data-testid="session-item"
        data-session-id={session.id}
      >
        <div class="spread">
          <strong>{formatDateTime(session.taken_at)}</strong>
          {analysis && <LevelBadge level={analysis.variation_level} />}
        </div>
        {analysis ? (
          <div class="muted">
            Structural change {formatScore(analysis.overall_score)} · Confidence{' '}
            {formatPercent(analysis.analysis_confidence_score)} (
            {confidenceWords(analysis.analysis_confidence_score)})
          </div>
        ) : (
          <div class="muted">Analysed by another model: see Settings to analyse it again.</div>
        )}
        <div class="muted">
          {session.image_count} photo{session.image_count > 1 ? 's' : ''}:{' '}
          {session.angles.map(angleName).join(' · ')}
        </div>
        <SyncState row={props.sync} />
      </a>
    </li>
  );
}

function StorageUsed(props: { sessions: number }) {
  const estimate = useAsync(storageEstimate, [props.sessions]);
  if (estimate.status !== 'ready' || !estimate.value) return null;
  const { usage, quota } = estimate.value;
  return (
    <p class="muted" data-testid="storage-used" data-usage={usage}>
      Storage used on this phone: {formatBytes(usage)}
      {quota > 0 && ` of ${formatBytes(quota)} available to BCD`}.
    </p>
  );
}

/**
 * The History screen: when the next session is due, sessions newest first (by the date their photos were taken), a
 * chart of their scores, the way to a report for a clinician, and the storage they take.
 */
export function HistoryScreen() {
  const sessions = useLiveQuery(() => listSessions(DEFAULT_MODEL_ID), []);
  const syncRows = useSessionSyncRows();
  const points = useMemo<ScorePoint[]>(
    () =>
      sessions.status === 'ready'
        ? sessions.value.flatMap(({ session, analysis }) =>
            analysis
              ? [
                  {
                    at: session.taken_at,
                    structural: analysis.overall_score,
                    angle: analysis.angle_aware_score,
                  },
                ]
              : [],
          )
        : [],
    [sessions],
  );
  if (sessions.status === 'loading')
    return (
      <main>
        <h1>History</h1>
        <p class="muted">Loading…</p>
      </main>
    );
  if (sessions.status === 'error') {
    return (
      <main>
        <h1>History</h1>
        <Notice kind="stop">
          Your sessions could not be read from this phone’s storage: {String(sessions.error)}
        </Notice>
      </main>
    );
  }
  const list = sessions.value;
  return (
    <main>
      <h1>History</h1>
      {list.length === 0 ? (
        <div class="card">
          <p>No sessions yet. A session is a few photos of the same areas, taken from fixed angles.</p>
          <p class="muted">Your first session sets the baseline; later sessions are compared with it.</p>
          <a class="button primary" href={routeHref({ name: 'new' })}>
            Start a session
          </a>
        </div>
      ) : (
        <>
          <ReminderCard />
          {points.length > 1 && (
            <section class="card">
              <h2 style={{ marginTop: 0 }}>Change over time</h2>
              <ScoreChart points={points} />
            </section>
          )}
          <ul class="list" data-testid="session-list">
            {list.map((s) => (
              <SessionItem key={s.session.id} summary={s} sync={syncRows?.get(s.session.id)} />
            ))}
          </ul>
          <a class="button" href={routeHref({ name: 'report' })} data-testid="open-report">
            Report for a clinician (PDF)
          </a>
        </>
      )}
      <StorageUsed sessions={list.length} />
    </main>
  );
}
