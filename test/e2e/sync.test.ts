import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import exifr from 'exifr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeDecoder } from '../../src/core/image/decode.node.ts';
import type { ImageDecoder } from '../../src/core/image/decode.ts';
import { CONSENT_SCOPES } from '../../src/sync/contract.ts';
import { findImageMetadata, stripImageMetadata } from '../../src/sync/image-metadata.ts';
import { uploadIds } from '../../src/app/sync/upload-ids.ts';
import { launchBrowser, phoneContext } from './browser.ts';
import type { SessionPlan } from './cli.ts';
import { ConsentPage } from './pages/consent-page.ts';
import { HistoryPage } from './pages/history-page.ts';
import { NewSessionPage } from './pages/new-session-page.ts';
import { ResultsPage } from './pages/results-page.ts';
import { SettingsPage } from './pages/settings-page.ts';
import { readServerRows, type ServerRows } from './server-rows.ts';
import { ROOT, buildApp, freePort } from './server.ts';
import { startSyncServer, type SyncServer } from './sync-server.ts';

const PHOTOS = join(import.meta.dirname, '../../../shared/data/photos');
const photo = (name: string) => join(PHOTOS, name);

/**
 * Three sessions of real photos: camera JPEGs with EXIF GPS (starfish, gps.jpg) and GPS in XMP (gps-xmp.jpg), a
 * photo stored sideways with EXIF orientation 6, a PNG with XMP, and a WebP (which the server does not take).
 */
const SESSIONS: SessionPlan[] = [
  { front: [photo('npm-exif-parser__starfish.jpg')], left_side: [photo('kphotoalbum__jesper.jpg')] },
  { front: [photo('exif/gps.jpg')], right_side: [photo('exif/gps-xmp.jpg')] },
  {
    front: [photo('exif/orient-6.jpg')],
    left_oblique: [photo('derived/kphotoalbum__bar55.webp')],
    left_side: [photo('kphotoalbum__wayne.jpg')],
    right_side: [photo('python3-skimage__chelsea.png')],
  },
];

/** Photos the device must turn upright or convert, and so re-encode; the others it strips byte for byte. */
const RE_ENCODED = new Set(['exif/orient-6.jpg', 'derived/kphotoalbum__bar55.webp']);

const photoCount = SESSIONS.reduce((n, plan) => n + Object.values(plan).flat().length, 0);
const angleCount = SESSIONS.reduce((n, plan) => n + Object.keys(plan).length, 0);
/** Per session: one vector per photo, one per angle, one for the session. */
const VECTORS = photoCount + angleCount + SESSIONS.length;
/** "This looks wrong" on session 2, "bad photo" on session 3. */
const NOTES = 2;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** An image upload as the device sent it. */
interface SentImage {
  sessionId: string;
  imageId: string;
  sha256: string;
}

