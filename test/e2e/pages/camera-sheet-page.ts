import { AppPage } from './app-page.ts';

/** What the capture overlay shows. */
export interface OverlayState {
  /** The stored image id of the reference drawn, or null when the framing guide is shown instead. */
  imageId: number | null;
  mode: string;
  opacity: number;
  framingGuide: boolean;
}

/** The photo just taken, as the sheet reviews it. */
export interface ReviewState {
  advice: string;
  source: string;
  hints: string[];
  flags: string[];
}

/** The camera sheet of the New session screen (open it with `NewSessionPage.openCamera`). */
export class CameraSheetPage extends AppPage {
  private get sheet() {
    return this.page.getByTestId('camera-sheet');
  }

  /** The angle the sheet photographs. */
  async angle(): Promise<string> {
    return (await this.sheet.getAttribute('data-angle')) ?? '';
  }

  /** Waits until the overlay is drawn (in `mode`), or until the framing guide shows when there is no reference. */
  async overlay(mode?: 'photo' | 'outline'): Promise<OverlayState> {
    await this.page.waitForFunction(
      (mode) => {
        const ghost = document.querySelector('[data-testid="ghost-overlay"]');
        if (ghost)
          return mode === undefined
            ? ghost.hasAttribute('data-mode')
            : ghost.getAttribute('data-mode') === mode;
        return document.querySelector('.camera-view svg') !== null;
      },
      mode,
      { timeout: 30_000 },
    );
    return this.sheet.evaluate((sheet) => {
      const ghost = sheet.querySelector('[data-testid="ghost-overlay"]') as HTMLCanvasElement | null;
      return {
        imageId: ghost ? Number(ghost.getAttribute('data-image-id')) : null,
        mode: ghost?.getAttribute('data-mode') ?? '',
        opacity: ghost ? Number(getComputedStyle(ghost).opacity) : 0,
        framingGuide: sheet.querySelector('.camera-view svg') !== null,
      };
    });
  }

  /**
   * Mean absolute difference (0–255, per channel) between the overlay's pixels and the photo at `bytes` drawn the
   * same size, upright; and the share of the overlay's pixels that are opaque.
   */
  async overlayAgainst(bytes: Buffer): Promise<{ meanDiff: number; opaqueShare: number }> {
    return this.page.evaluate(async (base64) => {
      const ghost = document.querySelector('[data-testid="ghost-overlay"]') as HTMLCanvasElement;
      const { width, height } = ghost;
      const shown = (ghost.getContext('2d') as CanvasRenderingContext2D).getImageData(
        0,
        0,
        width,
        height,
      ).data;
      const blob = new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))]);
      const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
      context.drawImage(bitmap, 0, 0, width, height);
      const expected = context.getImageData(0, 0, width, height).data;
      let diff = 0;
      let opaque = 0;
      for (let i = 0; i < shown.length; i += 4) {
        for (let c = 0; c < 3; c++) diff += Math.abs(shown[i + c]! - expected[i + c]!);
        if (shown[i + 3] === 255) opaque++;
      }
      return { meanDiff: diff / ((shown.length / 4) * 3), opaqueShare: opaque / (shown.length / 4) };
    }, bytes.toString('base64'));
  }

  /** The overlay's pixels in outline mode: share of opaque pixels, and whether every pixel is clear or opaque white. */
  async outlinePixels(): Promise<{ opaqueShare: number; onlyWhiteOrClear: boolean }> {
    return this.page.evaluate(() => {
      const ghost = document.querySelector('[data-testid="ghost-overlay"]') as HTMLCanvasElement;
      const data = (ghost.getContext('2d') as CanvasRenderingContext2D).getImageData(
        0,
        0,
        ghost.width,
        ghost.height,
      ).data;
      let opaque = 0;
      let clean = true;
      for (let i = 0; i < data.length; i += 4) {
        const white = data[i] === 255 && data[i + 1] === 255 && data[i + 2] === 255 && data[i + 3] === 255;
        if (white) opaque++;
        else if (data[i + 3] !== 0) clean = false;
      }
      return { opaqueShare: opaque / (data.length / 4), onlyWhiteOrClear: clean };
    });
  }

  /** Sets the overlay's opacity with the keyboard: Home, then `steps` presses of the right arrow (5 % each). */
  async opacityWithKeys(steps: number): Promise<number> {
    const slider = this.page.getByTestId('ghost-opacity');
    await slider.focus();
    await slider.press('Home');
    for (let i = 0; i < steps; i++) await slider.press('ArrowRight');
    return Number(await slider.inputValue());
  }

  /** Shows the reference as its photo or its outline. */
  async overlayMode(mode: 'photo' | 'outline'): Promise<void> {
    await this.page.getByTestId(`ghost-mode-${mode}`).check({ force: true });
  }

  /** Presses the shutter (without the timer) and waits until the photo's check is shown in the sheet. */
  async shoot(): Promise<ReviewState> {
    await this.page.getByRole('button', { name: 'Take the photo', exact: true }).click();
    return this.review();
  }

  /**
   * Waits for the review of the photo just taken to finish checking, and reads it.
   * @throws Error with the sheet's message when the photo was refused (e.g. the same photo twice).
   */
  async review(): Promise<ReviewState> {
    const review = this.page.getByTestId('capture-review');
    await this.page.waitForFunction(
      () => {
        const r = document.querySelector('[data-testid="capture-review"]');
        const refused = document.querySelector('[data-testid="capture-refused"]');
        return refused !== null || (r !== null && r.getAttribute('data-advice') !== 'checking');
      },
      undefined,
      { timeout: 120_000 },
    );
    const refused = this.page.getByTestId('capture-refused');
    if ((await refused.count()) > 0) throw new Error(await refused.innerText());
    return {
      advice: (await review.getAttribute('data-advice')) ?? '',
      source: (await this.sheet.getAttribute('data-capture-source')) ?? '',
      hints: await review.getByTestId('retake-hints').locator('li').allInnerTexts(),
      flags: await review
        .locator('[data-flag]')
        .evaluateAll((f) => f.map((x) => x.getAttribute('data-flag') ?? '')),
    };
  }

  /** Drops the photo just taken (Retake). */
  async retake(): Promise<void> {
    await this.page.getByTestId('capture-review').getByRole('button', { name: 'Retake' }).click();
    await this.page.getByTestId('capture-review').waitFor({ state: 'detached' });
  }

  /** Goes on from the review (next missing angle, or Done). */
  async next(): Promise<void> {
    await this.page
      .getByTestId('capture-review')
      .getByRole('button', { name: /^(Next: |Done)/ })
      .click();
  }
}
