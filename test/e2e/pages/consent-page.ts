import type { ConsentScope } from '../../../src/sync/contract.ts';
import { AppPage } from './app-page.ts';

/** The consent screen. */
export class ConsentPage extends AppPage {
  async waitOpen(): Promise<void> {
    await this.page.getByTestId('consent-agree').waitFor();
  }

  /** Everything the screen says. */
  async text(): Promise<string> {
    return this.page.getByTestId('consent').innerText();
  }

  /** The consent-text version the screen shows. */
  async version(): Promise<string> {
    return (
      ((await this.page.getByTestId('consent-version').innerText()).match(/version (\S+?)\.?$/) ?? [])[1] ??
      ''
    );
  }

  /** Ticks exactly `scopes` (the required one stays ticked), agrees, and waits for Settings. */
  async agree(scopes: readonly ConsentScope[]): Promise<void> {
    for (const box of await this.page.locator('[data-testid^="scope-"]').all()) {
      const scope = ((await box.getAttribute('data-testid')) ?? '').slice('scope-'.length) as ConsentScope;
      if ((await box.getAttribute('aria-disabled')) === 'true') continue;
      await box.setChecked(scopes.includes(scope));
    }
    await this.page.getByTestId('consent-agree').click();
    await this.page.getByTestId('sharing').waitFor();
  }
}
