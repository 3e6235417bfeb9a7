import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PREPROCESS_WORKERS } from '../../src/app/analysis/client.ts';
import type { HarnessAnalysis, HarnessFailure } from './harness.ts';
import { runHarness } from './support/browser.ts';
import type { RunningHarness } from './support/browser.ts';
import { buildHarness } from './support/build-harness.ts';
import { compareVectors } from '../support/compare-vectors.ts';
import { disposeNodeReference, nodeReference } from './support/node-reference.ts';
import { DATA_DIR } from './support/serve.ts';

/** Browser and CLI must agree this closely (issue 3: within 1e-3). */
const TOLERANCE = 1e-3;

/** JPEG (12 MP iPhone, Display P3), small JPEGs, WebP, PNG, and an EXIF-rotated photo. */
const PHOTOS = [
  'photos/digikam-data__body-background.jpg',
  'photos/kphotoalbum__jesper_2.jpg',
  'photos/kphotoalbum__anne_helene.jpg',
  'photos/golang-golang-x-image-dev__yellow_rose.lossy.webp',
  'photos/python3-skimage__astronaut.png',
  'photos/exif/orient-6.jpg',
  'photos/derived/kphotoalbum__bar55.webp',
];
const BAD = readdirSync(`${DATA_DIR}bad`)
  .filter((f) => f !== 'README.md')
  .map((f) => `bad/${f}`);
const BIG = [
  'photos/mate-backgrounds__Elephants_5640x3172.jpg',
  'photos/lomiri-wallpapers-20.04__Kleiber_by_Lukas_Baubkus.jpg',
  'photos/lomiri-wallpapers-16.04__seeding_by_Clements_Engelhardt.jpg',
];

let harness: RunningHarness;

beforeAll(async () => {
  harness = await runHarness(await buildHarness({ name: 'analysis' }), { isolated: false });
}, 300_000);

afterAll(async () => {
  await harness?.close();
  await disposeNodeReference();
});

const analyse = (path: string) =>
  harness.page.evaluate((url) => window.harness.analyse(url), `/data/${path}`) as Promise<
    HarnessAnalysis | HarnessFailure
  >;

async function expectSameAsCli(path: string, browser: HarnessAnalysis | HarnessFailure): Promise<void> {
  const node = await nodeReference(path);
  if (!node.ok) {
    expect(browser, path).toMatchObject({ ok: false, name: 'AnalysisError', code: node.code });
    return;
  }
  if (!browser.ok) throw new Error(`${path}: ${browser.code}: ${browser.message}`);
  const { cosineDistance: cosine, maxAbsDiff: maxAbs } = compareVectors(
    browser.embedding,
    node.image.embedding,
  );
  expect(cosine, `${path} cosine distance`).toBeLessThan(TOLERANCE);
  expect(maxAbs, `${path} largest difference`).toBeLessThan(TOLERANCE);
  expect([browser.width, browser.height]).toEqual([node.image.width, node.image.height]);
  const { flags, hints, low_confidence, ...figures } = node.image.quality;
  expect(browser.quality).toMatchObject({ flags, hints, low_confidence });
  for (const [name, value] of Object.entries(figures)) {
    expect(browser.quality[name as keyof typeof figures], `${path} ${name}`).toBeCloseTo(value, 6);
  }
}

