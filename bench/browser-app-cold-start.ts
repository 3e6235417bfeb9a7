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
  /** Of that: adding the photo until its capture check (the first part of the photo's analysis) has answered. */
  readonly capture_check_ms: number;
  /**
   * Of that: `analyseSession` itself as the app logs it (`analysis_logs.total_ms`: the workers' analysis, scoring,
   * storing), and its scoring part (`scoring_ms`, against the sessions earlier reloads stored).
   */
  readonly analysis_ms: number;
  readonly scoring_ms: number;
  readonly samples: readonly number[];
}

/**
 * The app's newest analysis log (Dexie database `bcd`, table `analysis_logs`; `src/app/db/schema.ts`).
 * @throws Error when the database lacks the table (renamed) or holds no log.
 */
function newestAnalysisLog(): Promise<{ total_ms: number; scoring_ms: number }> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('bcd');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      try {
        const cursor = db.transaction('analysis_logs').objectStore('analysis_logs').openCursor(null, 'prev');
        cursor.onerror = () => reject(cursor.error);
        cursor.onsuccess = () => {
          const row = cursor.result?.value as { total_ms: number; scoring_ms: number } | undefined;
          db.close();
          if (row) resolve(row);
          else reject(new Error('the app logged no analysis'));
        };
      } catch (err) {
        db.close();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
  });
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
    const runs: { screen: number; check: number; result: number; analysis: number; scoring: number }[] = [];
    const session = new NewSessionPage(page);
    for (let i = 0; i < RELOADS; i++) {
      const t0 = performance.now();
      await page.reload();
      if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) {
        throw new Error('the reloaded app is not served by its service worker');
      }
      await session.open();
      const screen = performance.now() - t0;
      const adding = performance.now();
      await session.addFiles('front', [photo]);
      const check = performance.now() - adding;
      await session.analyse();
      const result = performance.now() - t0;
      const log = await page.evaluate(newestAnalysisLog);
      runs.push({ screen, check, result, analysis: log.total_ms, scoring: log.scoring_ms });
    }
    return {
      screen_ms: median(runs.map((r) => r.screen)),
      first_result_ms: median(runs.map((r) => r.result)),
      capture_check_ms: median(runs.map((r) => r.check)),
      analysis_ms: median(runs.map((r) => r.analysis)),
      scoring_ms: median(runs.map((r) => r.scoring)),
      samples: runs.map((r) => r.result),
    };
  } finally {
    await browser.close();
    await preview.stop();
  }
}
