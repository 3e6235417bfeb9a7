import { useState } from 'preact/hooks';
import { LevelBadge } from '../components/level-badge.tsx';
import { Notice } from '../components/notice.tsx';
import { useLiveQuery } from '../state/live-query.ts';
import { reportChoices, shareReport } from '../state/report.ts';
import { routeHref } from '../state/router.ts';
import { formatDateTime } from '../text/format.ts';
import { REPORT_TEXT } from '../text/report.ts';

type Outcome = { kind: 'info' | 'stop'; text: string };

const DELIVERED: Record<'shared' | 'downloaded' | 'cancelled', string> = {
  shared: 'The report was handed to the app you chose.',
  downloaded: 'The report is in your downloads. It stays on this phone until you send it to someone.',
  cancelled: 'Nothing was sent.',
};

/**
 * The report chooser: the person ticks the sessions to include (by default the first and the latest) and BCD
 * makes a PDF on the phone, shared through the phone's share sheet or saved to the downloads.
 */
export function ReportScreen() {
  const choices = useLiveQuery(reportChoices, []);
  const [picked, setPicked] = useState<ReadonlySet<string>>();
  const [progress, setProgress] = useState<string>();
  const [outcome, setOutcome] = useState<Outcome>();

  if (choices.status === 'loading') {
    return (
      <main>
        <h1>Report for a clinician</h1>
        <p class="muted">Loading…</p>
      </main>
    );
  }
  if (choices.status === 'error') {
    return (
      <main>
        <h1>Report for a clinician</h1>
        <Notice kind="stop">Your sessions could not be read: {String(choices.error)}</Notice>
      </main>
    );
  }
  const list = choices.value;
  const newest = list[0]?.session.id;
  const oldest = list[list.length - 1]?.session.id;
  const chosen = picked ?? new Set([newest, oldest].filter((id) => id !== undefined));
  const busy = progress !== undefined;

  function toggle(id: string) {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  }

  async function make() {
    setOutcome(undefined);
    setProgress('Preparing the photos…');
    try {
      const ids = list.map((s) => s.session.id).filter((id) => chosen.has(id));
      const delivery = await shareReport(ids, (done, total) =>
        setProgress(`Preparing session ${Math.min(done + 1, total)} of ${total}…`),
      );
      setOutcome({ kind: 'info', text: DELIVERED[delivery] });
    } catch (err) {
      setOutcome({ kind: 'stop', text: err instanceof Error ? err.message : String(err) });
    } finally {
      setProgress(undefined);
    }
  }

  return (
    <main data-testid="report-screen">
      <h1>Report for a clinician</h1>
      <p>
        A PDF of the sessions you choose: for each angle the earlier and the new photo with their dates, the
        change map, and the scores with their confidence.
      </p>
      <p class="muted">
        It is made on this phone. Nothing leaves it unless you send the file yourself.{' '}
        {REPORT_TEXT.noMedicalOpinion}
      </p>
      {list.length === 0 ? (
        <div class="card">
          <p>No analysed sessions yet.</p>
          <a class="button primary" href={routeHref({ name: 'new' })}>
            Start a session
          </a>
        </div>
      ) : (
        <form
          class="card report-form"
          onSubmit={(e) => {
            e.preventDefault();
            void make();
          }}
        >
          <fieldset class="report-sessions" disabled={busy}>
            <legend>Sessions in the report</legend>
            {list.map(({ session, analysis }) => (
              <label key={session.id} class="toggle" data-testid="report-choice" data-session-id={session.id}>
                <input type="checkbox" checked={chosen.has(session.id)} onChange={() => toggle(session.id)} />
                <span class="report-date">{formatDateTime(session.taken_at)}</span>
                {analysis && <LevelBadge level={analysis.variation_level} />}
              </label>
            ))}
          </fieldset>
          <p class="muted" data-testid="report-count">
            {chosen.size} of {list.length} session{list.length === 1 ? '' : 's'} chosen.
          </p>
          <button
            type="submit"
            class="primary wide"
            disabled={busy || chosen.size === 0}
            data-testid="make-report"
          >
            {progress ?? 'Make the PDF and share it'}
          </button>
        </form>
      )}
      {outcome && (
        <Notice kind={outcome.kind} onDismiss={() => setOutcome(undefined)} testId="report-status">
          {outcome.text}
        </Notice>
      )}
    </main>
  );
}
