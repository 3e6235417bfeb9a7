import type { HarnessAnalysis, HarnessFailure } from '../test/workers/harness.ts';
import { runHarness } from '../test/workers/support/browser.ts';
import { median } from './browser-report.ts';

/** Offline cold start: medians over reloads, ms. */
export interface ColdStart {
  /** From `page.reload()` until the harness script has run. */
  readonly page_ms: number;
  /** From `page.reload()` until the first photo's analysis (workers started, model loaded) has resolved. */
  readonly first_analysis_ms: number;
  readonly decode_ms: number;
  /** Quality and preprocessing. */
  readonly prepare_ms: number;
  readonly embed_ms: number;
  readonly backend: string;
  readonly threads: number;
  readonly samples: readonly number[];
}

const RELOADS = 3;

/**
 * Opens the harness once online so its service worker precaches the app (scripts, workers, codecs, onnxruntime,
 * model), goes offline, then reloads RELOADS times and times each reload until the first analysis of `photo`
 * (a path under the shared data) is ready. Each reload starts new workers, so OpenCV, the codecs and the model
 * session are set up again from the precache, as when the person reopens the app without a network.
 * @throws Error when the page is not served by its service worker offline or the analysis fails.
 */
export async function coldStart(dir: string, photo: string): Promise<ColdStart> {
  const harness = await runHarness(dir, { isolated: true });
  const { page } = harness;
  const url = `/data/${photo}`;
  try {
    await page.evaluate(() => window.harness.registerServiceWorker());
    await page.evaluate((u) => window.harness.keepForOffline([u]), url);
    await page.context().setOffline(true);
    const runs: { page: number; first: number; result: HarnessAnalysis }[] = [];
    for (let i = 0; i < RELOADS; i++) {
      const t0 = performance.now();
      await page.reload();
      await page.waitForFunction(() => 'harness' in window);
      const ready = performance.now();
      const controlled = await page.evaluate(() => navigator.serviceWorker.controller !== null);
      if (!controlled) throw new Error('the reloaded page is not served by its service worker');
      const result = (await page.evaluate((u) => window.harness.analyse(u), url)) as
        HarnessAnalysis | HarnessFailure;
      if (!result.ok) throw new Error(`offline analysis failed: ${result.code}: ${result.message}`);
      runs.push({ page: ready - t0, first: performance.now() - t0, result });
    }
    const info = await page.evaluate(() => window.harness.info());
    const m = (f: (r: (typeof runs)[number]) => number) => median(runs.map(f));
    return {
      page_ms: m((r) => r.page),
      first_analysis_ms: m((r) => r.first),
      decode_ms: m((r) => r.result.timings.decode_ms),
      prepare_ms: m((r) => r.result.timings.quality_ms + r.result.timings.preprocess_ms),
      embed_ms: m((r) => r.result.timings.embed_ms),
      backend: info.backend,
      threads: info.threads,
      samples: runs.map((r) => r.first),
    };
  } finally {
    await harness.close();
  }
}
