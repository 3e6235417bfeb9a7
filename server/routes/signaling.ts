import websocket from '@fastify/websocket';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import {
  CLOSE,
  ClientMessageSchema,
  SIGNALING_PATH,
  type ClientMessage,
} from '../../src/signaling/protocol.ts';
import type { SignalingConfig } from '../config.ts';
import { ApiError } from '../errors.ts';
import { SignalingRooms, type RoomMember } from '../services/signaling-rooms.ts';
import { WindowCounter } from '../services/window-counter.ts';

/** Between pings of each connection; one that has not answered the previous ping by the next is dropped. */
const HEARTBEAT_MS = 30_000;
/** WebSocket close reasons are at most 123 bytes. */
const MAX_REASON_BYTES = 123;

function reasonOf(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return bytes.length <= MAX_REASON_BYTES
    ? text
    : new TextDecoder().decode(bytes.slice(0, MAX_REASON_BYTES)).replace(/\uFFFD+$/, '');
}

/** The first zod issue of a message, as `bad_message: <field>: <problem>`. */
function badMessage(detail: string): string {
  return reasonOf(`bad_message: ${detail}`);
}

/** `Origin` of the upgrade request: none (not a browser) or this server's own, or a configured app origin. */
function originAllowed(request: FastifyRequest, appOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (appOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function parse(data: RawData, isBinary: boolean): ClientMessage | string {
  if (isBinary) return 'text messages only';
  let json: unknown;
  try {
    const bytes = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'not JSON';
  }
  const parsed = ClientMessageSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return `${issue?.path.join('.') || 'message'}: ${issue?.message}`;
}

/**
 * `GET /api/signaling` upgraded to a WebSocket: the relay of "phone as camera" (protocol in
 * `src/signaling/protocol.ts`, rooms in `services/signaling-rooms.ts`). It keeps nothing but its rooms in memory and
 * never touches the store, so it works alike in embedded and Supabase mode. Limits: `maxMessageBytes` per message
 * (1009), `messagesPerMinute` per connection (4429), failed joins per address, open rooms; a browser from another
 * origin is refused (403) before the upgrade; a plain GET answers 426. Dead connections are found by ping/pong.
 */
export const signalingRoutes: FastifyPluginAsync<{
  signaling: SignalingConfig;
  appOrigins: readonly string[];
}> = async (app, { signaling, appOrigins }) => {
  await app.register(websocket, { options: { maxPayload: signaling.maxMessageBytes } });
  const rooms = new SignalingRooms(signaling);
  const alive = new Map<WebSocket, boolean>();
  const heartbeat = setInterval(() => {
    for (const [socket, answered] of alive) {
      if (!answered) {
        socket.terminate();
        continue;
      }
      alive.set(socket, false);
      socket.ping();
    }
  }, HEARTBEAT_MS).unref();
  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    rooms.close();
  });

  app.route({
    method: 'GET',
    url: SIGNALING_PATH,
    schema: { hide: true },
    preValidation: async (request) => {
      if (!originAllowed(request, appOrigins)) {
        throw new ApiError(403, 'origin_not_allowed', 'Signaling is open to this server’s own app only');
      }
    },
    handler: async (_request, reply) =>
      reply
        .code(426)
        .header('upgrade', 'websocket')
        .send({ error: 'upgrade_required', message: `${SIGNALING_PATH} is a WebSocket endpoint` }),
    wsHandler: (socket, request) => {
      const messages = new WindowCounter(signaling.messagesPerMinute, 60_000);
      let introduced = false;
      const member: RoomMember = {
        send: (message) => socket.send(JSON.stringify(message)),
        close: (code, reason) => socket.close(code, reasonOf(reason)),
      };
      alive.set(socket, true);
      socket.on('pong', () => alive.set(socket, true));
      socket.on('error', () => socket.terminate());
      socket.on('close', (code) => {
        alive.delete(socket);
        rooms.disconnected(member, code);
      });
      socket.on('message', (data, isBinary) => {
        if (socket.readyState !== socket.OPEN) return;
        if (messages.exhausted('messages')) {
          member.close(CLOSE.rateLimited, 'rate_limited: too many messages, wait a minute');
          return;
        }
        messages.add('messages');
        const message = parse(data, isBinary);
        if (typeof message === 'string') return member.close(CLOSE.badMessage, badMessage(message));
        if (message.type === 'create' || message.type === 'join' || message.type === 'rejoin') {
          if (introduced)
            return member.close(CLOSE.badMessage, badMessage(`${message.type} after the first message`));
          introduced = true;
          if (message.type === 'create') rooms.create(member);
          else if (message.type === 'join') rooms.join(message.code, member, request.ip);
          else rooms.rejoin(message.token, member);
          return;
        }
        if (!rooms.isSeated(member))
          return member.close(CLOSE.badMessage, badMessage('create, join or rejoin first'));
        rooms.relay(member, message);
      });
    },
  });
};
