import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Enrolment } from '../../src/app/sync/state.ts';
import { launchBrowser, phoneContext } from './browser.ts';
import type { SessionPlan } from './cli.ts';
import { ConsentPage } from './pages/consent-page.ts';
import { NewSessionPage } from './pages/new-session-page.ts';
import { SettingsPage } from './pages/settings-page.ts';
import { readServerRows } from './server-rows.ts';
import { buildApp, freePort } from './server.ts';
import { startSyncServer, type SyncServer } from './sync-server.ts';

const PHOTOS = join(import.meta.dirname, '../../../shared/data/photos');
/**
 * Photos without people. The consent here covers session scores and vectors, not photos: what is tested is the
 * sessions' way to the server, not the photos' (test/e2e/sync.test.ts).
 */
const PLANS: SessionPlan[] = [
  { front: [join(PHOTOS, 'npm-exif-parser__starfish.jpg')] },
  { front: [join(PHOTOS, 'opencv-doc__fruits.jpg')] },
];

/** The enrolment as the app keeps it in IndexedDB (`sync_state`, key `enrolment`). */
function readEnrolment(page: Page): Promise<Enrolment | null> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('bcd');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const row = await new Promise<{ value: Enrolment } | undefined>((resolve, reject) => {
      const request = db.transaction('sync_state').objectStore('sync_state').get('enrolment');
      request.onsuccess = () => resolve(request.result as { value: Enrolment } | undefined);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return row?.value ?? null;
  });
}

/** Overwrites fields of the stored enrolment, as time (an expired token) or the server (a refused refresh) would. */
function editEnrolment(page: Page, fields: Partial<Enrolment>): Promise<void> {
  return page.evaluate(async (fields) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('bcd');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    await new Promise<void>((resolve, reject) => {
      const transaction = db.transaction('sync_state', 'readwrite');
      const store = transaction.objectStore('sync_state');
      const read = store.get('enrolment');
      read.onsuccess = () => {
        const row = read.result as { key: string; value: Record<string, unknown> };
        store.put({ key: 'enrolment', value: { ...row.value, ...fields } });
      };
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
    });
    db.close();
  }, fields);
}

/**
 * Token expiry as the app meets it (issue 10): an expired access token is refreshed with the refresh token and the
 * waiting sessions are sent as the same participant; a refused refresh falls back to enrolling again, sending every
 * session anew; a withdrawal made with an expired token still deletes everything on the server.
 */
