import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyzeReport } from '../../src/cli/report.ts';
import { launchBrowser, phoneContext } from './browser.ts';
import { cliAnalyze, writeHistoryDir, type SessionPlan } from './cli.ts';
import { expectSameAsCli } from './parity.ts';
import { ComparePage } from './pages/compare-page.ts';
import { HistoryPage } from './pages/history-page.ts';
import { NewSessionPage } from './pages/new-session-page.ts';
import { ResultsPage, type ResultFigures } from './pages/results-page.ts';
import { SettingsPage } from './pages/settings-page.ts';
import { OUT_DIR, buildApp, startPreview, type Preview } from './server.ts';

const DATA = join(import.meta.dirname, '../../../shared/data');
const photo = (name: string) => join(DATA, 'photos', name);

/** Three sessions made online, then a fourth offline. People photos stand in for body photos. */
const SESSIONS: SessionPlan[] = [
  {
    front: [photo('kphotoalbum__jesper.jpg')],
    left_side: [photo('kphotoalbum__wayne.jpg')],
    right_side: [photo('kphotoalbum__anne_helene.jpg')],
  },
  {
    front: [photo('kphotoalbum__jesper_2.jpg')],
    left_side: [photo('kphotoalbum__bar55.jpg')],
    right_side: [photo('kphotoalbum__cold_water.jpg')],
  },
  {
    front: [photo('kphotoalbum__new_wave_2.jpg'), photo('python-matplotlib-data__grace_hopper.jpg')],
    front_arms_raised: [photo('opencv-doc__messi5.jpg')],
    left_side: [photo('kphotoalbum__qt-logo.jpg')],
  },
  {
    front: [photo('python3-skimage__astronaut.png')],
    left_side: [photo('npm-vladmandic-face-api__sample1.jpg')],
    // The same file as in the first session: the app should notice the photo was entered twice.
    right_side: [photo('kphotoalbum__anne_helene.jpg')],
  },
];

/** Files the app must refuse with a reason, and files it must accept with a quality flag and a retake hint. */
const REFUSED = [
  'empty.jpg',
  'text-renamed.jpg',
  '1x1.jpg',
  'truncated-40pct.jpg',
  'huge-30000x30000.png',
  'huge-header-only-30000x30000.png',
  'huge-dims-30000x30000.jpg',
];
const FLAGGED: Record<string, string> = {
  'blurry.jpg': 'blurry',
  'dark.jpg': 'too_dark',
  'overexposed.jpg': 'too_bright',
};

