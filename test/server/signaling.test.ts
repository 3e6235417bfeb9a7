import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { signalingRoutes } from '../../server/routes/signaling.ts';
import {
  CLOSE,
  PAIRING_CODE_ALPHABET,
  SIGNALING_PATH,
  type ServerMessage,
} from '../../src/signaling/protocol.ts';
import { appOn, openTestStore } from './helpers.ts';
import { SignalingClient } from './signaling-client.ts';

/** A real SDP offer's opening lines (the relay checks the form, not the media). */
const SDP = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const CANDIDATE = {
  candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host generation 0',
  sdpMid: '0',
  sdpMLineIndex: 0,
  usernameFragment: 'abcd',
};

type Room = Extract<ServerMessage, { type: 'room' }>;
type Joined = Extract<ServerMessage, { type: 'joined' }>;

/**
 * The phone-as-camera relay (`GET /api/signaling`) of the real app on loopback, with real `ws` clients: pairing,
 * relaying offer/answer/candidates only, single-use expiring codes, full rooms, limits, bad messages and rooms
 * forgotten once closed.
 */
describe('signaling relay', () => {
  let harness: Awaited<ReturnType<typeof openTestStore>>;
  const apps: FastifyInstance[] = [];

  /** An app with `env` overrides, listening on a free loopback port; returns its http:// base. */
  async function serve(env: Record<string, string> = {}): Promise<string> {
    const app = await appOn(harness.store, harness.dataDir, {
      SIGNALING_FAILED_JOINS_PER_MINUTE: '1000',
      ...env,
    });
    apps.push(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }

  /** A viewer with an open room and a camera joined to it. */
  async function pair(base: string) {
    const viewer = await SignalingClient.open(base);
    viewer.send({ type: 'create' });
    const room = (await viewer.next()) as Room;
    const camera = await SignalingClient.open(base);
    camera.send({ type: 'join', code: room.code });
    const joined = (await camera.next()) as Joined;
    expect(await viewer.next()).toEqual({ type: 'peer', present: true });
    return { viewer, camera, room, joined };
  }

  let base: string;
  beforeAll(async () => {
    harness = await openTestStore();
    base = await serve();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await harness.close();
  });

  it('pairs a viewer and a camera with a six-symbol code, typed in any case and spacing', async () => {
    const viewer = await SignalingClient.open(base);
    viewer.send({ type: 'create' });
    const room = (await viewer.next()) as Room;
    expect(room.type).toBe('room');
    expect(room.code).toMatch(new RegExp(`^[${PAIRING_CODE_ALPHABET}]{6}$`));
    expect(room.expires_in_s).toBe(300);
    expect(room.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const camera = await SignalingClient.open(base);
    camera.send({ type: 'join', code: ` ${room.code.slice(0, 3).toLowerCase()} ${room.code.slice(3)}` });
    const joined = (await camera.next()) as Joined;
    expect(joined).toMatchObject({ type: 'joined', role: 'camera', peer_present: true });
    expect(joined.token).not.toBe(room.token);
    expect(await viewer.next()).toEqual({ type: 'peer', present: true });
    await viewer.leave();
    await camera.closed;
  });

  it('relays offer, answer and candidates between the two, and nothing else', async () => {
    const { viewer, camera } = await pair(base);
    camera.send({ type: 'offer', sdp: SDP });
    expect(await viewer.next()).toEqual({ type: 'offer', sdp: SDP });
    viewer.send({ type: 'answer', sdp: SDP });
    expect(await camera.next()).toEqual({ type: 'answer', sdp: SDP });
    camera.send({ type: 'candidate', candidate: CANDIDATE });
    viewer.send({ type: 'candidate', candidate: { candidate: '', sdpMid: null, sdpMLineIndex: null } });
    expect(await viewer.next()).toEqual({ type: 'candidate', candidate: CANDIDATE });
    expect(await camera.next()).toEqual({
      type: 'candidate',
      candidate: { candidate: '', sdpMid: null, sdpMLineIndex: null },
    });

    camera.send({ type: 'chat', text: 'hello' });
    const refused = await camera.closed;
    expect(refused.code).toBe(CLOSE.badMessage);
    expect(refused.reason).toMatch(/^bad_message: type: /);
    // The camera's refusal is a drop for the room: the viewer hears it left, and nothing of the chat.
    expect(await viewer.next()).toEqual({ type: 'peer', present: false });
    expect(viewer.unread()).toEqual([]);
    await viewer.leave();
  });

  it('closes a member that sends a message of the other role, or with fields the protocol lacks', async () => {
    const first = await pair(base);
    first.viewer.send({ type: 'offer', sdp: SDP });
    expect(await first.viewer.closed).toEqual({
      code: CLOSE.badMessage,
      reason: 'bad_message: only the camera sends an offer',
    });
    expect(first.camera.unread()).toEqual([]);
    await first.camera.leave();

    const second = await pair(base);
    second.camera.send({ type: 'candidate', candidate: { ...CANDIDATE, extra: 'x' } });
    const closed = await second.camera.closed;
    expect(closed.code).toBe(CLOSE.badMessage);
    expect(closed.reason).toMatch(/^bad_message: candidate/);
    await second.viewer.leave();
  });

  it('gives malformed or out-of-turn messages a clear close reason', async () => {
    const cases: [unknown, string | RegExp][] = [
      ['{not json', 'bad_message: not JSON'],
      [new Uint8Array([1, 2, 3]), 'bad_message: text messages only'],
      [{ type: 'offer', sdp: SDP }, 'bad_message: create, join or rejoin first'],
      [{ type: 'join', code: '12' }, /^bad_message: code: 6 letters or digits/],
      [{ type: 'rejoin', token: 'short' }, /^bad_message: token: a reconnection token/],
      [{ type: 'offer', sdp: 'hello' }, /^bad_message: sdp: /],
      [[1, 2], /^bad_message: /],
    ];
    for (const [message, reason] of cases) {
      const client = await SignalingClient.open(base);
      client.send(message);
      const closed = await client.closed;
      expect(closed.code, JSON.stringify(message)).toBe(CLOSE.badMessage);
      expect(closed.reason).toMatch(reason);
    }
    const twice = await SignalingClient.open(base);
    twice.send({ type: 'create' });
    await twice.next();
    twice.send({ type: 'create' });
    expect(await twice.closed).toEqual({
      code: CLOSE.badMessage,
      reason: 'bad_message: create after the first message',
    });
  });

  it('refuses a third party from a full room, and the code once used', async () => {
    const { viewer, camera, room } = await pair(base);
    const third = await SignalingClient.open(base);
    third.send({ type: 'join', code: room.code });
    expect(await third.closed).toEqual({
      code: CLOSE.roomFull,
      reason: 'room_full: this code was used already and the room has its two',
    });
    // The two are untouched.
    camera.send({ type: 'offer', sdp: SDP });
    expect(await viewer.next()).toEqual({ type: 'offer', sdp: SDP });

    // With the camera gone (a drop), its seat waits for its token: the code stays spent.
    await camera.drop();
    expect(await viewer.next()).toEqual({ type: 'peer', present: false });
    const reuse = await SignalingClient.open(base);
    reuse.send({ type: 'join', code: room.code });
    expect((await reuse.closed).code).toBe(CLOSE.roomFull);

    // Once the room is closed, the code names nothing.
    await viewer.leave();
    const late = await SignalingClient.open(base);
    late.send({ type: 'join', code: room.code });
    expect(await late.closed).toEqual({
      code: CLOSE.unknownCode,
      reason: 'unknown_code: no open room has this code (mistyped or expired)',
    });
  });

  it('expires a code no camera used in time, and refuses it afterwards', async () => {
    const quick = await serve({ SIGNALING_CODE_TTL_S: '0.3' });
    const viewer = await SignalingClient.open(quick);
    viewer.send({ type: 'create' });
    const room = (await viewer.next()) as Room;
    expect(room.expires_in_s).toBe(1);
    expect(await viewer.closed).toEqual({
      code: CLOSE.codeExpired,
      reason: 'code_expired: no camera joined in time',
    });
    const camera = await SignalingClient.open(quick);
    camera.send({ type: 'join', code: room.code });
    expect((await camera.closed).code).toBe(CLOSE.unknownCode);
    const back = await SignalingClient.open(quick);
    back.send({ type: 'rejoin', token: room.token });
    expect((await back.closed).code).toBe(CLOSE.unknownToken);
  });

  it('lets a member that dropped rejoin with its token (once), not with the spent code', async () => {
    const { viewer, camera, joined } = await pair(base);
    // A reloaded page closes with 1001 (going away): a drop, not a leave.
    await camera.leave(1001);
    expect(await viewer.next()).toEqual({ type: 'peer', present: false });

    const again = await SignalingClient.open(base);
    again.send({ type: 'rejoin', token: joined.token });
    const rejoined = (await again.next()) as Joined;
    expect(rejoined).toMatchObject({ type: 'joined', role: 'camera', peer_present: true });
    expect(rejoined.token).not.toBe(joined.token);
    expect(await viewer.next()).toEqual({ type: 'peer', present: true });
    again.send({ type: 'offer', sdp: SDP });
    expect(await viewer.next()).toEqual({ type: 'offer', sdp: SDP });

    const replay = await SignalingClient.open(base);
    replay.send({ type: 'rejoin', token: joined.token });
    expect((await replay.closed).code).toBe(CLOSE.unknownToken);

    // The same device twice (a stale connection not yet noticed): the newer one takes the seat.
    const newer = await SignalingClient.open(base);
    newer.send({ type: 'rejoin', token: rejoined.token });
    expect(await again.closed).toEqual({
      code: CLOSE.replaced,
      reason: 'replaced: the same device connected again',
    });
    expect(await newer.next()).toMatchObject({ type: 'joined', role: 'camera', peer_present: true });
    expect(await viewer.next()).toEqual({ type: 'peer', present: true });
    await viewer.leave();
    expect((await newer.closed).code).toBe(CLOSE.roomClosed);
  });

  it('forgets a room when a member leaves on purpose, when both drop, or when a dropped one does not return', async () => {
    const left = await pair(base);
    await left.viewer.leave();
    expect(await left.camera.closed).toEqual({
      code: CLOSE.roomClosed,
      reason: 'room_closed: the other device left',
    });
    for (const token of [left.room.token, left.joined.token]) {
      const back = await SignalingClient.open(base);
      back.send({ type: 'rejoin', token });
      expect((await back.closed).code).toBe(CLOSE.unknownToken);
    }

    const both = await pair(base);
    await both.camera.drop();
    await both.viewer.drop();
    const back = await SignalingClient.open(base);
    back.send({ type: 'rejoin', token: both.room.token });
    expect((await back.closed).code).toBe(CLOSE.unknownToken);

    const short = await serve({ SIGNALING_RECONNECT_S: '0.3' });
    const gone = await pair(short);
    await gone.camera.drop();
    expect(await gone.viewer.next()).toEqual({ type: 'peer', present: false });
    expect(await gone.viewer.closed).toEqual({
      code: CLOSE.roomClosed,
      reason: 'room_closed: the other device did not return',
    });
    const late = await SignalingClient.open(short);
    late.send({ type: 'rejoin', token: gone.joined.token });
    expect((await late.closed).code).toBe(CLOSE.unknownToken);
  });

  it('closes a connection over the message size or rate limit', async () => {
    const limited = await serve({ SIGNALING_MAX_MESSAGE_BYTES: '2048', SIGNALING_MESSAGES_PER_MINUTE: '5' });
    const { viewer, camera } = await pair(limited);
    camera.send({ type: 'offer', sdp: `v=0\r\n${'a=x\r\n'.repeat(500)}` });
    expect((await camera.closed).code).toBe(CLOSE.tooLarge);
    expect(await viewer.next()).toEqual({ type: 'peer', present: false });
    await viewer.leave();

    const chatty = await pair(limited);
    // The join was the camera's first message; four candidates reach the viewer, the fifth relayed one is over.
    for (let i = 0; i < 5; i++) chatty.camera.send({ type: 'candidate', candidate: CANDIDATE });
    expect(await chatty.camera.closed).toEqual({
      code: CLOSE.rateLimited,
      reason: 'rate_limited: too many messages, wait a minute',
    });
    const relayed = [];
    for (let i = 0; i < 5; i++) relayed.push(await chatty.viewer.next());
    expect(relayed).toEqual([
      ...Array.from({ length: 4 }, () => ({ type: 'candidate', candidate: CANDIDATE })),
      { type: 'peer', present: false },
    ]);
    await chatty.viewer.leave();
  });

  it('refuses joins from an address that tried too many wrong codes', async () => {
    const guarded = await serve({ SIGNALING_FAILED_JOINS_PER_MINUTE: '3' });
    const viewer = await SignalingClient.open(guarded);
    viewer.send({ type: 'create' });
    const room = (await viewer.next()) as Room;
    const wrong = room.code === '222222' ? '333333' : '222222';
    for (let i = 0; i < 3; i++) {
      const guess = await SignalingClient.open(guarded);
      guess.send({ type: 'join', code: wrong });
      expect((await guess.closed).code).toBe(CLOSE.unknownCode);
    }
    // Even the right code is refused now: guessing cannot go on.
    const right = await SignalingClient.open(guarded);
    right.send({ type: 'join', code: room.code });
    expect(await right.closed).toEqual({
      code: CLOSE.rateLimited,
      reason: 'rate_limited: too many wrong codes, wait a minute',
    });
    await viewer.leave();
  });

  it('refuses more rooms than its cap', async () => {
    const small = await serve({ SIGNALING_MAX_ROOMS: '1' });
    const first = await SignalingClient.open(small);
    first.send({ type: 'create' });
    await first.next();
    const second = await SignalingClient.open(small);
    second.send({ type: 'create' });
    expect((await second.closed).code).toBe(CLOSE.busy);
    await first.leave();
    const third = await SignalingClient.open(small);
    third.send({ type: 'create' });
    expect((await third.next()).type).toBe('room');
    await third.leave();
  });

  it('answers a plain GET with 426, and refuses a page of another origin before the upgrade', async () => {
    const plain = await fetch(`${base}${SIGNALING_PATH}`);
    expect(plain.status).toBe(426);
    expect(await plain.json()).toEqual({
      error: 'upgrade_required',
      message: '/api/signaling is a WebSocket endpoint',
    });
    const foreign = new WebSocket(`${base.replace('http', 'ws')}${SIGNALING_PATH}`, {
      headers: { origin: 'https://elsewhere.example' },
    });
    const status = await new Promise<number>((resolve) =>
      foreign.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)),
    );
    expect(status).toBe(403);
    const own = await SignalingClient.open(base, { origin: base });
    own.send({ type: 'create' });
    expect((await own.next()).type).toBe('room');
    await own.leave();
  });

  it('keeps a quiet room open past the idle-socket timeout of HTTP requests', async () => {
    const strict = await serve({ CONNECTION_TIMEOUT_MS: '300' });
    const { viewer, camera } = await pair(strict);
    await new Promise((resolve) => setTimeout(resolve, 900));
    camera.send({ type: 'offer', sdp: SDP });
    expect(await viewer.next()).toEqual({ type: 'offer', sdp: SDP });
    await viewer.leave();
  });

  it('runs without any store, so Supabase mode relays as the embedded one does', async () => {
    const bare = Fastify();
    apps.push(bare);
    const config = loadConfig({});
    await bare.register(signalingRoutes, { signaling: config.signaling, appOrigins: [] });
    await bare.listen({ port: 0, host: '127.0.0.1' });
    const { viewer, camera } = await pair(`http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`);
    camera.send({ type: 'offer', sdp: SDP });
    expect(await viewer.next()).toEqual({ type: 'offer', sdp: SDP });
    await viewer.leave();
  });
});
