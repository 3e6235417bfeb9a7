import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, phoneContext } from './browser.ts';
import type { AppPage } from './pages/app-page.ts';
import { CameraSheetPage } from './pages/camera-sheet-page.ts';
import { ComparePage, ViewerPage } from './pages/compare-page.ts';
import { ConsentPage } from './pages/consent-page.ts';
import { HistoryPage } from './pages/history-page.ts';
import { NewSessionPage } from './pages/new-session-page.ts';
import { ResultsPage } from './pages/results-page.ts';
import { SettingsPage } from './pages/settings-page.ts';
import { ROOT, buildApp, startPreview, type Preview } from './server.ts';

const HISTORY = join(ROOT, 'samples/history');
const front = (date: string) => join(HISTORY, date, 'front.jpg');

/** Fails with axe-core's findings (rule, help, elements) so a violation can be fixed from the test output. */
async function expectNoViolations(screen: AppPage, name: string): Promise<void> {
  const violations = await screen.axeViolations();
  expect(violations, `${name}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
}

describe(
  'accessibility: axe-core on every screen (headless Chromium, phone size)',
  { timeout: 900_000 },
  () => {
    let preview: Preview;
    let browser: Browser;
    let page: Page;
    const ids: string[] = [];

    beforeAll(async () => {
      await buildApp();
      preview = await startPreview();
      browser = await launchBrowser();
      const context = await phoneContext(browser, preview.url);
      page = await context.newPage();
      page.on('pageerror', (err) => console.error('page error:', err));
      await page.goto('/');
    }, 600_000);

    afterAll(async () => {
      await browser?.close();
      await preview?.stop();
    });

    it('history (empty), new session and the camera sheet of a first session', async () => {
      const history = new HistoryPage(page);
      await history.open();
      await expectNoViolations(history, 'history, empty');
      const newSession = new NewSessionPage(page);
      await newSession.open();
      await expectNoViolations(newSession, 'new session');
      await newSession.openCamera('front');
      const camera = new CameraSheetPage(page);
      await camera.overlay();
      await expectNoViolations(camera, 'camera sheet, framing guide');
      await camera.shoot();
      await expectNoViolations(camera, 'camera sheet, photo checked');
      await newSession.closeCamera();
      await expectNoViolations(newSession, 'new session with a photo');
      await newSession.clear('front');
    });

    it('the camera sheet takes focus, keeps Tab inside, and gives it back on Escape', async () => {
      const newSession = new NewSessionPage(page);
      await newSession.open();
      const opener = page.getByTestId('slot-front').getByRole('button', { name: 'Take photo' });
      await newSession.openCamera('front');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
        'Take the photo',
      );
      const sheet = page.getByTestId('camera-sheet');
      const order: string[] = [];
      for (let i = 0; i < 12; i++) {
        await page.keyboard.press('Tab');
        order.push(
          await page.evaluate(
            () =>
              document.activeElement?.textContent?.trim() ||
              document.activeElement?.getAttribute('aria-label') ||
              '',
          ),
        );
        expect(await sheet.evaluate((s) => s.contains(document.activeElement))).toBe(true);
      }
      // From the shutter: the camera options, then round to the top (the checklist), the bar, the shutter again.
      expect(order).toEqual([
        'Switch camera',
        'Timer: off',
        '○Front: Missing',
        '○Front with arms raised: Missing',
        '○Left half-turned: Missing',
        '○Left side: Missing',
        '○Right half-turned: Missing',
        '○Right side: Missing',
        'Close',
        'Take the photo',
        'Switch camera',
        'Timer: off',
      ]);
      await page.keyboard.press('Escape');
      await sheet.waitFor({ state: 'detached' });
      expect(await opener.evaluate((b) => b === document.activeElement)).toBe(true);
    });

    it('results, compare (every viewer mode), settings and consent with two analysed sessions', async () => {
      const newSession = new NewSessionPage(page);
      for (const date of ['2026-01-05', '2026-02-02']) {
        await newSession.open();
        await newSession.addFiles('front', [front(date)]);
        ids.push(await newSession.analyse());
      }
      const results = new ResultsPage(page);
      await results.open(ids[1] as string);
      await results.waitCompareViews('front');
      await expectNoViolations(results, 'results');

      const history = new HistoryPage(page);
      await history.open();
      await expectNoViolations(history, 'history');

      const compare = new ComparePage(page);
      const viewer = new ViewerPage(page);
      await compare.open(ids[0] as string, ids[1] as string);
      await viewer.ready('front');
      for (const mode of ['side', 'slider', 'flicker', 'timelapse'] as const) {
        await viewer.mode(mode);
        await expectNoViolations(compare, `compare, ${mode}`);
      }

      await newSession.open();
      await newSession.openCamera('front');
      const camera = new CameraSheetPage(page);
      await camera.overlay('photo');
      await expectNoViolations(camera, 'camera sheet, overlay');
      await camera.overlayMode('outline');
      await camera.overlay('outline');
      await expectNoViolations(camera, 'camera sheet, outline');
      await newSession.closeCamera();

      const settings = new SettingsPage(page);
      await settings.open();
      await page.getByTestId('last-analysis').waitFor({ timeout: 120_000 });
      await expectNoViolations(settings, 'settings');
      await settings.openConsent();
      const consent = new ConsentPage(page);
      await consent.waitOpen();
      await expectNoViolations(consent, 'consent');
    });
  },
);
