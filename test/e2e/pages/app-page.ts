import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
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

  /** Saves a screenshot of the whole screen, scrolled through, as `<name>.png`. */
  async screenshot(name: string, fullPage = true): Promise<string> {
    await mkdir(SCREENS_DIR, { recursive: true });
    const path = join(SCREENS_DIR, `${name}.png`);
    await this.page.screenshot({ path, fullPage });
    return path;
  }
}
