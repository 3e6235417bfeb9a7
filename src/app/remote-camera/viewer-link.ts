import { CLOSE, type ServerMessage } from '../../signaling/protocol.ts';
import { routeHref } from '../state/router.ts';
import { cannotConnectText, closeText } from '../text/remote-camera.ts';
import { PeerLink } from './peer.ts';
import { PhotoReceiver, sendMessage, type ReceivedPhoto } from './photo-transfer.ts';
import { SignalingSocket, isDrop, type Introduction } from './signaling.ts';

/**
 * How long negotiation may take before the viewer says the two cannot connect. ICE over a LAN with host candidates
 * settles within a second or two; Chromium itself gives up on a pair after about 30 s.
 */
const CONNECT_TIMEOUT_MS = 20_000;
/** Waits between tries to reach the relay again after a drop: 1, 2, 4, 8 s, then every 8 s. */
const RETRY_MS = [1000, 2000, 4000, 8000];

/** Where the viewer's link to a phone stands. */
export type ViewerStatus =
  | { state: 'opening' }
  | { state: 'waiting'; code: string; link: string; expiresAt: number }
  | { state: 'connecting' }
  | { state: 'live'; stream: MediaStream }
  /** The phone dropped out (its page reloaded, or its network): it may come back with its token. */
  | { state: 'camera_away' }
  /** The relay itself dropped; trying again. */
  | { state: 'reconnecting' }
  | { state: 'failed'; message: string };

/** The link a phone opens to join with `code` (the camera page of the same app origin). */
export function cameraLink(code: string, origin: string = location.origin): string {
  return `${origin}/${routeHref({ name: 'camera', code })}`;
}

/**
 * The viewer's side of "phone as camera": opens a room on the relay, shows its code, answers the phone's offer, and
 * shows its video; `takePhoto` asks the phone for a full-resolution photo over the data channel. Rejoins the relay
 * after a drop with its token; a phone that reloads comes back on its own (its own token) and negotiates anew.
 */
export class ViewerLink {
  private socket: SignalingSocket | null = null;
  private peer: PeerLink | null = null;
  private token: string | null = null;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly pending = new Map<
    string,
    { resolve: (photo: ReceivedPhoto) => void; reject: (error: Error) => void }
  >();
  private readonly receiver = new PhotoReceiver({
    onPhoto: (photo) => {
      this.pending.get(photo.id)?.resolve(photo);
      this.pending.delete(photo.id);
    },
    onFailed: (id, message) => {
      if (id === null) return;
      this.pending.get(id)?.reject(new Error(message));
      this.pending.delete(id);
    },
  });

  constructor(private readonly onStatus: (status: ViewerStatus) => void) {}

  /** Opens a room (or a new one after `failed`). */
  start(): void {
    this.stopped = false;
    this.token = null;
    this.connect({ type: 'create' });
  }

  /**
   * Asks the phone for a full-resolution photo and resolves with it once it arrived whole (sha256 checked).
   * @throws Error in words when there is no live phone, the phone could not take it, or it arrived damaged.
   */
  takePhoto(): Promise<ReceivedPhoto> {
    const channel = this.peer?.channel;
    if (!channel || channel.readyState !== 'open') {
      return Promise.reject(new Error('The phone is not connected.'));
    }
    const id = crypto.randomUUID();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      sendMessage(channel, { type: 'take', id });
    });
  }

  /** Leaves the room on purpose (the phone is told the link is closed). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.dropPeer();
    this.socket?.leave();
    this.socket = null;
  }

  private connect(introduction: Introduction): void {
    this.onStatus(introduction.type === 'create' ? { state: 'opening' } : { state: 'reconnecting' });
    this.socket = new SignalingSocket(introduction, {
      onMessage: (message) => void this.onMessage(message),
      onClose: (code) => this.onClose(code),
    });
  }

  private async onMessage(message: ServerMessage): Promise<void> {
    switch (message.type) {
      case 'room':
        this.token = message.token;
        this.retries = 0;
        this.onStatus({
          state: 'waiting',
          code: message.code,
          link: cameraLink(message.code),
          expiresAt: Date.now() + message.expires_in_s * 1000,
        });
        return;
      case 'joined':
        this.token = message.token;
        this.retries = 0;
        this.onStatus(message.peer_present ? { state: 'connecting' } : { state: 'camera_away' });
        return;
      case 'peer':
        // A phone that comes back makes a new offer; the old connection is of no use to either side.
        this.dropPeer();
        this.onStatus(message.present ? { state: 'connecting' } : { state: 'camera_away' });
        if (message.present) this.armConnectTimer();
        return;
      case 'offer':
        this.dropPeer();
        this.peer = this.newPeer();
        this.armConnectTimer();
        await this.peer.handle(message).catch(() => this.fail(cannotConnectText('viewer')));
        return;
      default:
        await this.peer?.handle(message).catch(() => undefined);
    }
  }

  private newPeer(): PeerLink {
    const peer = new PeerLink({
      signal: (message) => this.socket?.send(message),
      onStream: (stream) => {
        if (peer === this.peer) this.onStatus({ state: 'live', stream });
      },
      onState: (state) => {
        if (peer !== this.peer) return;
        if (state === 'connected') clearTimeout(this.connectTimer);
        if (state === 'failed') this.fail(cannotConnectText('viewer'));
      },
      onChannelMessage: (data) => this.receiver.receive(data),
    });
    peer.channel.addEventListener('close', () => this.rejectPending('The phone disconnected.'));
    return peer;
  }

  private armConnectTimer(): void {
    clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => {
      if (this.peer?.connection.connectionState !== 'connected') this.fail(cannotConnectText('viewer'));
    }, CONNECT_TIMEOUT_MS);
  }

  private onClose(code: number): void {
    this.socket = null;
    if (this.stopped) return;
    if (code === CLOSE.codeExpired) return this.start();
    if (isDrop(code) && this.token !== null) {
      const token = this.token;
      const wait = RETRY_MS[Math.min(this.retries++, RETRY_MS.length - 1)]!;
      this.onStatus({ state: 'reconnecting' });
      this.retryTimer = setTimeout(() => this.connect({ type: 'rejoin', token }), wait);
      return;
    }
    this.fail(closeText(code, 'viewer'));
  }

  private fail(message: string): void {
    clearTimeout(this.connectTimer);
    this.dropPeer();
    this.socket?.leave();
    this.socket = null;
    this.onStatus({ state: 'failed', message });
  }

  private dropPeer(): void {
    clearTimeout(this.connectTimer);
    this.peer?.close();
    this.peer = null;
    this.rejectPending('The phone disconnected.');
  }

  private rejectPending(message: string): void {
    for (const { reject } of this.pending.values()) reject(new Error(message));
    this.pending.clear();
  }
}
