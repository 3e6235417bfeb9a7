import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, phoneContext } from './browser.ts';
import { NewSessionPage } from './pages/new-session-page.ts';
import { RemotePhonePage, RemoteViewerPage } from './pages/remote-camera-page.ts';
import { buildApp, freePort } from './server.ts';
import { startSyncServer, type SyncServer } from './sync-server.ts';

/**
 * Chromium hides host candidates behind random `.local` mDNS names unless told otherwise; with no STUN server and no
 * mDNS resolution in the test machine, loopback host candidates are the only path between the two contexts.
 */
const WEBRTC_ARGS = ['--disable-features=WebRtcHideLocalIpsWithMdns'];

/**
 * Phone as camera in headless Chromium: two browser contexts (the bigger screen and the phone, fake camera) against
 * the real sync server's relay on loopback, no STUN. Pairing by the link of the QR code, the live picture on the
 * viewer, a full-resolution photo arriving in the viewer's session draft with its sha256 intact, the used code
 * refused to a third device, and the phone's page reloading and coming back with its token.
 */
describe('phone as camera (two Chromium contexts, loopback WebRTC)', { timeout: 600_000 }, () => {
  let dataDir: string;
  let server: SyncServer;
  let browser: Browser;
  let viewerContext: BrowserContext;
  let phoneContextA: BrowserContext;
  let viewerPage: Page;
  let viewer: RemoteViewerPage;
  let phone: RemotePhonePage;
  let link = '';

  beforeAll(async () => {
    await buildApp();
    dataDir = await mkdtemp(join(tmpdir(), 'bcd-remote-camera-e2e-'));
    server = await startSyncServer(await freePort(), dataDir);
    browser = await launchBrowser(undefined, WEBRTC_ARGS);
    viewerContext = await phoneContext(browser, server.url);
    phoneContextA = await phoneContext(browser, server.url);
    viewerPage = await viewerContext.newPage();
    await viewerPage.goto(server.url);
    viewer = new RemoteViewerPage(viewerPage);
    phone = new RemotePhonePage(await phoneContextA.newPage());
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('pairs by the link of the QR code and shows the phone’s live picture', async () => {
    const pairing = await viewer.open();
    link = pairing.link;
    expect(pairing.code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$/);
    expect(link).toBe(`${server.url}#/camera/${pairing.code}`);
    await viewer.screenshot('remote-camera-pairing');

    await phone.open(link);
    const size = await viewer.waitForLivePicture();
    expect(size.width).toBeGreaterThan(0);
    expect(await viewer.livePictureVaries()).toBe(true);
    await viewer.screenshot('remote-camera-live');
    await phone.screenshot('remote-camera-phone');
  });

  it('takes a full-resolution photo on the phone and puts it, intact, into the viewer’s draft', async () => {
    const track = await phone.trackSize();
    const photo = await viewer.shoot();
    // The draft hashed the file it holds; the viewer hashed the bytes as they arrived; the phone hashed what it sent.
    expect(photo.draftSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(photo.receivedSha256).toBe(photo.draftSha256);
    expect(await phone.lastSentSha256()).toBe(photo.draftSha256);
    // Full resolution: the camera track's own size, not the (possibly scaled) video the viewer receives.
    expect({ width: photo.width, height: photo.height }).toEqual(track);
    await viewer.screenshot('remote-camera-photo');
  });

  it('refuses the used code to a third device', async () => {
    const thirdContext = await phoneContext(browser, server.url);
    const third = new RemotePhonePage(await thirdContext.newPage());
    await third.open(link, 'ended');
    expect(await third.statusText()).toMatch(/^This code was used already by another phone\./);
    await thirdContext.close();
    // The pair is untouched.
    await viewer.waitForLivePicture();
  });

  it('comes back after the phone’s page reloads (its token, not the spent code), and takes photos again', async () => {
    await phone.page.reload();
    await phone.waitForState('live');
    await viewer.waitForLivePicture();
    const photo = await viewer.shoot();
    expect(photo.receivedSha256).toBe(photo.draftSha256);
    expect(await phone.lastSentSha256()).toBe(photo.draftSha256);
  });

  it('leaves both photos in the new session’s Front slot', async () => {
    await viewerPage.getByRole('button', { name: 'Done' }).click();
    const session = new NewSessionPage(viewerPage);
    await viewerPage.getByRole('heading', { name: 'New session' }).waitFor();
    await viewerPage.waitForFunction(
      () => document.querySelectorAll('[data-testid="slot-front"] [data-testid="checking"]').length === 0,
    );
    expect((await session.state('front')).photos).toBe(2);
    // Leaving the screen closed the link: the phone says so.
    await phone.waitForState('ended');
    expect(await phone.statusText()).toBe('The bigger screen closed the link. You can close this page.');
  });

  it('says plainly on both sides when the two cannot reach each other', async () => {
    // A network that keeps devices apart: the phone's WebRTC finds no candidate it may use (relay only, no relay).
    const isolated = await phoneContext(browser, server.url);
    await isolated.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      window.RTCPeerConnection = class extends Native {
        constructor(configuration?: RTCConfiguration) {
          super({ ...configuration, iceTransportPolicy: 'relay' });
        }
      };
    });
    const { link } = await viewer.open();
    const apart = new RemotePhonePage(await isolated.newPage());
    await apart.open(link, 'connecting');
    const failed = viewerPage.getByTestId('remote-failed');
    await failed.waitFor({ timeout: 60_000 });
    expect(await failed.innerText()).toMatch(
      /^This screen and the phone cannot reach each other\. Both need to be on the same Wi-Fi network/,
    );
    await apart.waitForState('ended');
    expect(await apart.statusText()).toMatch(/^This phone and the bigger screen cannot reach each other\./);
    await viewer.screenshot('remote-camera-cannot-connect');
    await apart.screenshot('remote-camera-phone-cannot-connect');
    await isolated.close();
  });
});
