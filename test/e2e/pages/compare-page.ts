import { AppPage } from './app-page.ts';

/** The Compare screen's figures. */
export interface CompareFigures {
  overallDelta: number;
  stability: number;
  angleDeltas: Record<string, number>;
}

/** The Compare screen. */
export class ComparePage extends AppPage {
  async open(a: string, b: string): Promise<void> {
    await this.go(`#/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
    // The pickers show the new pair once the screen has taken the route: what is shown before is the old pair's.
    await this.page.waitForFunction(
      ([a, b]) => {
        const value = (id: string) =>
          document.querySelector<HTMLSelectElement>(`[data-testid="${id}"]`)?.value ?? null;
        return value('compare-a') === a && value('compare-b') === b;
      },
      [a, b] as const,
    );
    await this.page.getByTestId('comparison').waitFor();
  }

  async figures(): Promise<CompareFigures> {
    return this.page.evaluate(() => {
      const num = (el: Element | null) => Number(el?.getAttribute('data-value'));
      const angleDeltas: Record<string, number> = {};
      for (const section of document.querySelectorAll('section[data-testid^="compare-angle-"]')) {
        const angle = (section.getAttribute('data-testid') ?? '').slice('compare-angle-'.length);
        angleDeltas[angle] = num(section.querySelector('[data-testid="angle-delta"]'));
      }
      return {
        overallDelta: num(document.querySelector('[data-testid="overall-delta"]')),
        stability: num(document.querySelector('[data-testid="stability-index"]')),
        angleDeltas,
      };
    });
  }
}

/** The Compare screen's viewer as the person sees it. */
export interface ViewerState {
  angle: string;
  mode: string;
  /** Canvases of the pair shown (earlier and later photo). */
  canvases: number;
  /** Coloured cells of the change map shown, null when no map is shown. */
  colouredCells: number | null;
  mapNote: boolean;
  /** Where the change map stands: `stored`, `computing`, `computed` or `none` (empty before the pair shows). */
  map: string;
  /** The cells of the change map shown (row-major, as stored), null when no map is shown. */
  cells: number[] | null;
  /** What the change map's toggle says while the map is measured, null otherwise. */
  mapPending: string | null;
}

/** The Compare screen's viewer (one angle of the two sessions). */
export class ViewerPage extends AppPage {
  private get viewer() {
    return this.page.getByTestId('angle-viewer');
  }

  /** Waits until the viewer's pair is lined up and shown and its timelapse made (for `angle` when given). */
  async ready(angle?: string): Promise<void> {
    await this.page.waitForFunction(
      (angle) => {
        const viewer = document.querySelector('[data-testid="angle-viewer"]');
        return (
          viewer !== null &&
          (angle === undefined || viewer.getAttribute('data-angle') === angle) &&
          viewer.getAttribute('data-timelapse') !== 'loading' &&
          viewer.querySelector('[data-testid="compare-views"]') !== null
        );
      },
      angle,
      { timeout: 120_000 },
    );
  }

  /** Waits until the change map is shown or the viewer says why there is none (not while it is measured). */
  async mapSettled(): Promise<void> {
    await this.page.waitForFunction(
      () => {
        const status = document
          .querySelector('[data-testid="angle-viewer"] [data-map]')
          ?.getAttribute('data-map');
        return status !== undefined && status !== null && status !== 'computing';
      },
      undefined,
      { timeout: 120_000 },
    );
  }

  /**
   * Records, from now on, every state the viewer's change map passes through (with the toggle's words while it is
   * measured), however briefly each lasts; read them with `mapStatesSeen`.
   */
  async watchMapStates(): Promise<void> {
    await this.page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { mapStatesSeen: string[] }).mapStatesSeen = seen;
      const record = () => {
        const holder = document.querySelector('[data-testid="angle-viewer"] [data-map]');
        const status = holder?.getAttribute('data-map');
        if (!status) return;
        const pending = holder?.querySelector('[data-testid="map-pending"]')?.textContent;
        const entry = pending ? `${status}: ${pending}` : status;
        if (seen.at(-1) !== entry) seen.push(entry);
      };
      new MutationObserver(record).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
        attributeFilter: ['data-map'],
      });
      record();
    });
  }

  /** The change map's states recorded since `watchMapStates`, in order. */
  async mapStatesSeen(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { mapStatesSeen: string[] }).mapStatesSeen);
  }

  async pickAngle(angle: string): Promise<void> {
    await this.page.getByTestId('viewer-angle').selectOption(angle);
    await this.ready(angle);
  }

  async state(): Promise<ViewerState> {
    return this.viewer.evaluate((viewer) => {
      const views = viewer.querySelector('[data-testid="compare-views"]');
      const map = viewer.querySelector('[data-testid="change-map"]');
      return {
        angle: viewer.getAttribute('data-angle') ?? '',
        mode: views?.getAttribute('data-mode') ?? '',
        canvases: viewer.querySelectorAll('canvas[data-testid^="pair-"]').length,
        colouredCells: map ? Number(map.getAttribute('data-coloured')) : null,
        mapNote: viewer.querySelector('[data-testid="map-note"]') !== null,
        map: viewer.querySelector('[data-map]')?.getAttribute('data-map') ?? '',
        cells: map ? (map.getAttribute('data-cells') ?? '').split(',').map(Number) : null,
        mapPending: viewer.querySelector('[data-testid="map-pending"]')?.textContent ?? null,
      };
    });
  }

  /** The modes offered, in order. */
  async modes(): Promise<string[]> {
    return this.viewer
      .locator('[data-testid^="compare-mode-"]')
      .evaluateAll((inputs) =>
        inputs.map((i) => (i.getAttribute('data-testid') ?? '').replace('compare-mode-', '')),
      );
  }

  async mode(mode: 'side' | 'slider' | 'flicker' | 'timelapse'): Promise<void> {
    await this.viewer.getByTestId(`compare-mode-${mode}`).check({ force: true });
  }

  async showChangeMap(shown: boolean): Promise<void> {
    await this.viewer.getByTestId('map-toggle').setChecked(shown);
  }

  /** Moves the slider with the keyboard (Home, then `steps` presses of the right arrow). */
  async slideWithKeys(steps: number): Promise<number> {
    const slider = this.viewer.getByTestId('compare-slider');
    await slider.focus();
    await slider.press('Home');
    for (let i = 0; i < steps; i++) await slider.press('ArrowRight');
    return Number(await slider.inputValue());
  }

  /** Drags the slider's divider with one finger (real touch events) to `fraction` of the picture's width. */
  async dragWithTouch(fraction: number): Promise<number> {
    const stage = this.viewer.getByTestId('slider-stage');
    const box = await stage.boundingBox();
    if (!box) throw new Error('the slider is not shown');
    const y = box.y + box.height / 2;
    const cdp = await this.page.context().newCDPSession(this.page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: type === 'touchEnd' ? [] : [{ x, y, id: 1 }],
      });
    await touch('touchStart', box.x + box.width * 0.9);
    await touch('touchMove', box.x + (box.width * (fraction + 0.9)) / 2);
    await touch('touchMove', box.x + box.width * fraction);
    await touch('touchEnd', 0);
    await cdp.detach();
    return Number(await this.viewer.getByTestId('compare-slider').inputValue());
  }

  /** Presses Space on the moving picture (flicker or timelapse): starts or stops it. */
  async spaceOnPicture(): Promise<void> {
    const stage = this.viewer.locator('.key-stage');
    await stage.focus();
    await stage.press(' ');
  }

  /** Whether the flicker runs. */
  async flickering(): Promise<boolean> {
    return (await this.viewer.getByTestId('flicker-toggle').getAttribute('aria-pressed')) === 'true';
  }

  /** Which photo the flicker shows. */
  async flickerShowing(): Promise<string> {
    return this.viewer.getByTestId('flicker-showing').innerText();
  }

  /** The timelapse: its frame index, the session shown, and whether it plays. */
  async timelapse(): Promise<{ index: number; sessionId: string; playing: boolean; frames: number }> {
    const t = this.viewer.getByTestId('timelapse');
    return {
      index: Number(await t.getAttribute('data-index')),
      sessionId: (await t.getAttribute('data-session-id')) ?? '',
      playing: (await t.getByTestId('timelapse-play').getAttribute('aria-pressed')) === 'true',
      frames: Number(await t.getByTestId('timelapse-range').getAttribute('max')) + 1,
    };
  }

  /** Steps the timelapse with the keyboard: Home on its range, then `steps` presses of the right arrow. */
  async timelapseKeys(steps: number): Promise<void> {
    const range = this.viewer.getByTestId('timelapse-range');
    await range.focus();
    await range.press('Home');
    for (let i = 0; i < steps; i++) await range.press('ArrowRight');
  }

  /** Scrolls the viewer to the top of the screen and photographs the phone's screen. */
  async screenshotViewer(name: string): Promise<void> {
    await this.screenshotAt(this.viewer, name);
  }
}