describe('analysis client in Chromium, WASM, one thread (not cross-origin isolated)', () => {
  it('falls back to WASM when Chromium offers no WebGPU adapter, with one thread', async () => {
    const info = await harness.page.evaluate(() => window.harness.info());
    expect(info).toMatchObject({
      id: 'mobilenet_v2-nsfwjs',
      dims: 1280,
      licence: 'MIT',
      backend: 'wasm',
      threads: 1,
      crossOriginIsolated: false,
    });
    expect(info.source).toContain('nsfwjs@');
  });

  it.each(PHOTOS)('%s: the same embedding, size and quality as the CLI', async (path) => {
    const result = await analyse(path);
    await expectSameAsCli(path, result);
    if (!result.ok) return;
    expect(result.modelId).toBe('mobilenet_v2-nsfwjs');
    expect(result.thumbnail).toMatchObject({ type: 'image/jpeg', width: 224, height: 224 });
    for (const ms of Object.values(result.timings)) expect(ms).toBeGreaterThanOrEqual(0);
    // Every photo's own decode is searched for faces, and the search is timed.
    expect(result.timings.faces_ms).toBeGreaterThan(0);
    const fractions = result.progress.map(([, f]) => f);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(result.progress.at(-1)).toEqual(['done', 1]);
  });

  it.each(BAD)('%s: the same outcome as the CLI, refusals as typed errors', async (path) => {
    const result = await analyse(path);
    await expectSameAsCli(path, result);
    if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
    expect(harness.errors).toEqual([]);
  });

  it('reports the capture check before the model embeds the photo, and refuses a bad file before any check', async () => {
    const good = await harness.page.evaluate(() =>
      window.harness.captureCheck('/data/photos/kphotoalbum__jesper_2.jpg'),
    );
    expect(good).toMatchObject({ ok: true, width: 800, height: 532, alignment: null });
    if (!good.ok) throw new Error(good.message);
    expect(good.events.indexOf('check')).toBeGreaterThan(good.events.indexOf('preparing'));
    expect(good.events.indexOf('check')).toBeLessThan(good.events.indexOf('embedding'));
    expect(good.events.at(-1)).toBe('done');
    const bad = await harness.page.evaluate(() => window.harness.captureCheck('/data/bad/text-renamed.jpg'));
    expect(bad).toMatchObject({ ok: false, name: 'AnalysisError', code: 'not_an_image' });
  });

  it('aborts a running and a queued call at once; the call between them still completes correctly', async () => {
    const afterMs = 300;
    const results = await harness.page.evaluate(
      ([urls, ms]) => window.harness.analyseAndAbort(urls, [0, 2], ms),
      [BIG.map((p) => `/data/${p}`), afterMs] as const,
    );
    for (const i of [0, 2]) {
      expect(results[i]).toMatchObject({
        ok: false,
        code: 'aborted',
        message: 'The analysis was cancelled.',
      });
      expect(results[i]?.wall_ms).toBeLessThan(afterMs + 250);
    }
    await expectSameAsCli(BIG[1]!, results[1]!);
  });

  it('dispose() ends the running call with aborted, and the client works again afterwards', async () => {
    for (const afterMs of [50, 600]) {
      const result = await harness.page.evaluate(([url, ms]) => window.harness.disposeDuring(url, ms), [
        `/data/${BIG[0]}`,
        afterMs,
      ] as const);
      expect(result, `disposed after ${afterMs} ms`).toMatchObject({ ok: false, code: 'aborted' });
      await expectSameAsCli(PHOTOS[1]!, await analyse(PHOTOS[1]!));
    }
  });

  it('keeps the UI thread free while a 18 MP photo is analysed', async () => {
    const gap = await harness.page.evaluate((url) => window.harness.longestFrameGap(url), `/data/${BIG[0]}`);
    expect(gap).toBeLessThan(200);
  });

  it('prepares photos handed over together on a pool of preprocess workers, one per core', async () => {
    const { page } = harness;
    await page.evaluate(() => window.harness.start());
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const photos = PHOTOS.slice(0, 4);
    const results = await page.evaluate(
      (urls) => window.harness.analyseAndAbort(urls, [], 0),
      photos.map((p) => `/data/${p}`),
    );
    // Every pool worker, the model worker and the faces worker ran (none idles out before 10 s).
    expect(page.workers()).toHaveLength(Math.min(MAX_PREPROCESS_WORKERS, cores, photos.length) + 2);
    for (const [i, path] of photos.entries()) await expectSameAsCli(path, results[i]!);
  });

  it('terminates idle workers and starts them again on the next call', async () => {
    const { page } = harness;
    // The preprocess worker idles while the model and the faces worker start and run, so it is given longer than
    // that takes: after an idle end both start again, and on two busy cores loading the model alone took 7 s
    // (measured on the harness page), more than the 4 s this test gave before, when its first check failed once.
    await page.evaluate(() =>
      window.harness.start({ idleMs: { preprocess: 15_000, embed: 500, faces: 500 } }),
    );
    await expect.poll(() => page.workers().length).toBe(0);
    const first = await analyse(PHOTOS[1]!);
    expect(first.ok).toBe(true);
    // The model and faces workers (500 ms) may already have ended while the other finished; the preprocess
    // worker (15 s) is still there.
    expect(page.workers().length).toBeGreaterThanOrEqual(1);
    await expect.poll(() => page.workers().length, { timeout: 3_000 }).toBe(1);
    await expect.poll(() => page.workers().length, { timeout: 20_000 }).toBe(0);
    await expectSameAsCli(PHOTOS[1]!, await analyse(PHOTOS[1]!));
    expect(harness.errors).toEqual([]);
  });
});