describe('sync with expiring tokens in headless Chromium', { timeout: 900_000 }, () => {
  let work: string;
  let dataDir: string;
  let server: SyncServer;
  let port: number;
  let browser: Browser;
  let page: Page;
  const apiCalls: string[] = [];
  /** Every API answer, printed when the suite ends (what the server said when a step waits in vain). */
  const answers: string[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'bcd-refresh-e2e-'));
    dataDir = join(work, 'data');
    await buildApp();
    port = await freePort();
    server = await startSyncServer(port, dataDir);
    browser = await launchBrowser();
    const context = await phoneContext(browser, server.url);
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err));
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) apiCalls.push(`${request.method()} ${url.pathname}`);
    });
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (!url.pathname.startsWith('/api/')) return;
      const line = `${response.status()} ${response.request().method()} ${url.pathname}`;
      if (response.status() < 400) answers.push(line);
      else void response.text().then((body) => answers.push(`${line} ${body.slice(0, 200)}`));
    });
    await page.goto('/');
  }, 600_000);

  afterAll(async () => {
    console.info(`API answers:\n${answers.join('\n')}`);
    await browser?.close();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** An access token of the server's own key for `participantId` that expired a minute ago. */
  async function expiredToken(participantId: string): Promise<string> {
    const secret = Buffer.from((await readFile(join(dataDir, 'token-secret'), 'utf8')).trim(), 'hex');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(participantId)
      .setIssuer('bcd-sync')
      .setAudience('bcd-participant')
      .setIssuedAt(now - 3600)
      .setExpirationTime(now - 60)
      .sign(secret);
  }

  async function createSession(plan: SessionPlan): Promise<void> {
    const newSession = new NewSessionPage(page);
    await newSession.open();
    for (const [angle, files] of Object.entries(plan)) await newSession.addFiles(angle, files);
    await newSession.analyse();
  }

  it('refreshes an expired token and sends the sessions waiting meanwhile as the same participant', async () => {
    await createSession(PLANS[0]!);
    const settings = new SettingsPage(page);
    await settings.open();
    await settings.openConsent();
    await new ConsentPage(page).agree(['sessions', 'embeddings']);
    await settings.waitSynced(1);
    const first = (await readEnrolment(page))!;
    expect(first.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Date(first.expires_at!).getTime()).toBeGreaterThan(Date.now());

    // Offline, a session waits in the outbox; meanwhile the token expires.
    await page.context().setOffline(true);
    await createSession(PLANS[1]!);
    await editEnrolment(page, { token: await expiredToken(first.participant_id) });
    await settings.open();
    expect((await settings.sharing()).queued).toBeGreaterThan(0);
    const before = apiCalls.length;
    await page.context().setOffline(false);
    await settings.waitSynced(2);

    const calls = apiCalls.slice(before);
    expect(calls).toContain('POST /api/participants/refresh');
    expect(calls).not.toContain('POST /api/participants');
    const renewed = (await readEnrolment(page))!;
    expect(renewed.participant_id).toBe(first.participant_id);
    expect(renewed.token).not.toBe(first.token);
    expect(renewed.refresh_token).not.toBe(first.refresh_token);
    expect((await settings.sharing()).participant).toBe(first.participant_id);
  });

  it('enrols again when the server no longer knows the participant, sending every session anew', async () => {
    const settings = new SettingsPage(page);
    const { participant_id: old, token } = (await readEnrolment(page))!;
    // The server forgets the participant (deleted by the study team, say): its tokens and refresh token are void.
    const deleted = await fetch(new URL('/api/consent', server.url), {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(deleted.status).toBe(200);
    // The app finds out when it next sends something: a new session.
    await createSession(PLANS[0]!);
    await settings.open();
    await page.waitForFunction(
      (old) => {
        const shown = document.querySelector('[data-testid="participant"]')?.getAttribute('data-participant');
        return typeof shown === 'string' && shown !== '' && shown !== old;
      },
      old,
      { timeout: 180_000 },
    );
    await settings.waitSynced(3);
    expect(apiCalls.filter((call) => call === 'POST /api/participants')).toHaveLength(2);
    const now = (await readEnrolment(page))!;

    await server.stop();
    const rows = await readServerRows(dataDir);
    expect(rows.counts.participants).toBe(1);
    expect(rows.counts.sessions).toBe(3);
    expect(rows.images.every((row) => row.participant_id === now.participant_id)).toBe(true);
    expect(rows.counts.embeddings).toBeGreaterThan(0);
    server = await startSyncServer(port, dataDir);
  });

  it('narrowing the consent says what the server deletes, and the server deletes the vectors', async () => {
    await server.stop();
    const before = await readServerRows(dataDir);
    expect(before.counts.embeddings).toBeGreaterThan(0);
    server = await startSyncServer(port, dataDir);
    const settings = new SettingsPage(page);
    await settings.open();
    await page.getByTestId('change-consent').click();
    const consent = new ConsentPage(page);
    await consent.waitOpen();
    expect(await consent.text()).toContain('the server deletes what this phone already sent of it');
    expect(await page.getByTestId('consent-narrowing').count()).toBe(0);
    await page.getByTestId('scope-embeddings').setChecked(false);
    expect(await page.getByTestId('consent-narrowing').innerText()).toBe(
      'Saving deletes from the server the vectors this phone already sent. They stay on this phone.',
    );
    await consent.screenshot('sync-refresh-01-consent-narrowing');
    await page.getByTestId('consent-agree').click();
    await page.getByTestId('sharing').waitFor();
    await settings.waitSynced(3);

    await server.stop();
    const after = await readServerRows(dataDir);
    expect(after.counts.embeddings).toBe(0);
    expect(after.counts.sessions).toBe(3);
    expect(after.counts.session_analysis).toBe(before.counts.session_analysis);
    server = await startSyncServer(port, dataDir);
  });

  it('a withdrawal made with an expired token refreshes it and deletes everything of the participant', async () => {
    const settings = new SettingsPage(page);
    await settings.open();
    const { participant_id: id } = (await readEnrolment(page))!;
    await editEnrolment(page, { token: await expiredToken(id) });
    const deleted = await settings.withdraw();
    expect(deleted).toMatchObject({ participants: 1, sessions: 3, images: 3, embeddings: 0 });

    await server.stop();
    const rows = await readServerRows(dataDir);
    expect(Object.values(rows.counts).every((n) => n === 0)).toBe(true);
    expect(rows.files).toEqual([]);
  });
});
