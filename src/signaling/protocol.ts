/**
 * The signaling protocol of "phone as camera", shared by the app (both roles) and the sync server's relay at
 * {@link SIGNALING_PATH}. Platform-free. A room holds exactly two members: the viewer (the bigger screen, which opens
 * the room and shows its pairing code) and the camera (the phone, which joins with the code). The server relays the
 * WebRTC offer (camera → viewer), answer (viewer → camera) and ICE candidates (both ways) and nothing else; the
 * video and the photos go from peer to peer and never through the server.
 */
import { z } from 'zod';

/** The WebSocket endpoint (an HTTP GET upgraded). */
export const SIGNALING_PATH = '/api/signaling';

/**
 * Symbols of a pairing code: digits and capitals without 0/O, 1/I/L, so a code read off a screen is typed right
 * (31 symbols; 6 of them give 31⁶ ≈ 8.9 × 10⁸ codes).
 */
export const PAIRING_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const PAIRING_CODE_LENGTH = 6;

/** A pairing code as typed: case and spaces do not matter. */
export const PairingCodeSchema = z
  .string()
  .max(32)
  .transform((code) => code.replace(/\s+/g, '').toUpperCase())
  .pipe(
    z
      .string()
      .regex(
        new RegExp(`^[${PAIRING_CODE_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`),
        `${PAIRING_CODE_LENGTH} letters or digits`,
      ),
  );

/** A reconnection token: 32 random bytes, base64url (43 characters). */
export const ReconnectTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a reconnection token');

export const ROLES = ['viewer', 'camera'] as const;
export type Role = (typeof ROLES)[number];

/** An SDP description; its size is bounded by the message size limit of the relay. */
const SdpSchema = z.string().startsWith('v=0', 'an SDP description starting with "v=0"');

/** An `RTCIceCandidateInit` as `RTCIceCandidate.toJSON()` gives it; an empty `candidate` ends the gathering. */
export const IceCandidateSchema = z.strictObject({
  candidate: z.string().max(1024),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

/** The three messages the relay passes on, unchanged but for fields it does not know (dropped). */
export const RelayMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('offer'), sdp: SdpSchema }),
  z.strictObject({ type: z.literal('answer'), sdp: SdpSchema }),
  z.strictObject({ type: z.literal('candidate'), candidate: IceCandidateSchema }),
]);
export type RelayMessage = z.infer<typeof RelayMessageSchema>;

/** Who may send each relayed message: the camera offers (it has the video), the viewer answers. */
export const RELAY_SENDER: Readonly<Record<RelayMessage['type'], Role | 'either'>> = {
  offer: 'camera',
  answer: 'viewer',
  candidate: 'either',
};

/**
 * What a client sends. First exactly one of `create` (viewer: open a room), `join` (camera: enter with the code)
 * or `rejoin` (either, after a drop: the token it was given last); then only relayed messages.
 */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('create') }),
  z.strictObject({ type: z.literal('join'), code: PairingCodeSchema }),
  z.strictObject({ type: z.literal('rejoin'), token: ReconnectTokenSchema }),
  ...RelayMessageSchema.options,
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

/** What the server sends besides relayed messages. */
export const ServerMessageSchema = z.discriminatedUnion('type', [
  /** To the viewer after `create`: the code to show and how long it is good for. */
  z.strictObject({
    type: z.literal('room'),
    code: z.string(),
    expires_in_s: z.number().int().positive(),
    token: ReconnectTokenSchema,
  }),
  /** After `join` or `rejoin`: the member's role, a fresh token for its next rejoin, whether the other is there. */
  z.strictObject({
    type: z.literal('joined'),
    role: z.enum(ROLES),
    token: ReconnectTokenSchema,
    peer_present: z.boolean(),
  }),
  /** The other member connected (again) or dropped (it may come back with its token). */
  z.strictObject({ type: z.literal('peer'), present: z.boolean() }),
  ...RelayMessageSchema.options,
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/**
 * WebSocket close codes of the relay (4000–4999 are the application's; the reason carries the name and a few
 * words). A client closing with 1000 leaves for good and closes the room; any other close is a drop, after which
 * either member may rejoin with its token for a while.
 */
export const CLOSE = {
  /** Normal closure: the member left on purpose (the room is closed). */
  left: 1000,
  /** A message larger than the relay's limit (closed by the WebSocket library itself). */
  tooLarge: 1009,
  /** The relay holds as many rooms as it may; try again later. */
  busy: 1013,
  /** The same member connected again: this older connection is replaced. */
  replaced: 4000,
  /** The other member left on purpose, so the room is closed. */
  roomClosed: 4100,
  /** Not JSON, not a protocol message, not allowed in this state, or not allowed from this role. */
  badMessage: 4400,
  /** The reconnection token names no open room (the room was closed and forgotten). */
  unknownToken: 4401,
  /** No open room has this code: mistyped, expired, or its room closed. */
  unknownCode: 4404,
  /** The code was used already: its room has its camera. */
  roomFull: 4409,
  /** The viewer's code expired before a camera joined. */
  codeExpired: 4410,
  /** Too many messages, or too many wrong codes from one address. */
  rateLimited: 4429,
} as const;
