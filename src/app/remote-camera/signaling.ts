import {
  CLOSE,
  SIGNALING_PATH,
  ServerMessageSchema,
  type ClientMessage,
  type RelayMessage,
  type ServerMessage,
} from '../../signaling/protocol.ts';

/** The first message of a connection: open a room, join one with its code, or take one's seat again. */
export type Introduction = Extract<ClientMessage, { type: 'create' | 'join' | 'rejoin' }>;

/** The relay's WebSocket URL on the page's own origin (ws:// beside http://, wss:// beside https://). */
export function signalingUrl(origin: string = location.origin): string {
  return `${origin.replace(/^http/, 'ws')}${SIGNALING_PATH}`;
}

/**
 * Close codes after which coming back with the token is worth trying: the network or the server went away
 * (1001 going away, 1006 no close frame, 1011/1012 server error or restart, 1013 busy).
 */
export function isDrop(code: number): boolean {
  return code === 1001 || code === 1006 || code === 1011 || code === 1012 || code === CLOSE.busy;
}

/**
 * One connection to the signaling relay: sends `introduction` once open, hands every valid server message to
 * `onMessage` (anything else is ignored: it cannot come from the relay) and the close code and reason to `onClose`.
 */
export class SignalingSocket {
  private readonly socket: WebSocket;
  private closedByUs = false;

  constructor(
    introduction: Introduction,
    private readonly events: {
      onMessage(message: ServerMessage): void;
      onClose(code: number, reason: string): void;
    },
    url: string = signalingUrl(),
  ) {
    this.socket = new WebSocket(url);
    this.socket.addEventListener('open', () => this.socket.send(JSON.stringify(introduction)));
    this.socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      let json: unknown;
      try {
        json = JSON.parse(event.data);
      } catch {
        return;
      }
      const parsed = ServerMessageSchema.safeParse(json);
      if (parsed.success) this.events.onMessage(parsed.data);
    });
    this.socket.addEventListener('close', (event) => {
      if (!this.closedByUs) this.events.onClose(event.code, event.reason);
    });
  }

  /** Sends an offer, answer or candidate to the other member (dropped while not open). */
  send(message: RelayMessage): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Leaves on purpose (close 1000: the relay closes the room); `onClose` is not called. */
  leave(): void {
    this.closedByUs = true;
    this.socket.close(CLOSE.left);
  }
}
