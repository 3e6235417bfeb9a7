import { randomBytes, randomInt } from 'node:crypto';
import {
  CLOSE,
  PAIRING_CODE_ALPHABET,
  PAIRING_CODE_LENGTH,
  RELAY_SENDER,
  type RelayMessage,
  type Role,
  type ServerMessage,
} from '../../src/signaling/protocol.ts';
import { WindowCounter } from './window-counter.ts';

/** One connection as the rooms see it (a WebSocket in the route, a fake in unit tests). */
export interface RoomMember {
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

/** Limits of the relay (from `ServerConfig.signaling`). */
export interface RoomOptions {
  /** How long a pairing code stays good while no camera has joined (ms). */
  readonly codeTtlMs: number;
  /** How long a room waits for a member that dropped to come back with its token (ms). */
  readonly reconnectMs: number;
  /** Open rooms at most; `create` beyond it is closed with 1013. */
  readonly maxRooms: number;
  /** Wrong or used codes one address may try per minute before its joins are refused (4429). */
  readonly failedJoinsPerMinute: number;
}

interface Seat {
  connection: RoomMember | null;
  token: string;
}

interface Room {
  readonly code: string;
  readonly seats: { viewer: Seat; camera: Seat | null };
  /** Expiry of the code while no camera has joined. */
  expiry: NodeJS.Timeout | null;
  /** End of the wait for a member that dropped. */
  grace: NodeJS.Timeout | null;
}

const MINUTE_MS = 60_000;

const other = (role: Role): Role => (role === 'viewer' ? 'camera' : 'viewer');

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function newCode(): string {
  let code = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++) {
    code += PAIRING_CODE_ALPHABET[randomInt(PAIRING_CODE_ALPHABET.length)];
  }
  return code;
}

/**
 * The relay's rooms, in memory only: nothing is written anywhere, and a closed room is forgotten at once (its code
 * and tokens with it). A room is opened by a viewer (`create`), which gets a pairing code from the CSPRNG, good for
 * `codeTtlMs` and for one camera (`join`); each member gets a reconnection token, replaced at every `rejoin`. A
 * member that drops has `reconnectMs` to rejoin; a member that leaves on purpose (close 1000) closes the room.
 * Every refusal closes the connection with a code of {@link CLOSE} and a reason in words.
 */
export class SignalingRooms {
  private readonly byCode = new Map<string, Room>();
  private readonly byToken = new Map<string, { room: Room; role: Role }>();
  private readonly seated = new Map<RoomMember, { room: Room; role: Role }>();
  private readonly failedJoins: WindowCounter;

  constructor(private readonly options: RoomOptions) {
    this.failedJoins = new WindowCounter(options.failedJoinsPerMinute, MINUTE_MS);
  }

  /** Open rooms (each counted until it is forgotten). */
  get size(): number {
    return this.byCode.size;
  }

  /** Whether the connection is in a room (then only relayed messages are allowed from it). */
  isSeated(member: RoomMember): boolean {
    return this.seated.has(member);
  }

  /** A viewer opens a room: answers `room` with the code, or closes 1013 when the relay is full. */
  create(member: RoomMember): void {
    if (this.byCode.size >= this.options.maxRooms) {
      member.close(CLOSE.busy, 'busy: too many rooms are open, try again in a few minutes');
      return;
    }
    let code = newCode();
    while (this.byCode.has(code)) code = newCode();
    const room: Room = {
      code,
      seats: { viewer: { connection: member, token: newToken() }, camera: null },
      expiry: null,
      grace: null,
    };
    room.expiry = setTimeout(() => {
      room.seats.viewer.connection?.close(CLOSE.codeExpired, 'code_expired: no camera joined in time');
      this.forget(room);
    }, this.options.codeTtlMs).unref();
    this.byCode.set(code, room);
    this.byToken.set(room.seats.viewer.token, { room, role: 'viewer' });
    this.seated.set(member, { room, role: 'viewer' });
    member.send({
      type: 'room',
      code,
      expires_in_s: Math.ceil(this.options.codeTtlMs / 1000),
      token: room.seats.viewer.token,
    });
  }

