import { daysUntil, type CadenceWeeks } from '../reminders/schedule.ts';
import { formatDate } from './format.ts';

/** Up to how many days past the due date the notice counts them. */
const OVERDUE_DAYS_COUNTED = 30;

/** A cadence as the Settings choice names it. */
export function cadenceLabel(weeks: CadenceWeeks | null): string {
  return weeks === null ? 'Off' : `Every ${weeks} weeks`;
}

/** When the next session is due, as History says it: the date, and how far away it is in days. */
export function dueText(due: Date, now: Date): string {
  const days = daysUntil(due, now);
  if (days > 1) return `Next session due ${formatDate(due.toISOString())}, in ${days} days.`;
  if (days === 1) return `Next session due tomorrow, ${formatDate(due.toISOString())}.`;
  if (days === 0) return `Next session due today, ${formatDate(due.toISOString())}.`;
  // A count of days helps while it is small; after a month, or for old photos imported late, the date says it.
  const ago = -days <= OVERDUE_DAYS_COUNTED ? ` (${-days} day${days === -1 ? '' : 's'} ago)` : '';
  return `Your next session was due ${formatDate(due.toISOString())}${ago}. Take it whenever suits you.`;
}

/** The notification shown when the app is opened on or after the due day. */
export function reminderNotificationText(due: Date, now: Date): { title: string; body: string } {
  return {
    title: 'Time for a photo session',
    body:
      daysUntil(due, now) === 0
        ? 'Your next BCD session is due today.'
        : `Your next BCD session was due ${formatDate(due.toISOString())}.`,
  };
}
