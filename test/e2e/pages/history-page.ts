import { AppPage } from './app-page.ts';

/** A session's sync state as shown: its kind (`data-sync`) and words. */
export interface ShownSyncState {
  kind: string;
  text: string;
}

/** The History screen. */
export class HistoryPage extends AppPage {
  async open(): Promise<void> {
    await this.go('#/history');
    await this.page.getByRole('heading', { name: 'History' }).waitFor();
    await this.page.getByText('Loading…').waitFor({ state: 'detached' });
  }

  /** Session ids, as listed (newest first). */
  async sessionIds(): Promise<string[]> {
    return this.page
      .getByTestId('session-item')
      .evaluateAll((items) => items.map((i) => i.getAttribute('data-session-id') ?? ''));
  }

  /** The list's text, which shows each session's date, level, scores and confidence. */
  async listText(): Promise<string> {
    return (await this.page.getByTestId('session-list').count()) > 0
      ? this.page.getByTestId('session-list').innerText()
      : '';
  }

  /** Whether the chart has drawn (uPlot's canvas is in place). */
  async chartDrawn(): Promise<boolean> {
    return (await this.page.locator('[data-testid="score-chart"] canvas').count()) > 0;
  }

  /** The storage-used line. */
  async storageText(): Promise<string> {
    return this.page.getByTestId('storage-used').innerText();
  }

  /** Sync states by session id (sessions that show none are left out). */
  async syncStates(): Promise<Record<string, ShownSyncState>> {
    return this.page.getByTestId('session-item').evaluateAll((items) =>
      Object.fromEntries(
        items.flatMap((item) => {
          const state = item.querySelector('[data-testid="sync-state"]');
          if (!state) return [];
          const shown = {
            kind: state.getAttribute('data-sync') ?? '',
            text: (state as HTMLElement).innerText,
          };
          return [[item.getAttribute('data-session-id') ?? '', shown]];
        }),
      ),
    );
  }
}
