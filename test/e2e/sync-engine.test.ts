import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BcdDatabase } from '../../src/app/db/schema.ts';
import { uploadIds } from '../../src/app/sync/upload-ids.ts';
import type { Enrolment } from '../../src/app/sync/state.ts';
import { API_PATHS, EnrolmentResponseSchema } from '../../src/sync/contract.ts';
import type { DataStore } from '../../server/store.ts';
import { buildApp } from '../../server/app.ts';
import { openTestStore, testConfig } from '../server/helpers.ts';
import { launchBrowser, phoneContext } from './browser.ts';
import { buildSyncHarness } from './sync-engine/build.ts';
import type { Call } from './sync-engine/harness.ts';

const SCOPES = ['sessions', 'logs'] as const;
const PHOTOS = join(import.meta.dirname, '../../../shared/data/photos');

/** A token the server never issued: it answers 401 to it, as to any token it no longer accepts. */
const UNKNOWN_TOKEN = 'not-a-token-the-server-made';

/**
 * The sync engine's recovery branches (issue 10), each on a database of its own in real Chromium (real Dexie and
 * IndexedDB, real Web Locks), against the real sync server in this process on its embedded store (real PGlite).
 * The engine's clock runs its timers only when a test says (`fireTimer`), so no test waits on time. A refusal a
 * real server would not give today is answered by Playwright's routing, at the HTTP level.
 */
