import { latestSessionDate, readPreference, writePreference } from '../db/preferences.ts';
import { reminderCalendar } from '../reminders/calendar.ts';
import { isCadenceWeeks, isDue, nextDue, type CadenceWeeks } from '../reminders/schedule.ts';
import { downloadFile } from '../share/deliver.ts';
import { reminderNotificationText } from '../text/reminders.ts';

const CADENCE_KEY = 'reminder_cadence_weeks';
/** The due date (ISO) a notification was last shown for, so one due date notifies once. */
const NOTIFIED_KEY = 'reminder_notified_for';

/** Where the person's reminders stand. */
export interface ReminderStatus {
  /** Null when reminders are off. */
  weeks: CadenceWeeks | null;
  /** The latest session's date; null before the first session. */
  lastTakenAt: string | null;
  /** When the next session is due; null when reminders are off or there is no session yet. */
  due: Date | null;
  /** Whether `due` has come (the due day or later). */
  overdue: boolean;
  /** The browser's notification permission; `unsupported` where there is no Notification API. */
  permission: NotificationPermission | 'unsupported';
}

function notificationPermission(): ReminderStatus['permission'] {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** The reminder cadence, the latest session's date and the next due date (for a live query). */
export async function reminderStatus(now = new Date()): Promise<ReminderStatus> {
  const [stored, lastTakenAt] = await Promise.all([readPreference(CADENCE_KEY), latestSessionDate()]);
  const weeks = isCadenceWeeks(stored) ? stored : null;
  const due = weeks !== null && lastTakenAt !== null ? nextDue(lastTakenAt, weeks) : null;
  return {
    weeks,
    lastTakenAt,
    due,
    overdue: due !== null && isDue(due, now),
    permission: notificationPermission(),
  };
}

/**
 * Sets how often the person wants to be reminded (null: off). Turning reminders on asks for permission to notify
 * when the browser has not asked yet (call it from the person's tap: browsers ask only then); without it, History
 * says when a session is due instead.
 */
export async function setReminderCadence(weeks: CadenceWeeks | null): Promise<void> {
  await writePreference(CADENCE_KEY, weeks);
  await writePreference(NOTIFIED_KEY, null);
  if (weeks !== null && notificationPermission() === 'default') await Notification.requestPermission();
}

/**
 * Downloads the reminders as a calendar file (`.ics`, one recurring event from the next due day on, or from today
 * when that has passed), built on the phone.
 * @throws Error when reminders are off or there is no session yet (nothing to count from).
 */
export async function downloadReminderCalendar(now = new Date()): Promise<void> {
  const status = await reminderStatus(now);
  if (status.weeks === null || status.due === null)
    throw new Error('Choose how often to be reminded in Settings, after your first session.');
  const first = status.overdue ? now : status.due;
  const ics = reminderCalendar(first, status.weeks, now);
  downloadFile(new Blob([ics], { type: 'text/calendar' }), 'bcd-photo-sessions.ics');
}

/**
 * When the app is opened past the due date: shows a notification once per due date if the person allowed
 * notifications (through the service worker where one is active, so it works as an installed app), and
 * otherwise leaves it to History's notice.
 * @returns `notified`, `in_app` (due, but no permission or no Notification API, or already notified for this
 *   due date: History shows the notice) or `not_due`.
 */
export async function notifyIfDue(now = new Date()): Promise<'notified' | 'in_app' | 'not_due'> {
  const status = await reminderStatus(now);
  if (!status.overdue || status.due === null) return 'not_due';
  const dueKey = status.due.toISOString();
  if (status.permission !== 'granted' || (await readPreference(NOTIFIED_KEY)) === dueKey) return 'in_app';
  const { title, body } = reminderNotificationText(status.due, now);
  const options: NotificationOptions = {
    body,
    tag: 'bcd-session-due',
    icon: `${import.meta.env.BASE_URL}icons/icon-192.png`,
  };
  const registration = await navigator.serviceWorker?.getRegistration();
  if (registration?.active) await registration.showNotification(title, options);
  else new Notification(title, options);
  await writePreference(NOTIFIED_KEY, dueKey);
  return 'notified';
}