describe('sync with the server in headless Chromium', { timeout: 900_000 }, () => {
  let work: string;
  let dataDir: string;
  let port: number;
  let server: SyncServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let decode: ImageDecoder;
  const apiCalls: string[] = [];
  const sentImages: SentImage[] = [];
  /** Set to crash the server when the device starts its n-th image upload from then on. */
  let crashAtUpload: number | null = null;
  const sessionIds: string[] = [];
  let participant = '';
  /** A session's id on the server: the participant's own name for it (`uploadIds`). */
  const serverId = (localId: string) =>
    uploadIds({ participant_id: participant, session_ids: 'participant' })(localId);
  let consentVersion = '';

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'bcd-sync-e2e-'));
    dataDir = join(work, 'data');
    [decode] = await Promise.all([nodeDecoder(), buildApp()]);
    port = await freePort();
    server = await startSyncServer(port, dataDir);
    browser = await launchBrowser();
    context = await phoneContext(browser, server.url);
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err));
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!url.pathname.startsWith('/api/')) return;
      apiCalls.push(`${request.method()} ${url.pathname}`);
      const image = /^\/api\/sessions\/([^/]+)\/images\/([^/]+)$/.exec(url.pathname);
      if (request.method() !== 'PUT' || !image) return;
      sentImages.push({
        sessionId: decodeURIComponent(image[1] ?? ''),
        imageId: decodeURIComponent(image[2] ?? ''),
        sha256: request.headers()['x-sha256'] ?? '',
      });
      if (crashAtUpload !== null && --crashAtUpload === 0) {
        crashAtUpload = null;
        server.kill();
      }
    });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function createSession(plan: SessionPlan): Promise<string> {
    const newSession = new NewSessionPage(page);
    await newSession.open();
    for (const [angle, files] of Object.entries(plan)) await newSession.addFiles(angle, files);
    const id = await newSession.analyse();
    sessionIds.push(id);
    return id;
  }

  it('serves the app and the API on one origin, cross-origin isolated, with sharing off', async () => {
    await page.goto('/');
    const history = new HistoryPage(page);
    await history.open();
    expect(await history.sessionIds()).toEqual([]);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const health = await page.evaluate(() => fetch('/health').then((r) => r.json()));
    expect(health).toMatchObject({ status: 'ok', mode: 'embedded' });
    const settings = new SettingsPage(page);
    await settings.open();
    expect(await page.getByTestId('sharing-state').innerText()).toBe(
      'Not sharing: nothing leaves this phone.',
    );
  });

  it('offers sharing once after the first session, and sends nothing before consent', async () => {
    const results = new ResultsPage(page);
    const id = await createSession(SESSIONS[0] as SessionPlan);
    await page.getByTestId('consent-offer').waitFor();
    expect(await results.waitSyncState('local')).toBe('Kept on this phone only');
    await results.screenshot('sync-01-results-offer');
    await page.getByTestId('consent-offer-dismiss').click();
    await page.reload();
    await results.open(id);
    // The offer's decision is local once it was made: give it the time a server round trip would take.
    await page.waitForTimeout(1500);
    expect(await page.getByTestId('consent-offer').count()).toBe(0);
    expect(apiCalls).toEqual([]);
  });

  it('shows the consent in plain words from Settings, and syncs the earlier session once agreed', async () => {
    const settings = new SettingsPage(page);
    await settings.open();
    await settings.openConsent();
    const consent = new ConsentPage(page);
    const text = await consent.text();
    for (const words of [
      'Photos',
      'no location',
      'Vectors',
      'Analysis logs',
      'Your notes',
      'research team',
      'withdraw at any time in Settings',
      'deletes everything this phone shared',
    ]) {
      expect(text).toContain(words);
    }
    expect(text).not.toMatch(/\b(risk\w*|abnormal\w*|suspicious\w*|concerning|diagnos\w*)\b/i);
    consentVersion = await consent.version();
    expect(consentVersion).toMatch(/^\d{4}-\d{2}-v\d+$/);
    await consent.screenshot('sync-02-consent');
    await consent.agree(CONSENT_SCOPES);
    await settings.waitSynced(1);
    const sharing = await settings.sharing();
    expect(sharing.sharing).toMatch(
      /^Sharing since .*: session scores, photos, unblurred faces, vectors, analysis logs, your notes\.$/,
    );
    expect(sharing.participant).toMatch(/^[0-9a-f-]{36}$/);
    participant = sharing.participant;
    expect(apiCalls.slice(0, 3)).toEqual([
      'POST /api/participants',
      'PUT /api/consent',
      `PUT /api/sessions/${serverId(sessionIds[0] as string)}`,
    ]);
    await settings.screenshot('sync-03-settings-sharing');
  });

  it('keeps a session made offline waiting, and sends it when the phone is back online', async () => {
    await context.setOffline(true);
    const results = new ResultsPage(page);
    const id = await createSession(SESSIONS[1] as SessionPlan);
    expect(await results.waitSyncState('paused')).toBe('Sync paused: no connection');
    await results.flagResult();
    await results.screenshot('sync-04-results-offline');
    expect(apiCalls.some((call) => call.includes(id))).toBe(false);
    await context.setOffline(false);
    expect(await results.waitSyncState('synced')).toBe('Synced');
  });

  it('resumes after the server is killed during a sync, losing and repeating nothing', async () => {
    // The second photo upload of the third session crashes the server (SIGKILL) while it is sent.
    crashAtUpload = 2;
    const results = new ResultsPage(page);
    await createSession(SESSIONS[2] as SessionPlan);
    await results.flagPhoto('front');
    expect(await results.waitSyncState('paused', 60_000)).toMatch(
      /^Sync paused: the server cannot be reached/,
    );
    await results.screenshot('sync-05-results-paused');
    const history = new HistoryPage(page);
    await history.open();
    const states = await history.syncStates();
    expect(states[sessionIds[0] as string]?.text).toBe('Synced');
    expect(states[sessionIds[1] as string]?.text).toBe('Synced');
    expect(states[sessionIds[2] as string]?.kind).toBe('paused');
    await history.screenshot('sync-06-history-paused');

    await server.exited();
    server = await startSyncServer(port, dataDir);
    await history.page.waitForFunction(
      (id) =>
        document
          .querySelector(`[data-session-id="${id}"] [data-testid="sync-state"]`)
          ?.getAttribute('data-sync') === 'synced',
      sessionIds[2],
      { timeout: 180_000 },
    );
    const settings = new SettingsPage(page);
    await settings.open();
    await settings.waitSynced(3);
    // The consent screen again, as a person who shares sees it to change their choice.
    await page.getByTestId('change-consent').click();
    await page.getByTestId('consent-current').waitFor();
    await new ConsentPage(page).screenshot('sync-07-consent-change');
    await page.getByTestId('consent-not-now').click();
    await settings.waitSynced(3);
    await history.open();
    await history.screenshot('sync-08-history-synced');
  });

  it('holds every row and vector once, and images that are upright and free of metadata', async () => {
    await server.stop();
    const rows: ServerRows = await readServerRows(dataDir);
    expect(rows.counts).toEqual({
      participants: 1,
      consents: 1,
      sessions: 3,
      images: photoCount,
      session_analysis: 3,
      angle_analysis: angleCount,
      embeddings: VECTORS,
      analysis_logs: 3,
      feedback: NOTES,
    });
    expect(rows.sessions).toEqual(sessionIds.map(serverId).sort());
    // Scopes are a set: the app keeps them in the consent screen's order, not the contract's.
    expect(rows.consents.map((c) => ({ ...c, scopes: [...c.scopes].sort() }))).toEqual([
      { participant_id: participant, consent_version: consentVersion, scopes: [...CONSENT_SCOPES].sort() },
    ]);
    expect(rows.files).toHaveLength(photoCount);

    for (const [s, plan] of SESSIONS.entries()) {
      for (const [angle, [file]] of Object.entries(plan)) {
        const id = serverId(sessionIds[s] as string);
        const row = rows.images.find((r) => r.session_id === id && r.id === `${angle}__0`);
        const name = (file as string).slice(PHOTOS.length + 1);
        expect(row?.storage_path, name).toBeTruthy();
        const stored = new Uint8Array(await readFile(join(dataDir, 'images', row?.storage_path as string)));
        // The bytes on the server are the bytes the device sent: its x-sha256, and the row's.
        const sent = sentImages.filter((i) => i.sessionId === id && i.imageId === `${angle}__0`);
        expect(new Set(sent.map((i) => i.sha256)), name).toEqual(new Set([sha256(stored)]));
        expect(row?.sha256, name).toBe(sha256(stored));
        expect(findImageMetadata(stored), name).toEqual([]);
        // No EXIF, GPS, XMP or IPTC block that exifr can find (a PNG's header and colour profile are not metadata).
        const options = { tiff: true, gps: true, xmp: true, iptc: true, ihdr: false, icc: false };
        expect(await exifr.parse(stored, options), name).toBeUndefined();
        const original = new Uint8Array(await readFile(file as string));
        if (!RE_ENCODED.has(name)) {
          expect(Buffer.compare(stored, stripImageMetadata(original)), `${name} stripped losslessly`).toBe(0);
          continue;
        }
        expect(row?.content_type, name).toBe('image/jpeg');
        // Upright: the same picture as the original decoded with its EXIF orientation applied.
        const [shown, kept] = await Promise.all([decode(original), decode(stored)]);
        expect({ width: kept.width, height: kept.height }, name).toEqual({
          width: shown.width,
          height: shown.height,
        });
        let difference = 0;
        for (let i = 0; i < shown.data.length; i++)
          difference += Math.abs((shown.data[i] ?? 0) - (kept.data[i] ?? 0));
        expect(difference / shown.data.length, `${name} mean pixel difference`).toBeLessThan(4);
      }
    }
    // A retried upload repeats the same bytes (same sha256), never other ones.
    const uploadsPerImage = new Map<string, Set<string>>();
    for (const i of sentImages) {
      const key = `${i.sessionId}/${i.imageId}`;
      uploadsPerImage.set(key, (uploadsPerImage.get(key) ?? new Set()).add(i.sha256));
    }
    expect([...uploadsPerImage.values()].every((hashes) => hashes.size === 1)).toBe(true);
    console.info(`e2e sync: ${sentImages.length} image uploads for ${photoCount} photos (retries included)`);
  });

  it('exports the dataset: one folder per participant and session, metadata, vectors and a card', async () => {
    const out = join(work, 'export');
    await promisify(execFile)(process.execPath, [join(ROOT, 'bin/bcd.js'), 'export', '--out', out], {
      cwd: ROOT,
      env: { ...process.env, BCD_DATA_DIR: dataDir },
    });
    const files = (await readdir(join(out, 'dataset'), { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(join(out, 'dataset').length + 1))
      .sort();
    const expected = SESSIONS.flatMap((plan, s) =>
      Object.entries(plan).map(([angle, [file]]) => {
        const ext = (file as string).endsWith('.png') ? 'png' : 'jpg';
        return `${participant}/${serverId(sessionIds[s] as string)}/${angle}.${ext}`;
      }),
    ).sort();
    expect(files).toEqual(expected);
    const lines = (name: string) =>
      readFile(join(out, name), 'utf8').then((text) =>
        text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
    const metadata = await lines('metadata.jsonl');
    expect(metadata).toHaveLength(photoCount);
    for (const line of metadata) {
      expect(line).toMatchObject({ participant_id: participant, consent_version: consentVersion });
      expect(sessionIds.map(serverId)).toContain(line.session_id);
    }
    expect(await lines('vectors.jsonl')).toHaveLength(VECTORS);
    expect(await readFile(join(out, 'README.md'), 'utf8')).toMatch(/dataset/i);
  });

  it('withdraws: the server deletes every row and file, says how many, and nothing more is sent', async () => {
    server = await startSyncServer(port, dataDir);
    const settings = new SettingsPage(page);
    await settings.open();
    const deleted = await settings.withdraw();
    expect(deleted).toEqual({
      participants: 1,
      consents: 1,
      sessions: 3,
      images: photoCount,
      stored_images: photoCount,
      session_analyses: 3,
      angle_analyses: angleCount,
      embeddings: VECTORS,
      analysis_logs: 3,
      feedback: NOTES,
    });
    expect(await page.getByTestId('sharing-state').innerText()).toBe(
      'Not sharing: nothing leaves this phone.',
    );
    await settings.screenshot('sync-09-settings-withdrawn');
    const results = new ResultsPage(page);
    await results.open(sessionIds[0] as string);
    expect(await results.waitSyncState('local')).toBe('Kept on this phone only');
    const calls = apiCalls.length;
    await createSession(SESSIONS[0] as SessionPlan);
    await page.waitForTimeout(1500);
    expect(apiCalls.slice(calls)).toEqual([]);

    await server.stop();
    const rows = await readServerRows(dataDir);
    expect(Object.values(rows.counts).every((n) => n === 0)).toBe(true);
    expect(rows.files).toEqual([]);
  });
});