describe('sync engine recovery in headless Chromium against the real server', { timeout: 300_000 }, () => {
  let store: DataStore;
  let closeStore: () => Promise<void>;
  let app: FastifyInstance;
  let origin: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const [dir, opened] = await Promise.all([buildSyncHarness(), openTestStore()]);
    store = opened.store;
    closeStore = opened.close;
    app = await buildApp({ config: testConfig(opened.dataDir), store, logger: false, staticRoot: dir });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    origin = `http://127.0.0.1:${address.port}`;
    browser = await launchBrowser();
    page = await (await phoneContext(browser, origin)).newPage();
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto('/');
    await page.waitForFunction(() => 'syncHarness' in window);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await closeStore?.();
  });

  const open = (name: string, appVersion = 'v1') =>
    page.evaluate(([n, v]) => window.syncHarness.open(n, v), [name, appVersion] as const);
  const seed = (count: number) => page.evaluate((n) => window.syncHarness.seed(n), count);
  const consent = () => page.evaluate((s) => window.syncHarness.consent(s), [...SCOPES]);
  const kick = () => page.evaluate(() => window.syncHarness.kick());
  const takeCalls = (): Promise<string[]> =>
    page
      .evaluate(() => window.syncHarness.takeCalls())
      .then((calls: Call[]) => calls.map((c) => `${c.status} ${c.method} ${c.path}`));
  const enrolment = async (): Promise<Enrolment> => {
    const settings = await page.evaluate(() => window.syncHarness.settings());
    if (!settings.enrolment) throw new Error('not enrolled');
    return settings.enrolment;
  };

  async function serverSessions(participantId: string): Promise<string[]> {
    const rows = await store.database.query<{ id: string }>(
      'SELECT id FROM sessions WHERE participant_id = $1 ORDER BY id',
      [participantId],
    );
    return rows.map((r) => r.id);
  }

  async function serverLogs(participantId: string): Promise<string[]> {
    const rows = await store.database.query<{ session_id: string }>(
      'SELECT session_id FROM analysis_logs WHERE participant_id = $1 ORDER BY session_id',
      [participantId],
    );
    return rows.map((r) => r.session_id);
  }

  it('upgrades a database from before the sync engine (schema 1), keeping its sessions, and sends them', async () => {
    const sessions = [
      { id: 'legacy-a', createdAt: '2025-09-01T08:00:00.000Z', photo: 'opencv-doc__fruits.jpg' },
      { id: 'legacy-b', createdAt: '2025-10-01T08:00:00.000Z', photo: 'npm-exif-parser__starfish.jpg' },
    ];
    const stored = await Promise.all(
      sessions.map(async (s) => ({
        id: s.id,
        createdAt: s.createdAt,
        photo: (await readFile(join(PHOTOS, s.photo))).toString('base64'),
      })),
    );
    await page.evaluate(([name, rows]) => window.syncHarness.seedSchema1(name, rows), [
      'schema-1',
      stored,
    ] as const);
    await open('schema-1');
    expect(await page.evaluate(() => window.syncHarness.kick())).toEqual({ state: 'off' });
    const upgraded = await page.evaluate(() => window.syncHarness.contents());
    expect(upgraded.version).toBe(new BcdDatabase('schema-version').verno);
    // Kept, dated when they were made; the old outbox's row (never sent by schema 1) is gone.
    expect(upgraded.sessions.map((s) => [s.id, s.taken_at])).toEqual(
      sessions.map((s) => [s.id, s.createdAt]),
    );
    expect(upgraded.images).toBe(2);
    expect(upgraded.outbox).toBe(0);

    await takeCalls();
    expect(await consent()).toEqual({ state: 'idle' });
    const me = await enrolment();
    const ids = uploadIds(me);
    expect(await serverSessions(me.participant_id)).toEqual(sessions.map((s) => ids(s.id)).sort());
    expect(await serverLogs(me.participant_id)).toEqual(sessions.map((s) => ids(s.id)).sort());
    const analyses = await store.database.query<{ session_id: string; analysis_version: string }>(
      'SELECT session_id, analysis_version FROM session_analysis WHERE participant_id = $1 ORDER BY session_id',
      [me.participant_id],
    );
    expect(analyses).toEqual(
      sessions
        .map((s) => ({ session_id: ids(s.id), analysis_version: 'bcd-1.0.0' }))
        .sort((a, b) => a.session_id.localeCompare(b.session_id)),
    );
    expect((await takeCalls()).filter((c) => !c.startsWith('20'))).toEqual([]);
  });

  it('enrols again after a refused refresh and sends every session under the new participant, none refused', async () => {
    await open('re-enrol');
    const local = await seed(2);
    // A phone enrolled by an earlier version of the app: its sessions went up under their local ids.
    const enrolled = await fetch(new URL(API_PATHS.participants, origin), { method: 'POST' });
    const first = EnrolmentResponseSchema.parse(await enrolled.json());
    await page.evaluate((e) => window.syncHarness.storeEnrolment(e), {
      ...first,
      server: `${origin}/`,
      enrolled_at: new Date().toISOString(),
    } satisfies Enrolment);
    expect(await consent()).toEqual({ state: 'idle' });
    expect(await serverSessions(first.participant_id)).toEqual([...local].sort());
    await takeCalls();

    // The server refuses both tokens (the refresh token was lost in a restore, say); the participant stays.
    await page.evaluate(
      (token) => window.syncHarness.editEnrolment({ token, refresh_token: token }),
      randomBytes(32).toString('base64url'),
    );
    local.push(...(await seed(1)));
    expect(await kick()).toEqual({ state: 'idle' });

    const calls = await takeCalls();
    expect(calls.slice(0, 4)).toEqual([
      '200 GET /health',
      `401 PUT /api/sessions/${local[2]}`,
      '401 POST /api/participants/refresh',
      '200 GET /health',
    ]);
    expect(calls).toContain('201 POST /api/participants');
    expect(calls.filter((c) => c.startsWith('4'))).toHaveLength(2);
    const second = await enrolment();
    expect(second.participant_id).not.toBe(first.participant_id);
    expect(second.session_ids).toBe('participant');
    const ids = uploadIds(second);
    expect(await serverSessions(second.participant_id)).toEqual(local.map(ids).sort());
    expect(await serverLogs(second.participant_id)).toEqual(local.map(ids).sort());
    // The earlier participant keeps what it had; its ids are refused to the new one, which is why they changed.
    expect(await serverSessions(first.participant_id)).toEqual(local.slice(0, 2).sort());
    const reused = await fetch(new URL(API_PATHS.session(local[0]!), origin), {
      method: 'PUT',
      headers: { authorization: `Bearer ${second.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        captured_at: '2026-01-05T09:00:00.000Z',
        angles_expected: ['front'],
        images_expected: 0,
      }),
    });
    expect(reused.status).toBe(404);
    expect(await page.evaluate(() => window.syncHarness.outbox())).toEqual([]);
  });

  it('sends the consent again after a 403 and then the session that was refused', async () => {
    await open('consent-again');
    await seed(1);
    expect(await consent()).toEqual({ state: 'idle' });
    const { participant_id: id } = await enrolment();
    // The server no longer holds a current consent (withdrawn there, say): uploads answer 403.
    await store.database.query('UPDATE consents SET withdrawn_at = now() WHERE participant_id = $1', [id]);
    const [later] = await seed(1);
    await takeCalls();
    expect(await kick()).toEqual({ state: 'idle' });
    const sessionPath = `/api/sessions/${uploadIds(await enrolment())(later!)}`;
    expect(await takeCalls()).toEqual([
      '200 GET /health',
      `403 PUT ${sessionPath}`,
      '200 GET /health',
      '200 PUT /api/consent',
      `200 PUT ${sessionPath}`,
      '200 POST /api/logs',
    ]);
    const current = await store.database.query<{ scopes: string[] }>(
      'SELECT scopes FROM consents WHERE participant_id = $1 AND withdrawn_at IS NULL',
      [id],
    );
    expect(current.map((c) => [...c.scopes].sort())).toEqual([[...SCOPES].sort()]);
    expect(await serverSessions(id)).toHaveLength(2);
  });

  it('parks a refused item with its session’s later items, keeps it, and sends it when another app version runs', async () => {
    await open('refused', 'v1');
    expect(await consent()).toEqual({ state: 'idle' });
    const me = await enrolment();
    const [refused, other] = await seed(2);
    const refusedPath = API_PATHS.session(uploadIds(me)(refused!));
    // This server version refuses the session (a field it does not know yet, say); a later one takes it.
    await page.route(`**${refusedPath}`, (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'invalid_body', message: 'unknown field' }),
      }),
    );
    await takeCalls();
    expect(await kick()).toEqual({ state: 'held', sessions: 1 });
    const calls = await takeCalls();
    expect(calls).toContain(`400 PUT ${refusedPath}`);
    expect(calls.filter((c) => c.endsWith('POST /api/logs'))).toEqual(['200 POST /api/logs']);
    expect(await serverLogs(me.participant_id)).toEqual([uploadIds(me)(other!)]);
    const outbox = await page.evaluate(() => window.syncHarness.outbox());
    expect(outbox.map((i) => [i.kind, i.session_id, i.attempts, i.parked_under ?? null])).toEqual([
      ['session', refused, 1, 'v1'],
      ['analysis', refused, 0, null],
      ['log', refused, 0, null],
    ]);
    const states = await page.evaluate(() => window.syncHarness.sessionSync());
    expect(states.find((s) => s.session_id === refused)).toMatchObject({
      synced_at: null,
      error: 'the server refused it (unknown field)',
    });
    expect(states.find((s) => s.session_id === other)?.synced_at).not.toBeNull();
    // No timer: the same version would only be refused again. Nor does a pass of the same version send it.
    expect(await page.evaluate(() => window.syncHarness.timers())).toEqual([]);
    expect(await kick()).toEqual({ state: 'held', sessions: 1 });
    expect((await takeCalls()).filter((c) => c.includes(refusedPath))).toEqual([]);

    // The app is updated (and with it the server that serves it): the parked item goes out first.
    await page.unroute(`**${refusedPath}`);
    await open('refused', 'v2');
    expect(await kick()).toEqual({ state: 'idle' });
    expect(await takeCalls()).toContain(`200 PUT ${refusedPath}`);
    expect(await page.evaluate(() => window.syncHarness.outbox())).toEqual([]);
    expect(await serverLogs(me.participant_id)).toEqual([refused!, other!].map(uploadIds(me)).sort());
  });

  it('leaves syncing to the tab that holds the lock, and syncs once it is free', async () => {
    const otherTab = await page.context().newPage();
    await otherTab.goto('/');
    await otherTab.waitForFunction(() => 'syncHarness' in window);
    await otherTab.evaluate(() => window.syncHarness.holdLock());
    await open('two-tabs');
    await seed(1);
    await takeCalls();
    expect(await consent()).toMatchObject({ state: 'paused', reason: 'another BCD window is syncing' });
    expect(await takeCalls()).toEqual([]);
    expect(await page.evaluate(() => window.syncHarness.timers())).toEqual([30_000]);
    expect((await page.evaluate(() => window.syncHarness.settings())).enrolment).toBeNull();

    await otherTab.evaluate(() => window.syncHarness.releaseLock());
    expect(await page.evaluate(() => window.syncHarness.fireTimer())).toBe(30_000);
    expect(await page.evaluate(() => window.syncHarness.status())).toEqual({ state: 'idle' });
    expect(await serverSessions((await enrolment()).participant_id)).toHaveLength(1);
    await otherTab.close();
  });

  it('finishes a withdrawal left pending offline, refreshing the token the server answers 401 to', async () => {
    await open('withdrawal');
    await seed(2);
    expect(await consent()).toEqual({ state: 'idle' });
    const { participant_id: id } = await enrolment();
    expect(await serverSessions(id)).toHaveLength(2);

    await page.context().setOffline(true);
    const pending = await page.evaluate(() => window.syncHarness.withdraw());
    expect(pending).toMatchObject({ result: null, participant: { participant_id: id } });
    expect(await page.evaluate(() => window.syncHarness.status())).toMatchObject({
      state: 'paused',
      reason: 'the server cannot be reached',
    });
    // The first backoff: a random point (0.5 here) in the upper half of 1 s.
    expect(await page.evaluate(() => window.syncHarness.timers())).toEqual([750]);
    // Meanwhile the access token stops being accepted (it expired); the refresh token still is.
    await page.evaluate((token) => window.syncHarness.editPendingWithdrawal({ token }), UNKNOWN_TOKEN);
    await page.context().setOffline(false);
    await takeCalls();
    await page.evaluate(() => window.syncHarness.fireTimer());

    expect(await takeCalls()).toEqual([
      '200 GET /health',
      '401 DELETE /api/consent',
      '200 POST /api/participants/refresh',
      '200 DELETE /api/consent',
    ]);
    const { withdrawal } = await page.evaluate(() => window.syncHarness.settings());
    expect(withdrawal?.result?.deleted).toMatchObject({ participants: 1, sessions: 2, analysis_logs: 2 });
    expect(await serverSessions(id)).toEqual([]);
    const left = await store.database.query('SELECT id FROM participants WHERE id = $1', [id]);
    expect(left).toEqual([]);
    expect(await page.evaluate(() => window.syncHarness.status())).toEqual({ state: 'off' });
  });
});
