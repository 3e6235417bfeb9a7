import { useState } from 'preact/hooks';
import type { SessionRow } from '../db/schema.ts';
import { changeSessionDate } from '../state/session-date.ts';
import { formatDateTime } from '../text/format.ts';
import { Notice } from './notice.tsx';

/** An instant as a `datetime-local` input shows it: `YYYY-MM-DDTHH:MM` in the phone's time zone. */
function localInputValue(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/**
 * A session's date (when its photos were taken) with a way to correct it. Saving a date that moves the session
 * past others scores the history again in the new order, which takes a moment.
 */
export function SessionDate(props: { session: SessionRow }) {
  const { session } = props;
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function save() {
    setBusy(true);
    setError(undefined);
    try {
      // A `datetime-local` value without an offset is read in the phone's own time zone.
      await changeSessionDate(session.id, new Date(value));
      setEditing(false);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  if (!editing) {
    return (
      <div class="row session-date">
        <p class="muted" data-testid="session-date" data-taken-at={session.taken_at}>
          Photos taken {formatDateTime(session.taken_at)}
        </p>
        <button
          type="button"
          class="quiet small"
          data-testid="edit-session-date"
          onClick={() => {
            setValue(localInputValue(session.taken_at));
            setEditing(true);
          }}
        >
          Change date
        </button>
      </div>
    );
  }
  return (
    <form
      class="card session-date-form"
      data-testid="session-date-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label for="session-date-input">When were these photos taken?</label>
      <input
        id="session-date-input"
        type="datetime-local"
        required
        value={value}
        disabled={busy}
        data-testid="session-date-input"
        onInput={(e) => setValue(e.currentTarget.value)}
      />
      <p class="muted">
        Your history is shown, and each session compared with the ones before it, in date order.
      </p>
      <div class="row">
        <button type="submit" class="primary" disabled={busy || value === ''} data-testid="save-session-date">
          {busy ? 'Putting sessions in order…' : 'Save date'}
        </button>
        <button type="button" disabled={busy} onClick={() => setEditing(false)}>
          Cancel
        </button>
      </div>
      {error && <Notice kind="stop">{error}</Notice>}
    </form>
  );
}
