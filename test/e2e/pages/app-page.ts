import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ROOT } from '../server.ts';

/** axe-core's browser build, injected into the page under test. */
const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');

/** One rule axe-core found broken, with the elements that break it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Where the screens are photographed for a person to look at (gitignored). */
export const SCREENS_DIR = join(ROOT, 'test/.out/screens');

/** What every screen's page object shares: going to a hash route and taking a screenshot. */
export class AppPage {
  constructor(readonly page: Page) {}

  /** Goes to a hash route of the app (e.g. `#/settings`) without reloading. */
  async go(hash: string): Promise<void> {
    await this.page.evaluate((h) => (location.hash = h), hash);
  }

  /**
   * Saves what the phone shows (`<name>.png`, 390×844) and, for a screen taller than the phone, the whole screen
   * (`<name>-full.png`; there the fixed tab bar appears where the first screenful ends).
   */
  async screenshot(name: string): Promise<void> {
    await mkdir(SCREENS_DIR, { recursive: true });
    await this.page.evaluate(() => window.scrollTo(0, 0));
    await this.page.screenshot({ path: join(SCREENS_DIR, `${name}.png`) });
    const tall = await this.page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight);
    if (tall) await this.page.screenshot({ path: join(SCREENS_DIR, `${name}-full.png`), fullPage: true });
  }

  /** Scrolls `part` to the top of the screen and saves what the phone shows then (`<name>.png`). */
  async screenshotAt(part: Locator, name: string): Promise<void> {
    await mkdir(SCREENS_DIR, { recursive: true });
    await part.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await this.page.screenshot({ path: join(SCREENS_DIR, `${name}.png`) });
  }

  /**
   * Runs axe-core (WCAG 2.0/2.1 A and AA rules and best practices) over the whole page as it is now.
   * @returns the violations; empty when none.
   */
  async axeViolations(): Promise<AxeViolation[]> {
    if (!(await this.page.evaluate(() => 'axe' in window))) await this.page.addScriptTag({ path: AXE });
    return this.page.evaluate(async () => {
      const axe = (
        window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<AxeResults> } }
      ).axe;
      interface AxeResults {
        violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
      }
      const results = await axe.run(document, { resultTypes: ['violations'] });
      return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => n.target.join(' ')),
      }));
    });
  }
}
