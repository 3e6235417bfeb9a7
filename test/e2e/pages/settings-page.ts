import { AppPage } from './app-page.ts';

/** What the sharing section says about sync. */
export interface SharingFigures {
  sharing: string;
  synced: number;
  queued: number;
  engine: string;
  participant: string;
}

/** The Settings screen. */
export class SettingsPage extends AppPage {
  async open(): Promise<void> {
    await this.go('#/settings');
    await this.page.getByRole('heading', { name: 'Settings' }).waitFor();
  }

  /** The model and backend the page reports (waits for the model to start). */
  async model(): Promise<{ id: string; backend: string; threads: number }> {
    const facts = this.page.getByTestId('model-facts');
    await facts.waitFor({ timeout: 120_000 });
    return {
      id: await this.page.getByTestId('model-id').innerText(),
      backend: (await facts.getAttribute('data-backend')) ?? '',
      threads: Number(await facts.getAttribute('data-threads')),
    };
  }

  private async status(): Promise<string> {
    const status = this.page.getByTestId('data-status');
    await status.waitFor({ timeout: 120_000 });
    const text = await status.locator('div').first().innerText();
    await status.getByRole('button', { name: 'Dismiss this message' }).click();
    return text;
  }

  /** Exports all data and saves the downloaded file at `path`; returns the status message. */
  async exportTo(path: string): Promise<string> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId('export').click();
    await (await download).saveAs(path);
    return this.status();
  }

  /** Deletes all local data (with its confirmation); returns the status message. */
  async deleteAll(): Promise<string> {
    await this.page.getByTestId('delete-all').click();
    await this.page.getByTestId('confirm-delete-all').click();
    return this.status();
  }

  /** Imports an export file (confirming the replacement when data exists); returns the status message. */
  async importFrom(path: string): Promise<string> {
    await this.page.getByTestId('import-input').setInputFiles(path);
    const confirm = this.page.getByTestId('confirm-import');
    if (await confirm.isVisible().catch(() => false)) await confirm.click();
    return this.status();
  }

  /** Analyses the photos of another model again; returns the status message. */
  async reanalyse(): Promise<string> {
    await this.page.getByTestId('reanalyse-start').click();
    const status = this.page.getByTestId('reanalyse-status');
    await status.waitFor({ timeout: 300_000 });
    return status.locator('div').first().innerText();
  }

  /** The sharing section's state (consent given: sync counts, engine state, participant). */
  async sharing(): Promise<SharingFigures> {
    // The counts carry their figures only once the sync records are read: before, 0 would be a guess.
    await this.page.locator('[data-testid="sync-counts"][data-queued]').waitFor();
    const counts = this.page.getByTestId('sync-counts');
    return {
      sharing: await this.page.getByTestId('sharing-state').innerText(),
      synced: Number(await counts.getAttribute('data-synced')),
      queued: Number(await counts.getAttribute('data-queued')),
      engine: (await this.page.getByTestId('sync-engine').getAttribute('data-state')) ?? '',
      participant: (await this.page.getByTestId('participant').getAttribute('data-participant')) ?? '',
    };
  }

  /** Waits until `synced` sessions are synced and the engine is idle. */
  async waitSynced(synced: number, timeout = 180_000): Promise<void> {
    await this.page.waitForFunction(
      (n) =>
        document.querySelector('[data-testid="sync-counts"]')?.getAttribute('data-synced') === String(n) &&
        document.querySelector('[data-testid="sync-engine"]')?.getAttribute('data-state') === 'idle',
      synced,
      { timeout },
    );
  }

  /** Opens the consent screen from Settings. */
  async openConsent(): Promise<void> {
    await this.page.getByTestId('open-consent').click();
    await this.page.getByTestId('consent-agree').waitFor();
  }

  /** Withdraws (with its confirmation) and returns the counts the server deleted, as shown. */
  async withdraw(): Promise<Record<string, number>> {
    await this.page.getByTestId('withdraw').click();
    await this.page.getByTestId('confirm-withdraw').click();
    const counts = this.page.getByTestId('withdrawal-counts');
    await counts.waitFor({ timeout: 60_000 });
    return JSON.parse((await counts.getAttribute('data-counts')) ?? '{}') as Record<string, number>;
  }
}
