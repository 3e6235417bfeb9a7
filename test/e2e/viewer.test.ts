import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, phoneContext } from './browser.ts';
import { nodePairMaps, type NodePairMaps } from './node-pair-map.ts';
import { ComparePage, ViewerPage } from './pages/compare-page.ts';
import { NewSessionPage } from './pages/new-session-page.ts';
import { ROOT, buildApp, startPreview, type Preview } from './server.ts';

/** The repository's sample history: three sessions; the third's left side has a visible change. */
const HISTORY = join(ROOT, 'samples/history');
const DATES = readdirSync(HISTORY).sort();
const ANGLES = ['front', 'left_side'];
const CHANGED = 'left_side';

describe('the comparison viewer (headless Chromium, phone size)', { timeout: 900_000 }, () => {
  let preview: Preview;
  let browser: Browser;
  let page: Page;
  let node: NodePairMaps;
  const ids: string[] = [];

  beforeAll(async () => {
    await buildApp();
    // The core's maps in Node for the same photos: the app's must equal them cell for cell.
    node = await nodePairMaps(HISTORY, DATES, ANGLES);
    preview = await startPreview();
    browser = await launchBrowser();
    const context = await phoneContext(browser, preview.url);
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err));
    await page.goto('/');
    const newSession = new NewSessionPage(page);
    for (const date of DATES) {
      await newSession.open();
      for (const angle of ANGLES) await newSession.addFiles(angle, [join(HISTORY, date, `${angle}.jpg`)]);
      ids.push(await newSession.analyse());
    }
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await preview?.stop();
    await node?.dispose();
  });

  it('shows two sessions of an angle side by side, lined up, with the change map on top', async () => {
    const compare = new ComparePage(page);
    const viewer = new ViewerPage(page);
    await compare.open(ids[1] as string, ids[2] as string);
    await viewer.ready('front');
    await viewer.pickAngle(CHANGED);
    expect(await viewer.modes()).toEqual(['side', 'slider', 'flicker', 'timelapse']);
    await viewer.mapSettled();
    const side = await viewer.state();
    expect(side).toMatchObject({ angle: CHANGED, mode: 'side', canvases: 2, mapNote: false, map: 'stored' });
    expect(side.colouredCells).toBeGreaterThan(0);
    // The third session was measured against the second: the viewer shows the stored map, which is the core's map
    // of that pair computed in Node (`pairChangeMap`) and the map Node's scoring stored.
    expect(side.cells).toEqual(node.map(1, 2, CHANGED)?.cells);
    expect(side.cells).toEqual(node.stored(2, CHANGED)?.cells);
    await viewer.screenshotViewer('40-viewer-side-by-side');
    await viewer.showChangeMap(false);
    expect((await viewer.state()).colouredCells).toBeNull();
    await viewer.showChangeMap(true);
  });

  it('moves the slider by keyboard and by touch', async () => {
    const viewer = new ViewerPage(page);
    await viewer.mode('slider');
    expect(await viewer.slideWithKeys(30)).toBe(30);
    expect(await viewer.dragWithTouch(0.25)).toBeGreaterThanOrEqual(23);
    expect(await viewer.dragWithTouch(0.25)).toBeLessThanOrEqual(27);
    expect((await viewer.state()).canvases).toBe(2);
    await viewer.screenshotViewer('41-viewer-slider');
  });

  it('flickers, and Space stops and starts it', async () => {
    const viewer = new ViewerPage(page);
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await viewer.mode('flicker');
    expect(await viewer.flickering()).toBe(true);
    const first = await viewer.flickerShowing();
    await expect.poll(() => viewer.flickerShowing(), { timeout: 10_000 }).not.toBe(first);
    await viewer.spaceOnPicture();
    expect(await viewer.flickering()).toBe(false);
    await viewer.spaceOnPicture();
    expect(await viewer.flickering()).toBe(true);
    await viewer.spaceOnPicture();
    await viewer.screenshotViewer('42-viewer-flicker');
  });

  it('plays a timelapse of the angle over every session, oldest first, and steps through it', async () => {
    const viewer = new ViewerPage(page);
    await viewer.mode('timelapse');
    const start = await viewer.timelapse();
    expect(start).toMatchObject({ frames: 3, playing: true });
    // It moves on by itself while playing…
    await expect
      .poll(async () => (await viewer.timelapse()).index, { timeout: 10_000 })
      .not.toBe(start.index);
    await viewer.spaceOnPicture();
    expect((await viewer.timelapse()).playing).toBe(false);
    // …and steps through every session in order by keyboard.
    const seen: string[] = [];
    for (let step = 0; step < 3; step++) {
      await viewer.timelapseKeys(step);
      const frame = await viewer.timelapse();
      expect(frame.index).toBe(step);
      seen.push(frame.sessionId);
    }
    expect(seen).toEqual(ids);
    await viewer.screenshotViewer('43-viewer-timelapse');
  });

  it('with reduced motion, flicker and timelapse wait to be started', async () => {
    const viewer = new ViewerPage(page);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await viewer.mode('side');
    await viewer.mode('flicker');
    expect(await viewer.flickering()).toBe(false);
    await viewer.mode('timelapse');
    expect((await viewer.timelapse()).playing).toBe(false);
    await viewer.spaceOnPicture();
    expect((await viewer.timelapse()).playing).toBe(true);
    await page.emulateMedia({ reducedMotion: 'no-preference' });
  });

  it('compares any two sessions: the first with the third, measuring their change map on the device', async () => {
    const compare = new ComparePage(page);
    const viewer = new ViewerPage(page);
    await viewer.watchMapStates();
    await compare.open(ids[0] as string, ids[2] as string);
    await viewer.ready();
    await viewer.mapSettled();
    // The third session was not measured against the first: the toggle said it was measuring, then the map came.
    const measuring = 'computing: Change map: measuring the change between these two photos…';
    expect((await viewer.mapStatesSeen()).slice(-2)).toEqual([measuring, 'computed']);
    expect(await viewer.state()).toMatchObject({ map: 'computed', mapNote: false, mapPending: null });
    await viewer.pickAngle(CHANGED);
    await viewer.mapSettled();
    const shown = await viewer.state();
    expect(shown).toMatchObject({ mode: 'side', canvases: 2, mapNote: false, map: 'computed' });
    expect(shown.colouredCells).toBeGreaterThan(0);
    // Calibrated as the change engine calibrates the third session: the core's map of the pair, computed in Node.
    const core = node.map(0, 2, CHANGED);
    expect(shown.cells).toEqual(core?.cells);
    expect(shown.cells).not.toEqual(node.stored(2, CHANGED)?.cells);
    await viewer.showChangeMap(false);
    expect((await viewer.state()).colouredCells).toBeNull();
    await viewer.showChangeMap(true);
    expect((await viewer.state()).cells).toEqual(core?.cells);
    await viewer.screenshotViewer('44-viewer-any-pair-map');
  });
});
