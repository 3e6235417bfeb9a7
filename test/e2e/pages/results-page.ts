import { AppPage } from './app-page.ts';

/** One angle's figures on the Results screen. */
export interface AngleFigures {
  change: number;
  quality: number;
  photos: number;
  similar: 'photo' | 'none';
  /** `registered_local_change`, `angle_embedding`, or '' for an angle without a baseline. */
  changeMethod: string;
  /** The registration method (`ecc_homography`…, `failed`), or '' without a reference. */
  registration: string;
  changedArea: number;
  /** The change map's cells, comma-separated ('' without a map). */
  changeMap: string;
}

/** What an angle's compare views show. */
export interface CompareViewsState {
  mode: string;
  /** Cells the change map colours, or null when the map is not shown. */
  colouredCells: number | null;
  /** Canvases drawn (earlier photo and this session's). */
  canvases: number;
  legend: boolean;
}

/** Everything the Results screen shows, at full precision (from `data-value`). */
export interface ResultFigures {
  sessionId: string;
  structural: number;
  angleChange: number | null;
  confidence: number;
  version: string;
  level: string;
  baselineSessions: number;
  layers: string[];
  sessionQuality: number;
  angles: Record<string, AngleFigures>;
}

/** The Results screen. */
export class ResultsPage extends AppPage {
  async open(sessionId: string): Promise<void> {
    await this.go(`#/results/${encodeURIComponent(sessionId)}`);
    await this.page.locator(`[data-testid="results"][data-session-id="${sessionId}"]`).waitFor();
  }

  /** Per angle that has any, the face notes under its photos: their words and whether the faces were left out. */
  async faceNotes(): Promise<Record<string, { text: string; leftOut: boolean }[]>> {
    return this.page.evaluate(() => {
      const notes: Record<string, { text: string; leftOut: boolean }[]> = {};
      for (const note of document.querySelectorAll('[data-testid="face-note"]')) {
        const angle =
          note.closest('section[data-testid^="angle-"]')?.getAttribute('data-testid')?.slice(6) ?? '';
        (notes[angle] ??= []).push({
          text: note.textContent ?? '',
          leftOut: note.getAttribute('data-left-out') === 'true',
        });
      }
      return notes;
    });
  }

  /** Reads every indicator; waits until each angle's similar-photo search has finished. */
  async figures(): Promise<ResultFigures> {
    await this.page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid^="angle-"][data-testid]')]
        .filter((el) => el.tagName === 'SECTION')
        .every((el) => el.querySelector('[data-testid="similar-photo"],[data-testid="similar-none"]')),
    );
    return this.page.evaluate(() => {
      const q = (id: string, root: ParentNode = document) => root.querySelector(`[data-testid="${id}"]`);
      const num = (id: string, root?: ParentNode) => Number(q(id, root)?.getAttribute('data-value'));
      const angleValue = q('angle-change')?.getAttribute('data-value');
      const angles: Record<string, AngleFigures> = {};
      for (const section of document.querySelectorAll('section[data-testid^="angle-"]')) {
        const angle = (section.getAttribute('data-testid') ?? '').slice('angle-'.length);
        angles[angle] = {
          change: num('angle-change-score', section),
          quality: num('angle-quality', section),
          photos: section.querySelectorAll('[data-testid="result-photo"]').length,
          similar: q('similar-photo', section) ? 'photo' : 'none',
          changeMethod: section.getAttribute('data-change-method') ?? '',
          registration: section.getAttribute('data-registration') ?? '',
          changedArea: Number(section.getAttribute('data-changed-area')),
          changeMap: section.getAttribute('data-change-map') ?? '',
        };
      }
      return {
        sessionId: q('results')?.getAttribute('data-session-id') ?? '',
        structural: num('structural-change'),
        angleChange: angleValue ? Number(angleValue) : null,
        confidence: num('confidence'),
        version: q('analysis-version')?.getAttribute('data-value') ?? '',
        level: q('structural-change')?.querySelector('[data-level]')?.getAttribute('data-level') ?? '',
        baselineSessions: Number(q('baseline')?.getAttribute('data-sessions')),
        layers: (q('comparison-layers')?.getAttribute('data-layers') ?? '').split(',').filter(Boolean),
        sessionQuality: num('quality-summary'),
        angles,
      };
    });
  }

  /** Waits for an angle's compare views (its photos lined up in the worker) and scrolls them into view. */
  async waitCompareViews(angle: string): Promise<void> {
    const views = this.page.getByTestId(`angle-${angle}`).getByTestId('compare-views');
    await views.waitFor({ timeout: 60_000 });
    await views.scrollIntoViewIfNeeded();
  }

  /** The state of an angle's compare views. */
  async compareViews(angle: string): Promise<CompareViewsState> {
    return this.page
      .getByTestId(`angle-${angle}`)
      .getByTestId('compare-views')
      .evaluate((views) => {
        const map = views.querySelector('[data-testid="change-map"]');
        return {
          mode: views.getAttribute('data-mode') ?? '',
          colouredCells: map ? Number(map.getAttribute('data-coloured')) : null,
          canvases: views.querySelectorAll('canvas[data-testid^="pair-"]').length,
          legend: views.querySelector('[data-testid="change-legend"]') !== null,
        };
      });
  }

  /** Picks a compare mode of an angle: `side`, `slider` or `flicker`. */
  async compareMode(angle: string, mode: 'side' | 'slider' | 'flicker'): Promise<void> {
    await this.page.getByTestId(`angle-${angle}`).getByTestId(`compare-mode-${mode}`).check({ force: true });
  }

  /** Shows or hides an angle's change map. */
  async showChangeMap(angle: string, shown: boolean): Promise<void> {
    await this.page.getByTestId(`angle-${angle}`).getByTestId('map-toggle').setChecked(shown);
  }

  /** Moves an angle's slider with the keyboard (Home, then `steps` presses of the right arrow). */
  async slideWithKeys(angle: string, steps: number): Promise<number> {
    const slider = this.page.getByTestId(`angle-${angle}`).getByTestId('compare-slider');
    await slider.focus();
    await slider.press('Home');
    for (let i = 0; i < steps; i++) await slider.press('ArrowRight');
    return Number(await slider.inputValue());
  }

  /** Scrolls an angle's card to the top of the screen and photographs the phone's screen. */
  async screenshotAngle(angle: string, name: string): Promise<void> {
    await this.screenshotAt(this.page.getByTestId(`angle-${angle}`), name);
  }

  /** Flags the result as looking wrong and waits for the thank-you. */
  async flagResult(): Promise<void> {
    await this.page.getByTestId('flag-result').click();
    await this.page.getByTestId('flag-result-done').waitFor();
  }

  /** Flags the first photo of an angle as a bad photo and waits for the thank-you. */
  async flagPhoto(angle: string): Promise<void> {
    const section = this.page.getByTestId(`angle-${angle}`);
    await section.getByTestId('flag-photo').first().click();
    await section.getByTestId('flag-photo-done').first().waitFor();
  }

  /**
   * Waits until the screen shows the sync state `kind` (`local`, `waiting`, `synced`, `paused`); returns its words.
   */
  async waitSyncState(kind: string, timeout = 180_000): Promise<string> {
    const state = this.page.locator(
      `[data-testid="results"] [data-testid="sync-state"][data-sync="${kind}"]`,
    );
    await state.waitFor({ timeout });
    return state.innerText();
  }
}