  /**
   * A camera joins with a code (already normalised by the protocol schema). Unknown or expired codes close 4404,
   * a code whose room has its camera 4409; either counts against the address, which is refused (4429) after
   * `failedJoinsPerMinute` of them.
   */
  join(code: string, member: RoomMember, address: string): void {
    if (this.failedJoins.exhausted(address)) {
      member.close(CLOSE.rateLimited, 'rate_limited: too many wrong codes, wait a minute');
      return;
    }
    const room = this.byCode.get(code);
    if (!room) {
      this.failedJoins.add(address);
      member.close(CLOSE.unknownCode, 'unknown_code: no open room has this code (mistyped or expired)');
      return;
    }
    if (room.seats.camera) {
      this.failedJoins.add(address);
      member.close(CLOSE.roomFull, 'room_full: this code was used already and the room has its two');
      return;
    }
    if (room.expiry) clearTimeout(room.expiry);
    room.expiry = null;
    room.seats.camera = { connection: null, token: '' };
    this.seat(room, 'camera', member);
  }

  /** A member comes back with its last token: it takes its seat again (replacing an older connection, 4000). */
  rejoin(token: string, member: RoomMember): void {
    const entry = this.byToken.get(token);
    if (!entry) {
      member.close(CLOSE.unknownToken, 'unknown_token: the room was closed');
      return;
    }
    this.byToken.delete(token);
    const previous = entry.room.seats[entry.role]?.connection;
    if (previous) {
      this.seated.delete(previous);
      previous.close(CLOSE.replaced, 'replaced: the same device connected again');
    }
    this.seat(entry.room, entry.role, member);
  }

  /**
   * Passes an offer, answer or candidate to the other member, if it is connected (a message for a member that
   * dropped is useless to it: it negotiates anew when it comes back). A message from the wrong role closes 4400.
   */
  relay(member: RoomMember, message: RelayMessage): void {
    const entry = this.seated.get(member);
    if (!entry) return;
    const sender = RELAY_SENDER[message.type];
    if (sender !== 'either' && sender !== entry.role) {
      member.close(CLOSE.badMessage, `bad_message: only the ${sender} sends an ${message.type}`);
      return;
    }
    entry.room.seats[other(entry.role)]?.connection?.send(message);
  }

  /**
   * A connection closed with `code`. 1000 (left on purpose) closes the room and the other member (4100); any other
   * code is a drop: the other member hears `peer: false` and the room waits `reconnectMs` for the token, unless
   * nobody is left, when it is forgotten at once.
   */
  disconnected(member: RoomMember, code: number): void {
    const entry = this.seated.get(member);
    if (!entry) return;
    this.seated.delete(member);
    const { room, role } = entry;
    const seat = room.seats[role];
    if (seat) seat.connection = null;
    const peer = room.seats[other(role)]?.connection ?? null;
    if (code === CLOSE.left || peer === null) {
      peer?.close(CLOSE.roomClosed, 'room_closed: the other device left');
      this.forget(room);
      return;
    }
    peer.send({ type: 'peer', present: false });
    if (room.grace) clearTimeout(room.grace);
    room.grace = setTimeout(() => {
      room.seats[other(role)]?.connection?.close(
        CLOSE.roomClosed,
        'room_closed: the other device did not return',
      );
      this.forget(room);
    }, this.options.reconnectMs).unref();
  }

  /** Closes every room (server shutdown); their connections are closed by the WebSocket server. */
  close(): void {
    for (const room of [...this.byCode.values()]) this.forget(room);
  }

  private seat(room: Room, role: Role, member: RoomMember): void {
    const seat = room.seats[role]!;
    seat.connection = member;
    seat.token = newToken();
    this.byToken.set(seat.token, { room, role });
    this.seated.set(member, { room, role });
    const peer = room.seats[other(role)]?.connection ?? null;
    if (peer && room.grace) {
      clearTimeout(room.grace);
      room.grace = null;
    }
    member.send({ type: 'joined', role, token: seat.token, peer_present: peer !== null });
    peer?.send({ type: 'peer', present: true });
  }

  private forget(room: Room): void {
    if (room.expiry) clearTimeout(room.expiry);
    if (room.grace) clearTimeout(room.grace);
    this.byCode.delete(room.code);
    for (const role of ['viewer', 'camera'] as const) {
      const seat = room.seats[role];
      if (!seat) continue;
      this.byToken.delete(seat.token);
      if (seat.connection) this.seated.delete(seat.connection);
    }
  }
}
