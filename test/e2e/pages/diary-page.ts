import type { Download } from 'playwright-core';
import { AppPage } from './app-page.ts';

/** The reminder on History as shown. */
export interface ShownReminder {
  due: string;
  overdue: boolean;
  text: string;
}

/** A session's date on its Results screen, its reminders on History and Settings, and the report chooser. */
export class DiaryPage extends AppPage {
  /**
   * Analyses the New session screen's draft and waits for its Results. A session dated before stored ones scores
   * the history again, and the machine's two cores are shared, so this waits longer than `NewSessionPage.analyse`.
   */
  async analyse(): Promise<string> {
    await this.page.getByTestId('analyse').click();
    const results = this.page.getByTestId('results');
    await results.waitFor({ timeout: 900_000 });
    return (await results.getAttribute('data-session-id')) ?? '';
  }

  /** The session's date (`taken_at`) as its Results screen holds it. */
  async sessionDate(): Promise<string> {
    return (await this.page.getByTestId('session-date').getAttribute('data-taken-at')) ?? '';
  }

  /** Changes the open Results screen's session date through its form and waits until it is saved. */
  async changeSessionDate(localDateTime: string): Promise<void> {
    await this.page.getByTestId('edit-session-date').click();
    await this.page.getByTestId('session-date-input').fill(localDateTime);
    await this.page.getByTestId('save-session-date').click();
    await this.page.getByTestId('session-date').waitFor({ timeout: 600_000 });
  }

  /** Picks a reminder cadence in Settings (null: off) and waits until Settings shows it. */
  async chooseCadence(weeks: number | null): Promise<void> {
    await this.go('#/settings');
    const choice = this.page.getByTestId(`cadence-${weeks ?? 'off'}`);
    await choice.check();
    await this.page.waitForFunction(
      (id) => document.querySelector<HTMLInputElement>(`[data-testid="${id}"]`)?.checked === true,
      `cadence-${weeks ?? 'off'}`,
    );
    await this.page.locator(`[data-testid="reminder-settings"][data-stored="${String(weeks)}"]`).waitFor();
  }

  /** History's reminder, or null when it shows none. */
  async reminder(): Promise<ShownReminder | null> {
    const card = this.page.getByTestId('reminder');
    await card.or(this.page.getByTestId('reminder-none')).waitFor({ state: 'attached' });
    if ((await card.count()) === 0) return null;
    return {
      due: (await card.getAttribute('data-due')) ?? '',
      overdue: (await card.getAttribute('data-overdue')) === 'true',
      text: await this.page.getByTestId('reminder-text').innerText(),
    };
  }

  /** Clicks "Add to calendar" and returns the downloaded calendar file's text. */
  async addToCalendar(): Promise<{ name: string; text: string }> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId('add-to-calendar').click();
    return { name: (await download).suggestedFilename(), text: await readDownload(await download) };
  }

  /** Opens the report chooser from History. */
  async openReport(): Promise<void> {
    await this.page.getByTestId('open-report').click();
    await this.page.getByTestId('report-screen').waitFor();
    await this.page.getByTestId('report-choice').first().waitFor();
  }

  /** Ticks exactly the sessions `ids` in the report chooser. */
  async chooseReportSessions(ids: readonly string[]): Promise<void> {
    for (const choice of await this.page.getByTestId('report-choice').all()) {
      const id = (await choice.getAttribute('data-session-id')) ?? '';
      await choice.locator('input').setChecked(ids.includes(id));
    }
  }

  /** Makes the report; returns the file the phone saved (no Web Share API in desktop Chromium) and the status. */
  async makeReport(): Promise<{ name: string; bytes: Uint8Array; status: string }> {
    const download = this.page.waitForEvent('download', { timeout: 300_000 });
    await this.page.getByTestId('make-report').click();
    const file = await download;
    const status = this.page.getByTestId('report-status');
    await status.waitFor({ timeout: 60_000 });
    return {
      name: file.suggestedFilename(),
      bytes: new Uint8Array(await readDownloadBytes(file)),
      status: await status.innerText(),
    };
  }
}

async function readDownloadBytes(download: Download): Promise<Buffer> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readDownload(download: Download): Promise<string> {
  return (await readDownloadBytes(download)).toString('utf8');
}
