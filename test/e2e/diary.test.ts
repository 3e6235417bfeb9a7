import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyzeReport } from '../../src/cli/report.ts';
import { readCaptureTime } from '../../src/core/image/capture-time.ts';
import { REPORT_TEXT } from '../../src/app/text/report.ts';
import { readPdf } from '../support/pdf-text.ts';
import { launchBrowser, phoneContext } from './browser.ts';
import { cliAnalyze, writeHistoryDir, type SessionPlan } from './cli.ts';
import { SCREENS_DIR } from './pages/app-page.ts';
import { DiaryPage } from './pages/diary-page.ts';
import { HistoryPage } from './pages/history-page.ts';
import { NewSessionPage } from './pages/new-session-page.ts';
import { ResultsPage, type ResultFigures } from './pages/results-page.ts';
import { expectSameAsCli } from './parity.ts';
import { ROOT, buildApp, startPreview, type Preview } from './server.ts';

const PHOTOS = join(import.meta.dirname, '../../../shared/data/photos');
/**
 * This suite's own build: it runs for many minutes, and the shared one is replaced whenever a source changes (the
 * served app would then offer an update in the middle of the run).
 */
const OWN_BUILD = join(ROOT, 'test/.out/dist-diary');
/** Two sessions of the repository's sample history (no EXIF dates: dated when entered); its left side changed. */
const SAMPLES = ['2026-01-05', '2026-03-02'].map((day) => ({
  front: [join(ROOT, 'samples/history', day, 'front.jpg')],
  left_side: [join(ROOT, 'samples/history', day, 'left_side.jpg')],
}));
const photo = (name: string) => join(PHOTOS, name);

/**
 * Three sessions of old camera photos, each photo with its EXIF DateTimeOriginal (read below with exifr, as the
 * app reads it), in the order they were taken: a session is dated by its earliest photo.
 */
const BY_DATE: SessionPlan[] = [
  // 2005-07-28 05:01:56 (cold_water) and 05:18:48.
  { front: [photo('kphotoalbum__cold_water.jpg')], left_side: [photo('kphotoalbum__anne_helene.jpg')] },
  // 2005-12-21 16:44:31 (jesper_2) and 2005-12-29.
  { front: [photo('kphotoalbum__jesper_2.jpg')], left_side: [photo('kphotoalbum__jesper.jpg')] },
  // 2006-02-11 04:22:11 (bar55) and 2017-10-31.
  { front: [photo('kphotoalbum__bar55.jpg')], left_side: [photo('npm-vladmandic-face-api__sample1.jpg')] },
];
/** The order the person picks them in: the newest first, then the oldest, then the middle one. */
const IMPORT_ORDER = [2, 0, 1];

/** A date-time as the app shows it (`text/format.ts` formatDateTime), in the page's locale and time zone. */
function shownDateTime(page: Page, iso: string): Promise<string> {
  return page.evaluate(
    (t) => new Date(t).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
    iso,
  );
}

