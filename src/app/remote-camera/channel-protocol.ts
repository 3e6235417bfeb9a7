/**
 * What the viewer and the camera say to each other over their `RTCDataChannel` (peer to peer; the server never
 * sees it). Text messages are JSON of {@link ChannelMessageSchema}; a photo is its `photo` header followed by
 * exactly `bytes` bytes in binary messages of at most {@link CHUNK_BYTES}.
 */
import { z } from 'zod';

/** Binary chunk size: 16 KiB is the largest message every browser's SCTP stack passes unsplit. */
export const CHUNK_BYTES = 16 * 1024;

/** Largest photo taken over the channel: a 50 MP JPEG is 15–25 MB, a PNG of it more (the server's pixel bound). */
export const MAX_PHOTO_BYTES = 64 * 1024 * 1024;

/** The data channel both peers open (negotiated, so it exists on both sides before any message). */
export const CHANNEL = { label: 'photos', id: 0 } as const;

const RequestIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

export const ChannelMessageSchema = z.discriminatedUnion('type', [
  /** Viewer → camera: take a full-resolution photo now. */
  z.strictObject({ type: z.literal('take'), id: RequestIdSchema }),
  /** Camera → viewer: the photo of request `id` follows, `bytes` long, with its sha256 (lower-case hex). */
  z.strictObject({
    type: z.literal('photo'),
    id: RequestIdSchema,
    bytes: z.number().int().positive().max(MAX_PHOTO_BYTES),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    mime: z.enum(['image/jpeg', 'image/png', 'image/webp']),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
  }),
  /** Camera → viewer: request `id` could not be taken, in words. */
  z.strictObject({ type: z.literal('failed'), id: RequestIdSchema, message: z.string().max(500) }),
]);
export type ChannelMessage = z.infer<typeof ChannelMessageSchema>;
export type PhotoHeader = Extract<ChannelMessage, { type: 'photo' }>;
