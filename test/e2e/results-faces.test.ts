import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facesForChange } from '../../src/core/faces/change-faces.ts';
import type { FaceRegion } from '../../src/core/faces/change-faces.ts';
import { nodeFaceDetector } from '../../src/core/faces/detector.node.ts';
import { nodeDecoder } from '../../src/core/image/decode.node.ts';
import { analysisLargeEnough } from '../../src/core/pipeline/analysis-size.ts';
import { launchBrowser, phoneContext } from './browser.ts';
import { NewSessionPage } from './pages/new-session-page.ts';
import { ResultsPage } from './pages/results-page.ts';
import { ROOT, buildApp, startPreview, type Preview } from './server.ts';

const PHOTOS = join(import.meta.dirname, '../../../shared/data/photos');
/** A person at half length: the face (≈ 3 % of the frame; ≈ 10 % widened) is incidental, so it is left out. */
const FACE = 'python3-skimage__astronaut.png';
/** A head-and-shoulders close-up: its face (≈ 19 % of the frame) is what the photo shows, so it is measured. */
const CLOSE_UP = 'kphotoalbum__jesper_2.jpg';
/** Cut fruit, no face. */
const NO_FACE = 'opencv-doc__fruits.jpg';
/** Its own build, so a rebuild of the shared one by another suite offers this one no update mid-run. */
const OUT = join(ROOT, 'test/.out/dist-results-faces');

/** The faces the CLI finds in a photo for the change engine: Node's detector on the analysis's own decode. */
async function cliFaces(file: string): Promise<FaceRegion[]> {
  const decode = await nodeDecoder();
  const image = await decode(new Uint8Array(await readFile(join(PHOTOS, file))), {
    largeEnough: analysisLargeEnough({ width: 224, height: 224 }),
  });
  return facesForChange(await nodeFaceDetector(), image);
}

describe(
  'the Results screen names the faces found in a photo, in headless Chromium',
  { timeout: 900_000 },
  () => {
    let preview: Preview;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      await buildApp(OUT);
      preview = await startPreview(undefined, OUT);
      browser = await launchBrowser();
      page = await (await phoneContext(browser, preview.url)).newPage();
      page.on('pageerror', (err) => console.error('page error:', err));
    }, 600_000);

    afterAll(async () => {
      await browser?.close();
      await preview?.stop();
    });

    it('says under a half-length photo that its face is left out of the change measure, under a close-up that it is measured, and nothing under the fruit', async () => {
      await page.goto('/');
      const newSession = new NewSessionPage(page);
      await newSession.open();
      await newSession.addFiles('front', [join(PHOTOS, FACE)]);
      await newSession.addFiles('left_side', [join(PHOTOS, NO_FACE)]);
      await newSession.addFiles('right_side', [join(PHOTOS, CLOSE_UP)]);
      for (const angle of ['front', 'left_side', 'right_side']) {
        const slot = await newSession.state(angle);
        expect(slot.photos, `${angle}: ${slot.messages.join(' ')}`).toBe(1);
      }
      await newSession.analyse();
      const results = new ResultsPage(page);
      await results.screenshot('results-faces-00-screen');
      const notes = await results.faceNotes();
      expect(Object.keys(notes).sort()).toEqual(['front', 'right_side']);
      expect(notes['front']).toHaveLength(1);
      expect(notes['front']![0]!.leftOut).toBe(true);
      expect(notes['front']![0]!.text).toBe(
        'A face is in this photo: its area is left out of the change measure, as expressions change from one ' +
          'session to the next. It is blurred before the photo is shared, unless you chose to share faces unblurred.',
      );
      expect(notes['right_side']).toEqual([
        {
          leftOut: false,
          text:
            'A face is in this photo: it takes a large part of the photo, so the change measure includes it. It is ' +
            'blurred before the photo is shared, unless you chose to share faces unblurred.',
        },
      ]);
      await results.screenshotAt(page.getByTestId('angle-front'), 'results-faces-01-note');
      await results.screenshotAt(page.getByTestId('angle-right_side'), 'results-faces-02-close-up');
    });

    it('keeps the boxes on the image row, equal to those the CLI finds in the same photo', async () => {
      const rows = await page.evaluate(
        () =>
          new Promise<{ file_name: string; faces: unknown }[]>((resolve, reject) => {
            const open = indexedDB.open('bcd');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const all = open.result.transaction('images').objectStore('images').getAll();
              all.onsuccess = () => {
                open.result.close();
                resolve(all.result.map((r) => ({ file_name: r.file_name, faces: r.faces })));
              };
            };
          }),
      );
      const byName = Object.fromEntries(rows.map((r) => [r.file_name, r.faces]));
      expect(Object.keys(byName).sort()).toEqual([FACE, CLOSE_UP, NO_FACE].sort());
      const expected = await cliFaces(FACE);
      expect(expected).toHaveLength(1);
      expect(byName[FACE]).toEqual(expected);
      expect(byName[NO_FACE]).toEqual([]);
      const closeUp = await cliFaces(CLOSE_UP);
      expect(closeUp).toHaveLength(1);
      expect(byName[CLOSE_UP]).toEqual(closeUp);
      expect(await cliFaces(NO_FACE)).toEqual([]);
    });
  },
);
