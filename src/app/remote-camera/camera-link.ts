import { CLOSE, type ServerMessage } from '../../signaling/protocol.ts';
import { capturePhoto } from '../camera/capture.ts';
import { cannotConnectText, closeText } from '../text/remote-camera.ts';
import type { PhotoHeader } from './channel-protocol.ts';
import { PeerLink } from './peer.ts';
import { PhotoReceiver, sendMessage, sendPhoto } from './photo-transfer.ts';
import { SignalingSocket, isDrop, type Introduction } from './signaling.ts';

/** Waits between tries to reach the relay again after a drop: 1, 2, 4, 8 s, then every 8 s. */
const RETRY_MS = [1000, 2000, 4000, 8000];
const MIME_TYPES: readonly PhotoHeader['mime'][] = ['image/jpeg', 'image/png', 'image/webp'];

/** Where the phone's link to the bigger screen stands. */
export type CameraStatus =
  | { state: 'joining' }
  /** In the room; the bigger screen is away (it reloaded or dropped) and may come back. */
  | { state: 'waiting' }
  | { state: 'connecting' }
  | { state: 'live'; photosSent: number; lastSha256: string | null }
  | { state: 'reconnecting' }
  | { state: 'ended'; message: string };

/** Where the camera page keeps its reconnection token for `code`, so a reload rejoins instead of reusing the code. */
function tokenKey(code: string): string {
  return `bcd-remote-camera:${code}`;
}

/**
 * The phone's side of "phone as camera": joins the room of `code` (or, after a reload, rejoins with the token kept
 * in `sessionStorage`), offers `stream`'s video to the viewer, and answers each `take` request with a
 * full-resolution photo (`capturePhoto`: ImageCapture's still where the browser has it, else the video frame at the
 * track's resolution) over the data channel.
 */
export class CameraLink {
  private socket: SignalingSocket | null = null;
  private peer: PeerLink | null = null;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private photosSent = 0;
  private lastSha256: string | null = null;
  private state: CameraStatus['state'] = 'joining';

  constructor(
    private readonly code: string,
    private readonly stream: MediaStream,
    private readonly video: HTMLVideoElement,
    private readonly report: (status: CameraStatus) => void,
  ) {}

  private onStatus(status: CameraStatus): void {
    this.state = status.state;
    this.report(status);
  }

  /** Joins the room (with the kept token if this page was in it before). */
  start(): void {
    const token = sessionStorage.getItem(tokenKey(this.code));
    this.connect(token ? { type: 'rejoin', token } : { type: 'join', code: this.code });
  }

  /** Leaves on purpose: the bigger screen is told, and the room closes. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    sessionStorage.removeItem(tokenKey(this.code));
    this.peer?.close();
    this.peer = null;
    this.socket?.leave();
    this.socket = null;
  }

  private connect(introduction: Introduction): void {
    this.onStatus(
      introduction.type === 'join' || this.retries === 0 ? { state: 'joining' } : { state: 'reconnecting' },
    );
    this.socket = new SignalingSocket(introduction, {
      onMessage: (message) => void this.onMessage(message),
      onClose: (code) => this.onClose(code),
    });
  }

  private async onMessage(message: ServerMessage): Promise<void> {
    switch (message.type) {
      case 'joined':
        sessionStorage.setItem(tokenKey(this.code), message.token);
        this.retries = 0;
        if (message.peer_present) await this.offer();
        else this.onStatus({ state: 'waiting' });
        return;
      case 'peer':
        if (message.present) await this.offer();
        else {
          this.peer?.close();
          this.peer = null;
          this.onStatus({ state: 'waiting' });
        }
        return;
      case 'answer':
      case 'candidate':
        await this.peer?.handle(message).catch(() => undefined);
        return;
      default:
        return;
    }
  }

  private async offer(): Promise<void> {
    this.peer?.close();
    this.onStatus({ state: 'connecting' });
    const receiver = new PhotoReceiver({
      onPhoto: () => undefined,
      onFailed: () => undefined,
      onRequest: (request) => void this.take(peer, request.id),
    });
    const peer = new PeerLink({
      signal: (message) => this.socket?.send(message),
      onState: (state) => {
        if (peer !== this.peer) return;
        if (state === 'connected') this.live();
        if (state === 'failed') this.onStatus({ state: 'ended', message: cannotConnectText('camera') });
      },
      onChannelMessage: (data) => receiver.receive(data),
    });
    this.peer = peer;
    await peer.offer(this.stream);
  }

  private live(): void {
    this.onStatus({ state: 'live', photosSent: this.photosSent, lastSha256: this.lastSha256 });
  }

  private async take(peer: PeerLink, id: string): Promise<void> {
    try {
      const { file } = await capturePhoto(this.video, this.stream.getVideoTracks()[0], 'photo');
      const bitmap = await createImageBitmap(file);
      const size = { width: bitmap.width, height: bitmap.height };
      bitmap.close();
      const mime = MIME_TYPES.find((type) => type === file.type);
      if (!mime) throw new Error('The phone gave the photo in a format BCD does not take.');
      const bytes = new Uint8Array(await file.arrayBuffer());
      this.lastSha256 = await sendPhoto(peer.channel, { id, bytes, mime, ...size });
      this.photosSent++;
      if (peer === this.peer) this.live();
    } catch (err) {
      if (peer.channel.readyState !== 'open') return;
      const message = err instanceof Error && err.message ? err.message : 'The photo could not be taken.';
      sendMessage(peer.channel, { type: 'failed', id, message: message.slice(0, 500) });
    }
  }

  private onClose(code: number): void {
    this.socket = null;
    if (this.stopped) return;
    const token = sessionStorage.getItem(tokenKey(this.code));
    if (isDrop(code) && token) {
      const wait = RETRY_MS[Math.min(this.retries++, RETRY_MS.length - 1)]!;
      this.onStatus({ state: 'reconnecting' });
      this.retryTimer = setTimeout(() => this.connect({ type: 'rejoin', token }), wait);
      return;
    }
    if (code !== CLOSE.replaced) sessionStorage.removeItem(tokenKey(this.code));
    this.peer?.close();
    this.peer = null;
    // The viewer gives up on a connection that does not come up and closes the room; the phone hears only that.
    const gaveUp = code === CLOSE.roomClosed && this.state === 'connecting';
    this.onStatus({
      state: 'ended',
      message: gaveUp ? cannotConnectText('camera') : closeText(code, 'camera'),
    });
  }
}
