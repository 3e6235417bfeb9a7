import { AppPage } from './app-page.ts';

/** What the bigger screen says about the photo that came from the phone. */
export interface ArrivedPhoto {
  /** sha256 the session draft computed of the file it holds. */
  draftSha256: string;
  /** sha256 the viewer computed of the bytes on arrival (and found equal to the phone's). */
  receivedSha256: string;
  width: number;
  height: number;
}

/** "Use a phone as camera" on the bigger screen. */
export class RemoteViewerPage extends AppPage {
  /** Opens the screen and waits for its pairing code; returns the code and the link for the phone. */
  async open(): Promise<{ code: string; link: string }> {
    await this.go('#/remote-camera');
    const card = this.page.getByTestId('pairing');
    await card.waitFor();
    return {
      code: (await card.getAttribute('data-code')) ?? '',
      link: (await card.getAttribute('data-link')) ?? '',
    };
  }

  /**
   * Waits until the phone's live picture plays with at least `frames` more decoded frames than it had when called
   * (a new `<video>` after a reconnection starts from 0).
   */
  async waitForLivePicture(frames = 10): Promise<{ width: number; height: number }> {
    await this.page.getByTestId('remote-video').waitFor();
    await this.page.waitForFunction(
      (frames) => {
        const video = document.querySelector('[data-testid="remote-video"]') as HTMLVideoElement | null;
        return !!video && video.videoWidth > 0 && video.getVideoPlaybackQuality().totalVideoFrames >= frames;
      },
      frames,
      { timeout: 60_000 },
    );
    return this.page
      .getByTestId('remote-video')
      .evaluate((v: HTMLVideoElement) => ({ width: v.videoWidth, height: v.videoHeight }));
  }

  /** Whether the live picture shows something other than one flat colour (sampled through a canvas). */
  async livePictureVaries(): Promise<boolean> {
    return this.page.getByTestId('remote-video').evaluate((v: HTMLVideoElement) => {
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 64;
      const context = canvas.getContext('2d')!;
      context.drawImage(v, 0, 0, 64, 64);
      const data = context.getImageData(0, 0, 64, 64).data;
      let min = 255;
      let max = 0;
      for (let i = 0; i < data.length; i += 4) {
        min = Math.min(min, data[i + 1]!);
        max = Math.max(max, data[i + 1]!);
      }
      return max - min > 30;
    });
  }

  /** Presses the shutter and waits for the photo to arrive in the draft; returns what the screen says of it. */
  async shoot(): Promise<ArrivedPhoto> {
    const shownBefore = this.page.getByTestId('remote-photo');
    const previous = (await shownBefore.count()) > 0 ? await shownBefore.getAttribute('data-sha256') : null;
    await this.page.getByRole('button', { name: 'Take the photo' }).click();
    await this.page.waitForFunction(
      (previous) => {
        const shown = document.querySelector('[data-testid="remote-photo"]');
        return !!shown && shown.getAttribute('data-sha256') !== previous;
      },
      previous,
      { timeout: 60_000 },
    );
    const shown = this.page.getByTestId('remote-photo');
    return {
      draftSha256: (await shown.getAttribute('data-sha256')) ?? '',
      receivedSha256: (await shown.getAttribute('data-received-sha256')) ?? '',
      width: Number(await shown.getAttribute('data-width')),
      height: Number(await shown.getAttribute('data-height')),
    };
  }

  /** Waits for the screen's state (`data-state` of the screen outside the live view). */
  async waitForState(state: string): Promise<void> {
    await this.page
      .locator(`[data-testid="remote-camera"][data-state="${state}"]`)
      .waitFor({ timeout: 60_000 });
  }
}

/** The phone's camera page (the link of the QR code). */
export class RemotePhonePage extends AppPage {
  private status() {
    return this.page.getByTestId('camera-status');
  }

  /** Opens the link and waits for the page to reach `state` (`live` by default). */
  async open(link: string, state = 'live'): Promise<void> {
    await this.page.goto(link);
    await this.waitForState(state);
  }

  async waitForState(state: string): Promise<void> {
    await this.page
      .locator(`[data-testid="camera-status"][data-state="${state}"]`)
      .waitFor({ timeout: 60_000 });
  }

  /** The sentence the page shows. */
  async statusText(): Promise<string> {
    return this.status().innerText();
  }

  /** The camera track's resolution as the phone reports it. */
  async trackSize(): Promise<{ width: number; height: number }> {
    return {
      width: Number(await this.status().getAttribute('data-track-width')),
      height: Number(await this.status().getAttribute('data-track-height')),
    };
  }

  /** sha256 of the last photo the phone sent ('' before the first). */
  async lastSentSha256(): Promise<string> {
    return (await this.status().getAttribute('data-last-sha256')) ?? '';
  }
}
