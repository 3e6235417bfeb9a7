import { once } from 'node:events';
import WebSocket from 'ws';
import { SIGNALING_PATH, type ServerMessage } from '../../src/signaling/protocol.ts';

/** How a connection ended: the close code and reason the server sent. */
export interface Closed {
  code: number;
  reason: string;
}

/**
 * A signaling client over a real WebSocket (the `ws` package): every server message is kept in order, `next`
 * waits for the next unread one, and `closed` settles when the server (or the client) closes.
 */
export class SignalingClient {
  readonly received: ServerMessage[] = [];
  readonly closed: Promise<Closed>;
  private read = 0;
  private wake: (() => void) | null = null;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()) as ServerMessage);
      this.wake?.();
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake?.();
      }),
    );
  }

  /** Connects to `base` (http://host:port) and resolves once open. */
  static async open(base: string, headers: Record<string, string> = {}): Promise<SignalingClient> {
    const socket = new WebSocket(new URL(SIGNALING_PATH, base.replace(/^http/, 'ws')), { headers });
    const client = new SignalingClient(socket);
    await once(socket, 'open');
    return client;
  }

  /** Sends a value as JSON (or raw text / bytes as they are). */
  send(message: unknown): void {
    this.socket.send(
      typeof message === 'string' || message instanceof Uint8Array ? message : JSON.stringify(message),
    );
  }

  /**
   * The next message not read yet.
   * @throws Error when the connection closes first (naming the close code and reason).
   */
  async next(): Promise<ServerMessage> {
    for (;;) {
      const message = this.received[this.read];
      if (message) {
        this.read++;
        return message;
      }
      if (this.socket.readyState === WebSocket.CLOSED) {
        const { code, reason } = await this.closed;
        throw new Error(`closed (${code} ${reason}) before the next message`);
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Messages received and not read by `next`. */
  unread(): ServerMessage[] {
    return this.received.slice(this.read);
  }

  /** Closes from the client side with `code` (1000: leaving on purpose) and waits for the close. */
  async leave(code = 1000): Promise<Closed> {
    this.socket.close(code);
    return this.closed;
  }

  /** Drops the TCP connection without a close frame, as a reloaded page or a lost network does. */
  async drop(): Promise<void> {
    this.socket.terminate();
    await this.closed;
  }
}
