import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { reminderCalendar } from '../../src/app/reminders/calendar.ts';
import { daysUntil, isCadenceWeeks, isDue, nextDue } from '../../src/app/reminders/schedule.ts';
import { dueText } from '../../src/app/text/reminders.ts';

describe('when the next session is due', () => {
  it('is the cadence after the last session, at the same local time of day', () => {
    const last = new Date(2026, 2, 20, 18, 30).toISOString();
    expect(nextDue(last, 4).getTime()).toBe(new Date(2026, 3, 17, 18, 30).getTime());
    expect(nextDue(last, 2).getTime()).toBe(new Date(2026, 3, 3, 18, 30).getTime());
    expect(nextDue(last, 8).getTime()).toBe(new Date(2026, 4, 15, 18, 30).getTime());
    expect(() => nextDue('yesterday', 4)).toThrow(RangeError);
  });

  it('counts calendar days, and is due from the start of the due day', () => {
    const due = new Date(2026, 3, 17, 18, 30);
    expect(daysUntil(due, new Date(2026, 3, 10, 23, 0))).toBe(7);
    expect(daysUntil(due, new Date(2026, 3, 17, 0, 1))).toBe(0);
    expect(daysUntil(due, new Date(2026, 3, 19, 12, 0))).toBe(-2);
    expect(isDue(due, new Date(2026, 3, 16, 23, 59))).toBe(false);
    expect(isDue(due, new Date(2026, 3, 17, 7, 0))).toBe(true);
  });

  it('offers 2, 4 and 8 weeks only', () => {
    expect([2, 4, 8].every(isCadenceWeeks)).toBe(true);
    expect([0, 1, 3, '4', null].some(isCadenceWeeks)).toBe(false);
  });
});

describe('the calendar file', () => {
  it('parses with ical.js as one all-day event recurring every 4 weeks from the due day', () => {
    const ics = reminderCalendar(new Date(2026, 3, 17, 18, 30), 4, new Date(2026, 2, 20, 12, 0));
    const calendar = new ICAL.Component(ICAL.parse(ics));
    const events = calendar.getAllSubcomponents('vevent');
    expect(events).toHaveLength(1);
    const event = new ICAL.Event(events[0]);
    expect(event.summary).toBe('BCD photo session');
    expect(event.startDate.isDate).toBe(true);
    expect(event.startDate.toString()).toBe('2026-04-17');
    const rule = events[0]?.getFirstPropertyValue('rrule') as ICAL.Recur;
    expect(rule.freq).toBe('WEEKLY');
    expect(rule.interval).toBe(4);
    // The next occurrences: every 28 days.
    const it = event.iterator();
    const days = [it.next(), it.next(), it.next()].map((t) => t?.toString());
    expect(days).toEqual(['2026-04-17', '2026-05-15', '2026-06-12']);
    expect(event.description).not.toMatch(/\b(risk\w*|abnormal\w*|suspicious\w*|concerning|diagnos\w*)\b/i);
    expect(events[0]?.getFirstSubcomponent('valarm')?.getFirstPropertyValue('action')).toBe('DISPLAY');
  });

  it('follows the chosen cadence', () => {
    const ics = reminderCalendar(new Date(2026, 0, 5), 8, new Date(2026, 0, 1));
    const event = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent');
    expect((event?.getFirstPropertyValue('rrule') as ICAL.Recur).interval).toBe(8);
  });
});

describe('the words for when a session is due', () => {
  const due = new Date(2026, 3, 17, 18, 30);
  it('counts the days ahead, then says today, then how long ago for a month', () => {
    expect(dueText(due, new Date(2026, 3, 10))).toMatch(/^Next session due .*, in 7 days\.$/);
    expect(dueText(due, new Date(2026, 3, 16))).toMatch(/^Next session due tomorrow, /);
    expect(dueText(due, new Date(2026, 3, 17, 20))).toMatch(/^Next session due today, /);
    expect(dueText(due, new Date(2026, 3, 20))).toMatch(/^Your next session was due .* \(3 days ago\)\. /);
    expect(dueText(due, new Date(2027, 3, 20))).toMatch(
      /^Your next session was due [^(]*\. Take it whenever/,
    );
  });
});
