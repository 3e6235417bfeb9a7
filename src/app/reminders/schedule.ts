/**
 * How often the person may ask to be reminded, in weeks. Issue 9 asks for "every 2/4/8 weeks"; SPEC "Who uses
 * it" has people photograph "every few weeks", and 4 weeks is the usual cadence of photo self-monitoring.
 */
export const CADENCE_WEEKS = [2, 4, 8] as const;

/** A reminder cadence in weeks; null when reminders are off. */
export type CadenceWeeks = (typeof CADENCE_WEEKS)[number];

/** Whether `value` is one of the offered cadences. */
export function isCadenceWeeks(value: unknown): value is CadenceWeeks {
  return CADENCE_WEEKS.includes(value as CadenceWeeks);
}

/**
 * When the next session is due: `weeks` calendar weeks after the last session's date, at the same local time of
 * day (a day of 23 or 25 hours at a daylight-saving change does not shift it).
 * @param lastTakenAt the latest session's date, ISO 8601.
 * @throws RangeError when `lastTakenAt` is not a date.
 */
export function nextDue(lastTakenAt: string, weeks: CadenceWeeks): Date {
  const due = new Date(lastTakenAt);
  if (!Number.isFinite(due.getTime())) throw new RangeError(`Not a date: ${lastTakenAt}`);
  due.setDate(due.getDate() + 7 * weeks);
  return due;
}

/**
 * Whole calendar days (in the phone's time zone) from `now` to `due`: 0 on the due day, negative once it has
 * passed.
 */
export function daysUntil(due: Date, now: Date): number {
  const midnight = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  return Math.round((midnight(due) - midnight(now)) / 86_400_000);
}

/** Whether a session is due: from the start of the due day on (a reminder for "today" is not early). */
export function isDue(due: Date, now: Date): boolean {
  return daysUntil(due, now) <= 0;
}
