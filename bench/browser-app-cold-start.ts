import { launchBrowser, phoneContext } from '../test/e2e/browser.ts';
import { NewSessionPage } from '../test/e2e/pages/new-session-page.ts';
import { buildApp, startPreview } from '../test/e2e/server.ts';
import { median } from './browser-report.ts';

/** The built app's offline cold start: medians over reloads, ms. */
export interface AppColdStart {
  /** From `page.reload()` until the New session screen is shown. */
  readonly screen_ms: number;
  /** From `page.reload()` until the first photo, added to a new session and analysed, shows its Results. */
  readonly first_result_ms: number;
  readonly samples: readonly number[];
}

const RELOADS = 3;

/**
 * The cold start a person sees (issue 8): the built app (`vite build`, served by `vite preview` with its COOP/COEP
 * headers), visited once online so its service worker precaches everything, then offline: reload, open New
 * session, add `photo` (a file path) to the front slot, press Analyse, until the Results screen. Each reload starts
 * new workers, so OpenCV, the codecs and the model session are set up again from the precache. Every run adds a
 * session, so later runs also score against the earlier ones, as a real second visit does.
 * @throws Error when the reloaded page is not served by its service worker.
 */
export async function appColdStart(photo: string): Promise<AppColdStart> {
  await buildApp();
  const preview = await startPreview();
  const browser = await launchBrowser();
  try {
    const context = await phoneContext(browser, preview.url);
    const page = await context.newPage();
    await page.goto('/');
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await context.setOffline(true);
    const runs: { screen: number; result: number }[] = [];
    const session = new NewSessionPage(page);
    for (let i = 0; i < RELOADS; i++) {
      const t0 = performance.now();
      await page.reload();
      if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) {
        throw new Error('the reloaded app is not served by its service worker');
      }
      await session.open();
      const screen = performance.now() - t0;
      await session.addFiles('front', [photo]);
      await session.analyse();
      runs.push({ screen, result: performance.now() - t0 });
    }
    return {
      screen_ms: median(runs.map((r) => r.screen)),
      first_result_ms: median(runs.map((r) => r.result)),
      samples: runs.map((r) => r.result),
    };
  } finally {
    await browser.close();
    await preview.stop();
  }
}
