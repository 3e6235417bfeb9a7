import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ROOT } from '../server.ts';

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
}
