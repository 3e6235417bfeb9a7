import { AppPage } from './app-page.ts';

/** One angle's figures on the Results screen. */
export interface AngleFigures {
  change: number;
  quality: number;
  photos: number;
  similar: 'photo' | 'none';
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