describe('session dates, reminders and the report in headless Chromium', { timeout: 1_800_000 }, () => {
  let preview: Preview;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let work: string;
  let cli: Promise<AnalyzeReport>;
  /** Session ids in date order (BY_DATE's). */
  const ids: string[] = [];
  /** Each session's date as EXIF gives it, in date order. */
  const dates: string[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'bcd-e2e-diary-'));
    // The CLI reads the same photos in date order (folder names 001, 002, 003).
    await writeHistoryDir(join(work, 'history'), BY_DATE);
    cli = cliAnalyze(join(work, 'history'));
    cli.catch(() => undefined);
    for (const plan of BY_DATE) {
      const times = await Promise.all(
        Object.values(plan)
          .flat()
          .map(async (file) => readCaptureTime(new Uint8Array(await readFile(file)))),
      );
      expect(times.every((t) => t !== null)).toBe(true);
      dates.push(new Date(Math.min(...times.map((t) => (t as Date).getTime()))).toISOString());
    }
    await buildApp(OWN_BUILD);
    preview = await startPreview(undefined, OWN_BUILD);
    browser = await launchBrowser();
    context = await phoneContext(browser, preview.url);
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err));
    await page.goto('/');
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await preview?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('dates sessions of old photos by their EXIF capture time and lists them in that order', async () => {
    const newSession = new NewSessionPage(page);
    const diary = new DiaryPage(page);
    const byImport: string[] = [];
    for (const i of IMPORT_ORDER) {
      await newSession.open();
      for (const [angle, files] of Object.entries(BY_DATE[i] as SessionPlan))
        await newSession.addFiles(angle, files);
      const id = await diary.analyse();
      byImport.push(id);
      expect(await diary.sessionDate()).toBe(dates[i]);
    }
    for (const [k, i] of IMPORT_ORDER.entries()) ids[i] = byImport[k] as string;
    const history = new HistoryPage(page);
    await history.open();
    expect(await history.sessionIds()).toEqual([...ids].reverse());
    const list = await history.listText();
    for (const iso of dates) expect(list).toContain(await shownDateTime(page, iso));
  });

  it('compares each session with the ones taken before it, as `bcd analyze` does in date order', async () => {
    const results = new ResultsPage(page);
    const figures: ResultFigures[] = [];
    for (const id of ids) {
      await results.open(id);
      figures.push(await results.figures());
    }
    expect(figures.map((f) => f.baselineSessions)).toEqual([0, 1, 2]);
    const largest = expectSameAsCli(figures, await cli);
    console.info(`e2e: largest difference between the page and the CLI: ${largest.toExponential(2)}`);
  });

  it('lets the person change a date, and then orders and compares by the new one', async () => {
    const results = new ResultsPage(page);
    const diary = new DiaryPage(page);
    // The oldest session moves after the newest one.
    await results.open(ids[0] as string);
    await diary.changeSessionDate('2006-03-01T10:30');
    const moved = await diary.sessionDate();
    expect(moved).toBe(new Date(2006, 2, 1, 10, 30).toISOString());
    await diary.screenshot('diary-01-results-date');
    const history = new HistoryPage(page);
    await history.open();
    expect(await history.sessionIds()).toEqual([ids[0], ids[2], ids[1]]);
    const baselines: Record<string, number> = {};
    for (const id of ids) {
      await results.open(id);
      baselines[id] = (await results.figures()).baselineSessions;
    }
    expect(baselines).toEqual({ [ids[1] as string]: 0, [ids[2] as string]: 1, [ids[0] as string]: 2 });
    // A date in the future is refused with a reason, and nothing changes.
    await results.open(ids[0] as string);
    await page.getByTestId('edit-session-date').click();
    await page.getByTestId('session-date-input').fill('2999-01-01T10:00');
    await page.getByTestId('save-session-date').click();
    await page.getByText('A session’s date cannot be in the future.').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await diary.sessionDate()).toBe(moved);
    // Back to its photos' date for what follows.
    await diary.changeSessionDate(
      await page.evaluate((iso) => {
        const d = new Date(iso);
        const two = (n: number) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
      }, dates[0] as string),
    );
    await history.open();
    expect(await history.sessionIds()).toEqual([...ids].reverse());
  });

  it('reminds every 4 weeks from the last session: due date on History, a calendar file, a notice', async () => {
    const diary = new DiaryPage(page);
    const history = new HistoryPage(page);
    await history.open();
    expect(await diary.reminder()).toBeNull();
    await diary.chooseCadence(4);
    await diary.screenshot('diary-02-settings-reminders');
    await history.open();
    // The last session is from 2006: long past due, so History says so (no notification permission here).
    const due = await diary.reminder();
    const last = new Date(dates[2] as string);
    const expectedDue = new Date(last);
    expectedDue.setDate(expectedDue.getDate() + 28);
    expect(due).toMatchObject({ due: expectedDue.toISOString(), overdue: true });
    expect(due?.text).toMatch(/^Your next session was due [^(]*\. Take it whenever suits you\.$/);
    await history.screenshot('diary-03-history-due');

    const calendar = await diary.addToCalendar();
    expect(calendar.name).toBe('bcd-photo-sessions.ics');
    const event = new ICAL.Event(
      new ICAL.Component(ICAL.parse(calendar.text)).getFirstSubcomponent('vevent') ?? undefined,
    );
    expect(event.summary).toBe('BCD photo session');
    const rule = event.component.getFirstPropertyValue('rrule') as ICAL.Recur;
    expect([rule.freq, rule.interval]).toEqual(['WEEKLY', 4]);
    // Overdue: the reminders start today.
    const today = await page.evaluate(() => {
      const d = new Date();
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    });
    expect(event.startDate.toString()).toBe(today);

    // With the newest session dated today, the next one is due in 28 days, and the calendar starts then.
    const results = new ResultsPage(page);
    await results.open(ids[2] as string);
    const now = await page.evaluate(() => {
      const d = new Date(Date.now() - 60_000);
      const two = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
    });
    await diary.changeSessionDate(now);
    await history.open();
    const soon = await diary.reminder();
    expect(soon?.overdue).toBe(false);
    expect(soon?.text).toMatch(/^Next session due .*, in 28 days\.$/);
    await history.screenshot('diary-04-history-next-due');
    const later = await diary.addToCalendar();
    const first = new ICAL.Event(
      new ICAL.Component(ICAL.parse(later.text)).getFirstSubcomponent('vevent') ?? undefined,
    );
    const dueDay = new Date(soon?.due ?? '');
    expect(first.startDate.toString()).toBe(
      `${dueDay.getFullYear()}-${String(dueDay.getMonth() + 1).padStart(2, '0')}-${String(dueDay.getDate()).padStart(2, '0')}`,
    );
    // Back to the photos' date: overdue again.
    await results.open(ids[2] as string);
    await diary.changeSessionDate(
      await page.evaluate((iso) => {
        const d = new Date(iso);
        const two = (n: number) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
      }, dates[2] as string),
    );
  });

  it('shows a notification when the app is opened past the due date, once notifications are allowed', async () => {
    await context.grantPermissions(['notifications']);
    await page.reload();
    await new HistoryPage(page).open();
    const shown = await page.waitForFunction(
      async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        const list = (await registration?.getNotifications({ tag: 'bcd-session-due' })) ?? [];
        return list.length > 0 ? { title: list[0]?.title, body: list[0]?.body } : null;
      },
      undefined,
      { timeout: 60_000 },
    );
    const notification = (await shown.jsonValue()) as { title: string; body: string };
    expect(notification.title).toBe('Time for a photo session');
    expect(notification.body).toMatch(/^Your next BCD session was due /);
  });

  it('makes a PDF report of the chosen sessions only, with photos, dates, angles and the no-medical-opinion line', async () => {
    const history = new HistoryPage(page);
    const diary = new DiaryPage(page);
    await history.open();
    await diary.openReport();
    // The first and the latest session are chosen at first.
    expect(await page.getByTestId('report-count').innerText()).toBe('2 of 3 sessions chosen.');
    await diary.chooseReportSessions([ids[1] as string, ids[2] as string]);
    await diary.screenshot('diary-05-report-chooser');
    const report = await diary.makeReport();
    expect(report.name).toMatch(/^bcd-report-\d{4}-\d{2}-\d{2}\.pdf$/);
    expect(report.status).toMatch(/in your downloads/);
    // Kept beside the screenshots, for a person to look at.
    await mkdir(SCREENS_DIR, { recursive: true });
    await writeFile(join(SCREENS_DIR, 'diary-06-report.pdf'), report.bytes);
    const pdf = await readPdf(report.bytes);
    // A first page, then one page per chosen session (two angles each fit on one page).
    expect(pdf.pages).toBe(3);
    for (const text of pdf.text) expect(text).toContain(REPORT_TEXT.noMedicalOpinion);
    const all = pdf.text.join('\n');
    const [first, second, third] = await Promise.all(dates.map((d) => shownDateTime(page, d)));
    expect(all).toContain(`Session of ${second}`);
    expect(all).toContain(`Session of ${third}`);
    expect(all).not.toContain(`Session of ${first}`);
    // The first session appears only as the earlier photo the second was compared with.
    expect(pdf.text[1]).toContain(`Earlier photo, ${first}`);
    expect(pdf.text[2]).toContain(`Earlier photo, ${second}`);
    for (const text of pdf.text.slice(1)) {
      expect(text).toContain('Front');
      expect(text).toContain('Left side');
      expect(text).toMatch(/confidence \d+ % \((Good|Fair|Low)\)/);
      expect(text).toMatch(
        /Change \d\.\d{3} \((Stable|Mild Variation|Moderate Variation|Higher Variation|Strong Variation)\)/,
      );
    }
    expect(all).not.toMatch(/\b(risk\w*|abnormal\w*|suspicious\w*|concerning)\b/i);
    // Per angle at least the earlier photo and this session's photo; none on the first page.
    expect(pdf.images[0]).toBe(0);
    for (const count of pdf.images.slice(1)) expect(count).toBeGreaterThanOrEqual(4);
  });

  it('draws the change map into the report where the photos line up', async () => {
    const newSession = new NewSessionPage(page);
    const diary = new DiaryPage(page);
    const samples: string[] = [];
    for (const plan of SAMPLES) {
      await newSession.open();
      for (const [angle, files] of Object.entries(plan)) await newSession.addFiles(angle, files);
      samples.push(await diary.analyse());
    }
    const results = new ResultsPage(page);
    await results.open(samples[1] as string);
    const figures = await results.figures();
    const mapped = Object.entries(figures.angles).filter(([, a]) => a.changeMap !== '');
    expect(mapped.length).toBeGreaterThan(0);
    const history = new HistoryPage(page);
    await history.open();
    await diary.openReport();
    await diary.chooseReportSessions([samples[1] as string]);
    const report = await diary.makeReport();
    await writeFile(join(SCREENS_DIR, 'diary-07-report-change-map.pdf'), report.bytes);
    const pdf = await readPdf(report.bytes);
    expect(pdf.pages).toBe(2);
    expect(pdf.text[1]).toContain('Change map over this photo, lined up with the earlier one');
    expect(pdf.text[1]).toContain(
      `Earlier photo, ${await shownDateTime(page, await sessionTakenAt(samples[0] as string))}`,
    );
    // Per angle the earlier photo and this one, and one change map per angle that has one.
    expect(pdf.images[1]).toBe(4 + mapped.length);
  });

  /** A session's date as its Results screen holds it. */
  async function sessionTakenAt(id: string): Promise<string> {
    await new ResultsPage(page).open(id);
    return new DiaryPage(page).sessionDate();
  }
});
