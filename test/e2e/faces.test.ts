import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { openDataStore } from '../../server/store.ts';
import { FACE_BLUR_MIN_SCORE } from '../../src/core/faces/detector.ts';
import { nodeFaceDetector } from '../../src/core/faces/detector.node.ts';
import { nodeDecoder } from '../../src/core/image/decode.node.ts';
import { CONSENT_SCOPES } from '../../src/sync/contract.ts';
import { stripImageMetadata } from '../../src/sync/image-metadata.ts';
import { launchBrowser, phoneContext } from './browser.ts';
import { ConsentPage } from './pages/consent-page.ts';
import { NewSessionPage } from './pages/new-session-page.ts';
import { SettingsPage } from './pages/settings-page.ts';
import { buildApp, freePort } from './server.ts';
import { startSyncServer, type SyncServer } from './sync-server.ts';

const PHOTOS = join(import.meta.dirname, '../../../shared/data/photos');
/** A head-and-shoulders portrait (SOURCES.md) and a photo of cut fruit. */
const FACE = 'kphotoalbum__jesper_2.jpg';
const NO_FACE = 'opencv-doc__fruits.jpg';

describe('faces blurred before sharing, in headless Chromium', { timeout: 900_000 }, () => {
  let work: string;
  let dataDir: string;
  let server: SyncServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'bcd-faces-e2e-'));
    dataDir = join(work, 'data');
    await buildApp();
    server = await startSyncServer(await freePort(), dataDir);
    browser = await launchBrowser();
    page = await (await phoneContext(browser, server.url)).newPage();
    page.on('pageerror', (err) => console.error('page error:', err));
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('offers sharing faces unblurred as a scope that is off at first', async () => {
    await page.goto('/');
    const settings = new SettingsPage(page);
    await settings.open();
    await settings.openConsent();
    const consent = new ConsentPage(page);
    expect(await consent.text()).toContain('Unblurred faces');
    expect(await page.getByTestId('scope-faces').isChecked()).toBe(false);
    expect(await page.getByTestId('scope-images').isChecked()).toBe(true);
    // From the photos scope down, so the new scope is seen with the one it qualifies.
    await consent.screenshotAt(
      page.locator('label.choice', { has: page.getByTestId('scope-images') }),
      'faces-01-consent-scope',
    );
    await consent.agree(CONSENT_SCOPES.filter((scope) => scope !== 'faces'));
  });

  it('finds the face in the worker and uploads the photo blurred; the server finds no face in it', async () => {
    const newSession = new NewSessionPage(page);
    await newSession.open();
    await newSession.addFiles('front', [join(PHOTOS, FACE)]);
    await newSession.addFiles('left_side', [join(PHOTOS, NO_FACE)]);
    await newSession.analyse();
    await new SettingsPage(page).open();
    await new SettingsPage(page).waitSynced(1);
    await server.stop();

    const store = await openDataStore(loadConfig({ BCD_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    const rows = await store.database
      .query<{ angle: string; faces: string | null; storage_path: string }>(
        'SELECT angle, faces, storage_path FROM images ORDER BY angle',
      )
      .finally(() => store.close());
    expect(rows.map((r) => [r.angle, r.faces])).toEqual([
      ['front', 'blurred'],
      ['left_side', 'none'],
    ]);
    const [decode, detector] = await Promise.all([nodeDecoder(), nodeFaceDetector()]);
    const front = new Uint8Array(await readFile(join(dataDir, 'images', rows[0]?.storage_path ?? '')));
    const original = await readFile(join(PHOTOS, FACE));
    expect(await detector.find(await decode(new Uint8Array(original)), FACE_BLUR_MIN_SCORE)).not.toEqual([]);
    // The server accepted it (it refuses a face without the scope), and even at the device's lower score none is left.
    expect(await detector.find(await decode(front), FACE_BLUR_MIN_SCORE)).toEqual([]);
    // The photo without a face leaves byte for byte as stripped.
    const fruit = new Uint8Array(await readFile(join(dataDir, 'images', rows[1]?.storage_path ?? '')));
    expect(
      Buffer.compare(
        Buffer.from(fruit),
        Buffer.from(stripImageMetadata(await readFile(join(PHOTOS, NO_FACE)))),
      ),
    ).toBe(0);
  });
});
