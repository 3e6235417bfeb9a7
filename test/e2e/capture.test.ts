import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ANGLES } from '../../src/core/config.ts';
import { launchBrowser, phoneContext } from './browser.ts';
import { CameraSheetPage } from './pages/camera-sheet-page.ts';
import { NewSessionPage } from './pages/new-session-page.ts';
import { ROOT, buildApp, startPreview, type Preview } from './server.ts';

/** The first sample session's front photo: the first session's photo, and what the fake camera films. */
const FRONT = join(ROOT, 'samples/history/2026-01-05/front.jpg');
/** A photo of something else, to show the overlay is not just any picture. */
const UNRELATED = join(ROOT, '../shared/data/photos/opencv-doc__fruits.jpg');
const BAD = join(ROOT, '../shared/data/bad');

/** Records what the page asks the speech synthesiser to say (headless Chromium has no voice to hear). */
async function recordSpeech(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const spoken: string[] = [];
    (window as unknown as { spoken: string[] }).spoken = spoken;
    const speak = speechSynthesis.speak.bind(speechSynthesis);
    speechSynthesis.speak = (u: SpeechSynthesisUtterance) => {
      spoken.push(u.text);
      speak(u);
    };
  });
}

describe(
  'capture: overlay, checklist and retake in the camera sheet (headless Chromium)',
  { timeout: 600_000 },
  () => {
    let preview: Preview;
    let work: string;
    let browser: Browser;
    let darkBrowser: Browser;
    let page: Page;

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'bcd-e2e-capture-'));
      // Chromium's fake camera films an MJPEG file; one JPEG renamed is a one-frame loop.
      await copyFile(FRONT, join(work, 'front.mjpeg'));
      await copyFile(join(BAD, 'dark.jpg'), join(work, 'dark.mjpeg'));
      await buildApp();
      preview = await startPreview();
      browser = await launchBrowser(join(work, 'front.mjpeg'));
      darkBrowser = await launchBrowser(join(work, 'dark.mjpeg'));
      const context = await phoneContext(browser, preview.url);
      await recordSpeech(context);
      page = await context.newPage();
      page.on('pageerror', (err) => console.error('page error:', err));
      await page.goto('/');
    }, 600_000);

    afterAll(async () => {
      await browser?.close();
      await darkBrowser?.close();
      await preview?.stop();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it('first session: the framing guide, a photo checked while the sheet stays open, and Retake', async () => {
      const newSession = new NewSessionPage(page);
      const camera = new CameraSheetPage(page);
      await newSession.open();
      await newSession.openCamera('front');
      expect(await camera.overlay()).toMatchObject({ imageId: null, framingGuide: true });
      expect(await newSession.checklist()).toEqual(
        Object.fromEntries(DEFAULT_ANGLES.map((a) => [a, 'missing'])),
      );

      const review = await camera.shoot();
      // A still at the camera's own resolution (ImageCapture), checked as good: sharp, lit, nothing to line up with.
      expect(review).toMatchObject({ advice: 'good', source: 'still', hints: [], flags: [] });
      expect((await newSession.checklist()).front).toBe('done');
      await camera.retake();
      expect((await newSession.checklist()).front).toBe('missing');
      await newSession.closeCamera();
      expect((await newSession.state('front')).photos).toBe(0);

      await newSession.addFiles('front', [FRONT]);
      await newSession.analyse();
    });

    it("second session: the first session's photo over the live picture, its opacity and its outline", async () => {
      const newSession = new NewSessionPage(page);
      const camera = new CameraSheetPage(page);
      await newSession.open();
      await newSession.openCamera('front');
      const overlay = await camera.overlay('photo');
      expect(overlay).toMatchObject({ mode: 'photo', opacity: 0.4, framingGuide: false });
      expect(overlay.imageId).toBeGreaterThan(0);
      // The pixels drawn are the first session's photo (same decode, same size), not some other picture.
      const same = await camera.overlayAgainst(await readFile(FRONT));
      expect(same).toEqual({ meanDiff: expect.any(Number), opaqueShare: 1 });
      expect(same.meanDiff).toBeLessThan(1);
      expect((await camera.overlayAgainst(await readFile(UNRELATED))).meanDiff).toBeGreaterThan(20);

      expect(await camera.opacityWithKeys(6)).toBe(30);
      expect((await camera.overlay('photo')).opacity).toBeCloseTo(0.3, 5);
      await camera.screenshot('30-capture-overlay-photo');

      await camera.overlayMode('outline');
      expect((await camera.overlay('outline')).mode).toBe('outline');
      const outline = await camera.outlinePixels();
      expect(outline.onlyWhiteOrClear).toBe(true);
      expect(outline.opaqueShare).toBeGreaterThan(0.03);
      expect(outline.opaqueShare).toBeLessThan(0.2);
      await camera.opacityWithKeys(16);
      await camera.screenshot('31-capture-overlay-outline');

      // The camera films the same photo, so the new one lines up with the reference and passes its check.
      const review = await camera.shoot();
      expect(review).toMatchObject({ advice: 'good', source: 'still' });
      await camera.screenshot('32-capture-review-good');
      expect((await newSession.checklist()).front).toBe('done');
      await camera.next();
      expect(await camera.angle()).toBe('front_arms_raised');
      // An angle without an earlier session gets the framing guide.
      expect(await camera.overlay()).toMatchObject({ imageId: null, framingGuide: true });
      await newSession.closeCamera();
    });

    it('the self-timer speaks its countdown, then takes the photo', async () => {
      const newSession = new NewSessionPage(page);
      const camera = new CameraSheetPage(page);
      // The fake camera films one still frame: the photo kept in the last test would come out byte for byte again.
      await newSession.clear('front');
      await newSession.openCamera('left_side');
      await page.evaluate(() => ((window as unknown as { spoken: string[] }).spoken.length = 0));
      await page.getByRole('button', { name: 'Timer: off' }).click();
      await page.getByRole('button', { name: 'Take the photo in 10 seconds' }).click();
      await page.getByTestId('countdown').waitFor();
      expect((await camera.review()).advice).toBe('good');
      expect(await page.evaluate(() => (window as unknown as { spoken: string[] }).spoken)).toEqual([
        '10',
        '9',
        '8',
        '7',
        '6',
        '5',
        '4',
        '3',
        '2',
        '1',
      ]);
      await newSession.closeCamera();
    });

    it('a dark photo is advised to be retaken while the sheet is open; the checklist shows every angle', async () => {
      const context = await phoneContext(darkBrowser, preview.url);
      const dark = await context.newPage();
      await dark.goto('/');
      const newSession = new NewSessionPage(dark);
      const camera = new CameraSheetPage(dark);
      await newSession.open();
      await newSession.addFiles('left_side', [join(BAD, 'blurry.jpg')]);
      await newSession.addFiles('right_side', [FRONT]);
      await newSession.openCamera('front');
      const review = await camera.shoot();
      expect(review.advice).toBe('retake');
      expect(review.flags).toContain('too_dark');
      expect(review.hints.join(' ')).toMatch(/more light/);
      expect(await newSession.checklist()).toEqual({
        front: 'retake',
        front_arms_raised: 'missing',
        left_oblique: 'missing',
        left_side: 'retake',
        right_oblique: 'missing',
        right_side: 'done',
      });
      await camera.screenshot('33-capture-checklist-retake');
      await camera.retake();
      expect((await newSession.checklist()).front).toBe('missing');
      await newSession.closeCamera();
      await context.close();
    });
  },
);
