import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's Chromium: Playwright's own browser builds cannot be downloaded here. */
const CHROMIUM = process.env.BCD_CHROMIUM ?? '/usr/bin/chromium';

/** The phone the screens are designed for. */
export const PHONE = { width: 390, height: 844 };

/**
 * Launches headless Chromium quietly (no background network), with a fake camera for the capture screen.
 * @param fakeVideo an `.mjpeg` file (a JPEG renamed will do) the fake camera shows instead of its test pattern.
 * @param extraArgs more Chromium switches (e.g. `--disable-features=WebRtcHideLocalIpsWithMdns` for WebRTC tests).
 */
export function launchBrowser(fakeVideo?: string, extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      ...(fakeVideo ? [`--use-file-for-fake-video-capture=${fakeVideo}`] : []),
      ...extraArgs,
    ],
  });
}

/** A phone-sized context that may use the camera and download files. */
export function phoneContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({
    baseURL,
    viewport: PHONE,
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    acceptDownloads: true,
    permissions: ['camera'],
  });
}
