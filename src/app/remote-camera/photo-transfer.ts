import {
  CHUNK_BYTES,
  ChannelMessageSchema,
  type ChannelMessage,
  type PhotoHeader,
} from './channel-protocol.ts';
import { sha256Hex } from '../../core/sha256.ts';

/** Above this much queued in the channel, the sender waits for it to drain to {@link LOW_WATER_BYTES}. */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;
const LOW_WATER_BYTES = 1024 * 1024;

function drained(channel: RTCDataChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      channel.removeEventListener('bufferedamountlow', done);
      channel.removeEventListener('close', closed);
      resolve();
    };
    const closed = () => {
      channel.removeEventListener('bufferedamountlow', done);
      reject(new Error('The connection to the other device closed while the photo was on its way.'));
    };
    channel.bufferedAmountLowThreshold = LOW_WATER_BYTES;
    channel.addEventListener('bufferedamountlow', done);
    channel.addEventListener('close', closed, { once: true });
  });
}

/** Sends a channel message (JSON). */
export function sendMessage(channel: RTCDataChannel, message: ChannelMessage): void {
  channel.send(JSON.stringify(message));
}

/**
 * Sends a photo: its header (size, sha256 of the bytes, type and pixel size), then the bytes in chunks of
 * `CHUNK_BYTES`, waiting whenever more than 4 MiB are queued so a large photo never overfills the channel.
 * @returns the sha256 sent (lower-case hex).
 * @throws Error when the channel closes meanwhile.
 */
export async function sendPhoto(
  channel: RTCDataChannel,
  photo: {
    id: string;
    bytes: Uint8Array<ArrayBuffer>;
    mime: PhotoHeader['mime'];
    width: number;
    height: number;
  },
): Promise<string> {
  const sha256 = await sha256Hex(photo.bytes);
  const { bytes, ...rest } = photo;
  sendMessage(channel, { type: 'photo', ...rest, bytes: bytes.byteLength, sha256 });
  for (let offset = 0; offset < bytes.byteLength; offset += CHUNK_BYTES) {
    if (channel.bufferedAmount > HIGH_WATER_BYTES) await drained(channel);
    channel.send(bytes.subarray(offset, offset + CHUNK_BYTES));
  }
  return sha256;
}

/** A photo that arrived whole: its bytes' sha256 was computed on arrival and equals the sender's. */
export interface ReceivedPhoto {
  id: string;
  bytes: Uint8Array<ArrayBuffer>;
  sha256: string;
  mime: PhotoHeader['mime'];
  width: number;
  height: number;
}

/** What the receiving side hears. */
export interface ReceiverEvents {
  onPhoto(photo: ReceivedPhoto): void;
  /** Request `id` failed on the camera, or its photo arrived damaged (`id` null: a message out of protocol). */
  onFailed(id: string | null, message: string): void;
  /** Other messages (`take`), for the camera side. */
  onRequest?(message: Extract<ChannelMessage, { type: 'take' }>): void;
}

/**
 * Reassembles photos from a data channel's messages (`binaryType` must be `arraybuffer`): a header, then its bytes
 * in order (SCTP's ordered delivery), then the sha256 is checked with Web Crypto before the photo is handed on.
 */
export class PhotoReceiver {
  private pending: { header: PhotoHeader; buffer: Uint8Array<ArrayBuffer>; filled: number } | null = null;

  constructor(private readonly events: ReceiverEvents) {}

  /** Feeds one data channel message. */
  receive(data: unknown): void {
    if (typeof data === 'string') return this.text(data);
    if (!(data instanceof ArrayBuffer)) return this.events.onFailed(null, 'An unknown message arrived.');
    const pending = this.pending;
    if (!pending || pending.filled + data.byteLength > pending.buffer.byteLength) {
      this.pending = null;
      return this.events.onFailed(pending?.header.id ?? null, 'The photo arrived damaged. Take it again.');
    }
    pending.buffer.set(new Uint8Array(data), pending.filled);
    pending.filled += data.byteLength;
    if (pending.filled === pending.buffer.byteLength) {
      this.pending = null;
      void this.finish(pending.header, pending.buffer);
    }
  }

  private text(data: string): void {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return this.events.onFailed(null, 'An unknown message arrived.');
    }
    const parsed = ChannelMessageSchema.safeParse(json);
    if (!parsed.success) return this.events.onFailed(null, 'An unknown message arrived.');
    const message = parsed.data;
    if (message.type === 'photo') {
      if (this.pending)
        this.events.onFailed(this.pending.header.id, 'The photo arrived damaged. Take it again.');
      this.pending = { header: message, buffer: new Uint8Array(message.bytes), filled: 0 };
    } else if (message.type === 'failed') {
      this.events.onFailed(message.id, message.message);
    } else {
      this.events.onRequest?.(message);
    }
  }

  private async finish(header: PhotoHeader, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
    const sha256 = await sha256Hex(bytes);
    if (sha256 !== header.sha256) {
      this.events.onFailed(header.id, 'The photo arrived damaged. Take it again.');
      return;
    }
    const { id, mime, width, height } = header;
    this.events.onPhoto({ id, bytes, sha256, mime, width, height });
  }
}
