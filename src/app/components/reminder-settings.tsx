import { useState } from 'preact/hooks';
import { CADENCE_WEEKS, type CadenceWeeks } from '../reminders/schedule.ts';
import { useLiveQuery } from '../state/live-query.ts';
import { reminderStatus, setReminderCadence } from '../state/reminders.ts';
import { cadenceLabel, dueText } from '../text/reminders.ts';

const CHOICES: readonly (CadenceWeeks | null)[] = [null, ...CADENCE_WEEKS];

/** What the phone will do when a session is due, given the notification permission. */
function permissionWords(permission: NotificationPermission | 'unsupported'): string {
  switch (permission) {
    case 'granted':
      return 'When you open BCD on or after the due day, it shows a notification.';
    case 'denied':
      return 'Notifications are turned off for BCD in this browser, so History shows when a session is due.';
    case 'unsupported':
      return 'This browser has no notifications, so History shows when a session is due.';
    default:
      return 'BCD will ask whether it may notify you; without it, History shows when a session is due.';
  }
}

/** Settings' reminder choice: how often (off, every 2, 4 or 8 weeks), and what happens when a session is due. */
export function ReminderSettings() {
  const status = useLiveQuery(() => reminderStatus(), []);
  // The tapped choice shows at once: the stored one arrives only after the write, and the permission prompt that
  // turning reminders on may open can stay unanswered for as long as the person likes.
  const [tapped, setTapped] = useState<CadenceWeeks | null | undefined>(undefined);
  if (status.status !== 'ready') return null;
  const { due, permission } = status.value;
  const weeks = tapped === undefined ? status.value.weeks : tapped;
  return (
    <section
      class="card"
      data-testid="reminder-settings"
      data-stored={String(status.value.weeks)}
      aria-labelledby="reminders-heading"
    >
      <h2 id="reminders-heading" style={{ marginTop: 0 }}>
        Reminders
      </h2>
      <fieldset class="cadence">
        <legend>Remind me to take a session</legend>
        {CHOICES.map((choice) => (
          <label key={String(choice)} class={`toggle${choice === weeks ? ' selected' : ''}`}>
            <input
              type="radio"
              name="cadence"
              value={String(choice)}
              checked={choice === weeks}
              data-testid={`cadence-${choice ?? 'off'}`}
              onChange={() => {
                setTapped(choice);
                void setReminderCadence(choice);
              }}
            />
            {cadenceLabel(choice)}
          </label>
        ))}
      </fieldset>
      {weeks !== null && (
        <>
          <p class="muted" data-testid="reminder-next">
            {due ? dueText(due, new Date()) : 'Counted from your first session, once you have taken it.'}
          </p>
          <p class="muted" data-testid="reminder-permission" data-permission={permission}>
            {permissionWords(permission)} “Add to calendar” on History puts the reminders in your calendar.
          </p>
        </>
      )}
    </section>
  );
}
