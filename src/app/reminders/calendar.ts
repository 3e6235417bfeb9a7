import { createEvent } from 'ics';
import type { CadenceWeeks } from './schedule.ts';

/** The calendar event's words: neutral, and naming no body area (a calendar may be seen by others). */
const TITLE = 'BCD photo session';
const DESCRIPTION =
  'Time for your next BCD photo session: the same angles, the same place and light as last time. ' +
  'Open BCD on your phone to take the photos.';
/** Local hour of the day the calendar reminds at, on the due day. */
const ALARM_HOUR = 9;

/**
 * A calendar file (iCalendar, RFC 5545) with one recurring all-day event: a photo session every `weeks` weeks
 * from the due day (RRULE FREQ=WEEKLY;INTERVAL=weeks), with a reminder at 09:00 that day. Built on the device
 * with the `ics` package; any phone's calendar imports it, offline.
 * @param first the first due day (its local date is used).
 * @param now when the file is made (its DTSTAMP).
 * @returns the file's text.
 * @throws Error when `ics` refuses the event (it validates every field).
 */
export function reminderCalendar(first: Date, weeks: CadenceWeeks, now: Date): string {
  const day = (d: Date): [number, number, number] => [d.getFullYear(), d.getMonth() + 1, d.getDate()];
  const next = new Date(first);
  next.setDate(next.getDate() + 1);
  const { error, value } = createEvent({
    productId: 'bcd/reminders',
    uid: `bcd-photo-session-reminder@bcd.local`,
    title: TITLE,
    description: DESCRIPTION,
    start: day(first),
    end: day(next),
    recurrenceRule: `FREQ=WEEKLY;INTERVAL=${weeks}`,
    busyStatus: 'FREE',
    transp: 'TRANSPARENT',
    created: now.getTime(),
    alarms: [
      { action: 'display', description: TITLE, trigger: { hours: ALARM_HOUR, minutes: 0, before: false } },
    ],
  });
  if (error || value === null) throw error ?? new Error('The calendar file could not be made.');
  return value;
}