describe('the PWA in headless Chromium', { timeout: 600_000 }, () => {
  let preview: Preview;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let work: string;
  let cli: Promise<AnalyzeReport>;
  const results: ResultFigures[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'bcd-e2e-'));
    await writeHistoryDir(join(work, 'history'), SESSIONS);
    // The CLI runs while the browser works; it is awaited where the numbers are compared.
    cli = cliAnalyze(join(work, 'history'));
    cli.catch(() => undefined);
    await buildApp();
    preview = await startPreview();
    browser = await launchBrowser();
    context = await phoneContext(browser, preview.url);
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err));
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await preview?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('opens cross-origin isolated, with an empty history, and installs its service worker', async () => {
    await page.goto('/');
    const history = new HistoryPage(page);
    await history.open();
    expect(await history.sessionIds()).toEqual([]);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active !== null))).toBe(
      true,
    );
    const manifest = await page.evaluate(() =>
      fetch(document.querySelector<HTMLLinkElement>('link[rel="manifest"]')?.href ?? '').then((r) =>
        r.json(),
      ),
    );
    expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(['192x192', '512x512', '512x512']);
    // Chromium's own verdict on whether the app can be installed (manifest, icons, service worker).
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    // Playwright's contexts are incognito, where Chromium never offers to install; nothing else may stand in the way.
    expect(installabilityErrors.filter((e) => e.errorId !== 'in-incognito')).toEqual([]);
    await cdp.detach();
    await history.screenshot('01-history-empty');
  });

  it('creates three sessions from photos and shows every indicator on the results page', async () => {
    const newSession = new NewSessionPage(page);
    const resultsPage = new ResultsPage(page);
    for (const [i, plan] of SESSIONS.slice(0, 3).entries()) {
      await newSession.open();
      for (const [angle, files] of Object.entries(plan)) {
        await newSession.addFiles(angle, files);
        const state = await newSession.state(angle);
        expect(state).toEqual({ photos: files.length, checking: 0, messages: [] });
      }
      if (i === 2) await newSession.screenshot('02-new-session');
      await newSession.analyse();
      const figures = await resultsPage.figures();
      results.push(figures);

      expect(figures.version).toMatch(/^bcd-/);
      expect(figures.confidence).toBeGreaterThan(0);
      expect(figures.confidence).toBeLessThanOrEqual(1);
      expect(figures.sessionQuality).toBeGreaterThan(0);
      expect(Object.keys(figures.angles).sort()).toEqual(Object.keys(plan).sort());
      for (const [angle, files] of Object.entries(plan)) {
        expect(figures.angles[angle]?.photos).toBe(files.length);
        expect(figures.angles[angle]?.quality).toBeGreaterThan(0);
      }
      expect(figures.baselineSessions).toBe(i);
      if (i === 0) {
        // Seed phase 3: the first session's scores are 0.0, never null.
        expect(figures.structural).toBe(0);
        expect(figures.angleChange).toBe(0);
        expect(figures.layers).toEqual([]);
        expect(figures.level).toBe('stable');
        for (const angle of Object.values(figures.angles)) {
          expect(angle).toMatchObject({ change: 0, changeMethod: '', registration: '', changeMap: '' });
        }
        await resultsPage.screenshot('03-results-first-session');
      } else {
        expect(figures.structural).toBeGreaterThan(0);
        expect(figures.angleChange).toBeGreaterThan(0);
        expect(figures.layers).toEqual(expect.arrayContaining(['angle_embedding', 'session_embedding']));
        expect(figures.angles.front?.similar).toBe('photo');
        // Every angle seen before was registered to its latest earlier photo (aligned or not).
        expect(figures.angles.left_side?.registration).not.toBe('');
      }
    }
    // An angle seen for the first time has no baseline and no earlier photo.
    expect(results[2]?.angles.front_arms_raised).toMatchObject({
      change: 0,
      similar: 'none',
      changeMethod: '',
      registration: '',
    });
    await resultsPage.flagResult();
    await resultsPage.flagPhoto('front');
    await resultsPage.screenshot('04-results');
  });

  it('keeps the history across a reload, with its chart and storage figure', async () => {
    await page.reload();
    const history = new HistoryPage(page);
    await history.open();
    expect(await history.sessionIds()).toEqual(results.map((r) => r.sessionId).reverse());
    expect(await history.chartDrawn()).toBe(true);
    expect(await history.storageText()).toMatch(/Storage used on this phone: [\d.]+ (KB|MB|GB)/);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await history.screenshot('05-history');
    // The flags given before the reload are still there.
    const resultsPage = new ResultsPage(page);
    await resultsPage.open(results[2]?.sessionId ?? '');
    await page.getByTestId('flag-result-done').waitFor();
  });

  it('compares two sessions side by side', async () => {
    const compare = new ComparePage(page);
    await compare.open(results[0]?.sessionId ?? '', results[1]?.sessionId ?? '');
    const figures = await compare.figures();
    expect(figures.overallDelta).toBeGreaterThan(0);
    expect(figures.stability).toBeCloseTo(1 - figures.overallDelta, 12);
    expect(Object.keys(figures.angleDeltas).sort()).toEqual(['front', 'left_side', 'right_side']);
    await compare.screenshot('06-compare');
  });

  it('shows the model, its source and the backend in Settings', async () => {
    const settings = new SettingsPage(page);
    await settings.open();
    const model = await settings.model();
    expect(model.id).toBe('mobilenet_v2-nsfwjs');
    expect(['wasm', 'webgpu']).toContain(model.backend);
    console.info(`e2e: inference backend ${model.backend}, ${model.threads} thread(s)`);
    await page.getByTestId('last-analysis').waitFor();
    await settings.screenshot('07-settings');
  });

  it('opens and analyses a fourth session with the network off and the server gone', async () => {
    await context.setOffline(true);
    await preview.stop();
    await page.reload();
    const history = new HistoryPage(page);
    await history.open();
    expect(await history.sessionIds()).toHaveLength(3);

    const newSession = new NewSessionPage(page);
    await newSession.open();
    const plan = SESSIONS[3] as SessionPlan;
    for (const [angle, files] of Object.entries(plan)) await newSession.addFiles(angle, files);
    await newSession.analyse();
    const resultsPage = new ResultsPage(page);
    const figures = await resultsPage.figures();
    results.push(figures);
    expect(figures.baselineSessions).toBe(3);
    await page.getByTestId('same-photo').waitFor();
    expect(await page.getByTestId('same-photo').innerText()).toMatch(/Right side photo looks the same/);
    await resultsPage.screenshot('08-results-offline');
  });

  it('gives the same scores as `bcd analyze --json` on the same photos', async () => {
    const largest = expectSameAsCli(results, await cli);
    console.info(`e2e: largest difference between the page and the CLI: ${largest.toExponential(2)}`);
  });

  it('takes a photo with the camera and its framing guide', async () => {
    const newSession = new NewSessionPage(page);
    await newSession.open();
    await newSession.openCamera('front_arms_raised');
    await newSession.screenshot('09-camera');
    await newSession.shoot('front_arms_raised');
    expect((await newSession.state('front_arms_raised')).photos).toBe(1);
    await newSession.clear('front_arms_raised');
  });

  it('refuses or flags each awkward file with a clear message, losing nothing', async () => {
    const newSession = new NewSessionPage(page);
    await newSession.open();
    await newSession.addFiles('front', [photo('kphotoalbum__jesper.jpg')]);
    const bad = (await readdir(join(DATA, 'bad'))).filter((f) => f !== 'README.md').sort();
    expect(bad).toEqual(expect.arrayContaining([...REFUSED, ...Object.keys(FLAGGED)]));
    for (const file of bad) {
      await newSession.addFiles('left_side', [join(DATA, 'bad', file)]);
      const state = await newSession.state('left_side');
      const flag = FLAGGED[file];
      if (REFUSED.includes(file)) {
        expect(state.photos, file).toBe(0);
        expect(state.messages, file).toHaveLength(1);
        expect(state.messages[0]).toContain(`“${file}” was not added.`);
        // A reason follows the file name.
        expect((state.messages[0] ?? '').split('was not added.')[1]?.trim().length, file).toBeGreaterThan(10);
      } else if (flag) {
        expect(state.photos, file).toBe(1);
        expect((await newSession.flags('left_side'))[0], file).toContain(flag);
        expect((await newSession.hints('left_side'))[0]?.length, file).toBeGreaterThan(0);
      } else {
        // png-renamed.jpg and cmyk.jpg are valid images: accepted (sniffed by content) or refused with a reason.
        expect(state.photos + state.messages.length, file).toBe(1);
      }
      if (file === 'truncated-40pct.jpg') await newSession.screenshot('10-new-session-bad-file');
      if (file === 'overexposed.jpg') await newSession.screenshot('11-new-session-flagged-photo');
      // The photo already in the session is untouched.
      expect((await newSession.state('front')).photos, file).toBe(1);
      await newSession.clear('left_side');
      await newSession.dismissMessages('left_side');
    }
    await newSession.clear('front');
    const history = new HistoryPage(page);
    await history.open();
    expect(await history.sessionIds()).toEqual(results.map((r) => r.sessionId).reverse());
  });

  it('exports everything, deletes it, imports it back and finds the same history', async () => {
    const settings = new SettingsPage(page);
    const history = new HistoryPage(page);
    const resultsPage = new ResultsPage(page);
    await history.open();
    const listBefore = await history.listText();

    await settings.open();
    const file = join(work, 'export.json');
    expect(await settings.exportTo(file)).toMatch(/Export ready/);
    expect((await stat(file)).size).toBeGreaterThan(100_000);
    expect(await settings.deleteAll()).toMatch(/deleted/);
    await history.open();
    expect(await history.sessionIds()).toEqual([]);

    await settings.open();
    expect(await settings.importFrom(file)).toBe('Imported 4 sessions.');
    await history.open();
    expect(await history.sessionIds()).toEqual(results.map((r) => r.sessionId).reverse());
    expect(await history.listText()).toBe(listBefore);
    for (const before of results) {
      await resultsPage.open(before.sessionId);
      expect(await resultsPage.figures()).toEqual(before);
    }
    await resultsPage.open(results[2]?.sessionId ?? '');
    await page.getByTestId('flag-result-done').waitFor();
    await history.open();
    await history.screenshot('12-history-after-import');
  });

  it('after a model change, analyses the stored photos again and gives the same figures', async () => {
    // An export whose vectors and analyses claim another model id stands for data from an earlier model.
    const exported = JSON.parse(await readFile(join(work, 'export.json'), 'utf8'));
    for (const table of ['embeddings', 'analyses', 'angle_analyses']) {
      for (const row of exported.tables[table]) row.model_id = 'earlier-model';
    }
    const file = join(work, 'export-earlier-model.json');
    await writeFile(file, JSON.stringify(exported));
    const settings = new SettingsPage(page);
    await settings.open();
    expect(await settings.importFrom(file)).toBe('Imported 4 sessions.');
    const history = new HistoryPage(page);
    await history.open();
    expect(await history.listText()).toMatch(/Analysed by another model/);

    await settings.open();
    const photos = SESSIONS.flatMap((plan) => Object.values(plan).flat()).length;
    expect(await settings.reanalyse()).toBe(`Analysed ${photos} photos again and updated 4 sessions.`);
    const resultsPage = new ResultsPage(page);
    for (const before of results) {
      await resultsPage.open(before.sessionId);
      const after = await resultsPage.figures();
      expect(after.baselineSessions).toBe(before.baselineSessions);
      expect(Math.abs(after.structural - before.structural)).toBeLessThan(1e-6);
      expect(Math.abs(after.confidence - before.confidence)).toBeLessThan(1e-6);
      for (const [angle, figures] of Object.entries(before.angles)) {
        expect(Math.abs((after.angles[angle]?.change ?? NaN) - figures.change)).toBeLessThan(1e-6);
      }
    }
  });

  it('offers a new version without forcing it, and switches when asked', async () => {
    // Any byte change to sw.js is a new version to the browser; the app must wait for the person's yes.
    const sw = join(OUT_DIR, 'sw.js');
    await writeFile(sw, `${await readFile(sw, 'utf8')}\n// e2e: next version\n`);
    preview = await startPreview(preview.port);
    await context.setOffline(false);
    await page.reload();
    const banner = page.getByTestId('update-banner');
    await banner.waitFor({ timeout: 60_000 });
    await new HistoryPage(page).screenshot('13-update-offered');
    const before = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
    expect(before).toMatch(/sw\.js$/);
    const reloaded = page.waitForEvent('load');
    await banner.getByRole('button', { name: 'Update' }).click();
    await reloaded;
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const registration = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.ready;
      return { waiting: r.waiting !== null, active: r.active?.state };
    });
    expect(registration).toEqual({ waiting: false, active: 'activated' });
    expect(await page.getByTestId('update-banner').count()).toBe(0);
    const history = new HistoryPage(page);
    await history.open();
    expect(await history.sessionIds()).toHaveLength(4);
  });
});
