import { AppPage } from './app-page.ts';

/** A slot's state as the person sees it. */
export interface SlotState {
  photos: number;
  checking: number;
  messages: string[];
}

/** The New session screen. */
export class NewSessionPage extends AppPage {
  async open(): Promise<void> {
    await this.go('#/new');
    await this.page.getByRole('heading', { name: 'New session' }).waitFor();
  }

  private slot(angle: string) {
    return this.page.getByTestId(`slot-${angle}`);
  }

  /** Gives files to an angle's file input and waits until each is either checked or refused. */
  async addFiles(angle: string, paths: string[]): Promise<void> {
    const before = await this.state(angle);
    await this.page.getByTestId(`file-input-${angle}`).setInputFiles(paths);
    await this.waitSettled(angle, before.photos + before.messages.length + paths.length);
  }

  /** Waits until no photo of the slot is being checked and it holds `expected` photos and messages together. */
  private async waitSettled(angle: string, expected: number): Promise<void> {
    await this.page.waitForFunction(
      ({ angle, expected }) => {
        const slot = document.querySelector(`[data-testid="slot-${angle}"]`);
        if (!slot) return false;
        const photos = slot.querySelectorAll('[data-testid="slot-photo"]').length;
        const checking = slot.querySelectorAll('[data-testid="checking"]').length;
        const messages = slot.querySelectorAll('[data-testid="slot-message"]').length;
        return checking === 0 && photos + messages >= expected;
      },
      { angle, expected },
      { timeout: 120_000 },
    );
  }

  /** Photos, pending checks and refusal messages of a slot. */
  async state(angle: string): Promise<SlotState> {
    const slot = this.slot(angle);
    return {
      photos: await slot.getByTestId('slot-photo').count(),
      checking: await slot.getByTestId('checking').count(),
      messages: await slot.getByTestId('slot-message').allInnerTexts(),
    };
  }

  /** The quality flags shown for the slot's photos, in order. */
  async flags(angle: string): Promise<string[][]> {
    return this.slot(angle)
      .getByTestId('slot-photo')
      .evaluateAll((photos) =>
        photos.map((p) =>
          [...p.querySelectorAll('[data-flag]')].map((f) => f.getAttribute('data-flag') ?? ''),
        ),
      );
  }

  /** The retake hints shown for the slot's photos, in order. */
  async hints(angle: string): Promise<string[][]> {
    return this.slot(angle)
      .getByTestId('slot-photo')
      .evaluateAll((photos) =>
        photos.map((p) =>
          [...p.querySelectorAll('[data-testid="retake-hints"] li')].map((li) => li.textContent ?? ''),
        ),
      );
  }

  /**
   * Per photo of a slot: how it lined up with the angle's latest earlier photo (`data-alignment`: a registration
   * method, `failed`, or `none` without an earlier photo) and the hint shown ('' for none).
   */
  async alignment(angle: string): Promise<{ method: string; hint: string }[]> {
    return this.slot(angle)
      .getByTestId('slot-photo')
      .evaluateAll((photos) =>
        photos.map((p) => ({
          method: p.getAttribute('data-alignment') ?? '',
          hint: (p.querySelector('[data-testid="alignment-hint"]') as HTMLElement | null)?.innerText ?? '',
        })),
      );
  }

  /** Removes every photo from a slot. */
  async clear(angle: string): Promise<void> {
    const remove = this.slot(angle).getByRole('button', { name: /Remove this photo/ });
    while ((await remove.count()) > 0) await remove.first().click();
  }

  /** Dismisses every refusal message of a slot. */
  async dismissMessages(angle: string): Promise<void> {
    const ok = this.slot(angle).getByRole('button', { name: 'Dismiss this message' });
    while ((await ok.count()) > 0) await ok.first().click();
  }

  /** Opens the camera for an angle and waits for its live picture. */
  async openCamera(angle: string): Promise<void> {
    await this.slot(angle).getByRole('button', { name: 'Take photo' }).click();
    await this.page.waitForFunction(
      () => (document.querySelector('.camera video') as HTMLVideoElement | null)?.videoWidth,
    );
  }

  /** Presses the shutter, waits until the photo is checked in its slot (or refused), and closes the camera. */
  async shoot(angle: string): Promise<void> {
    const before = await this.state(angle);
    await this.page.getByRole('button', { name: 'Take the photo' }).click();
    await this.waitSettled(angle, before.photos + before.messages.length + 1);
    await this.closeCamera();
  }

  /** Closes the camera sheet. */
  async closeCamera(): Promise<void> {
    await this.page.getByTestId('camera-sheet').getByRole('button', { name: 'Close' }).click();
    await this.page.getByTestId('camera-sheet').waitFor({ state: 'detached' });
  }

  /** The camera sheet's angle checklist: each angle's status (`missing`, `checking`, `done`, `retake`). */
  async checklist(): Promise<Record<string, string>> {
    return this.page
      .getByTestId('angle-checklist')
      .evaluate((list) =>
        Object.fromEntries(
          [...list.querySelectorAll('[data-status]')].map((b) => [
            (b.getAttribute('data-testid') ?? '').replace('checklist-', ''),
            b.getAttribute('data-status') ?? '',
          ]),
        ),
      );
  }

  /** Presses Analyse and waits for the Results screen; returns the new session's id. */
  async analyse(): Promise<string> {
    await this.page.getByTestId('analyse').click();
    const results = this.page.getByTestId('results');
    await results.waitFor({ timeout: 300_000 });
    return (await results.getAttribute('data-session-id')) ?? '';
  }
}
