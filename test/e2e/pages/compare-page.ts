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
