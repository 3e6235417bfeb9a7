import { useState } from 'preact/hooks';
import { useLiveQuery } from '../state/live-query.ts';
import { downloadReminderCalendar, reminderStatus } from '../state/reminders.ts';
import { routeHref } from '../state/router.ts';
import { dueText } from '../text/reminders.ts';
import { Notice } from './notice.tsx';

/**
 * History's reminder: when the next session is due (from the last session's date and the cadence chosen in
 * Settings), a notice once it is due, and "Add to calendar" for a recurring calendar event. Shows nothing while
 * reminders are off or before the first session.
 */
export function ReminderCard() {
  const status = useLiveQuery(() => reminderStatus(), []);
  const [error, setError] = useState<string>();
  if (status.status !== 'ready') return null;
  // An empty mark, so a reader of the screen can tell "no reminder" from "not read yet".
  if (status.value.due === null) return <div hidden data-testid="reminder-none" />;
  const { due, overdue } = status.value;
  const now = new Date();
  return (
    <section
      class={`card reminder${overdue ? ' due' : ''}`}
      data-testid="reminder"
      data-due={due.toISOString()}
      data-overdue={overdue}
      aria-labelledby="reminder-heading"
    >
      <h2 id="reminder-heading" class="visually-hidden">
        Next session
      </h2>
      <p data-testid="reminder-text" role={overdue ? 'status' : undefined}>
        {dueText(due, now)}
      </p>
      <div class="row">
        {overdue && (
          <a class="button primary" href={routeHref({ name: 'new' })} data-testid="reminder-start">
            Start a session
          </a>
        )}
        <button
          type="button"
          data-testid="add-to-calendar"
          onClick={() => {
            setError(undefined);
            downloadReminderCalendar().catch((err: unknown) => setError(String(err)));
          }}
        >
          Add to calendar
        </button>
        <a href={routeHref({ name: 'settings' })} class="muted">
          Change how often
        </a>
      </div>
      {error && <Notice kind="stop">{error}</Notice>}
    </section>
  );
}
