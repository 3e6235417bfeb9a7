import { crc32, deflateSync } from 'node:zlib';

/** A PNG chunk: length, type, data, CRC-32 over type and data (PNG spec §5.3). */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * An 8-bit RGB PNG of `width` × `height` grey pixels, or with `idat` as its (then usually undecodable) IDAT data.
 * `headerSize` makes IHDR claim another size than the pixel data holds.
 */
export function craftPng(
  width: number,
  height: number,
  options: { idat?: Uint8Array; headerSize?: { width: number; height: number } } = {},
): Uint8Array {
  const header = options.headerSize ?? { width, height };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(header.width, 0);
  ihdr.writeUInt32BE(header.height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height, 0x80);
  for (let y = 0; y < height; y++) rows[y * (width * 3 + 1)] = 0;
  const idat = options.idat ?? deflateSync(rows);
  const signature = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** The shape of finding 1: SOI, a start-of-scan header, `garbage` bytes (no 0xFF), EOI. No frame header. */
export function jpegWithoutFrame(garbage = 64 * 1024): Uint8Array {
  const sos = [0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00];
  const body = Uint8Array.from({ length: garbage }, (_, i) => (i * 31 + 7) % 255);
  return Uint8Array.from([0xff, 0xd8, ...sos, ...body, 0xff, 0xd9]);
}

/** A real JPEG whose frame header (SOF0–SOF2) is edited to claim `width` × `height`. */
export function jpegClaiming(jpeg: Uint8Array, width: number, height: number): Uint8Array {
  const out = Uint8Array.from(jpeg);
  for (let at = 2; at + 9 < out.length;) {
    const marker = out[at + 1]!;
    const length = (out[at + 2]! << 8) | out[at + 3]!;
    if (marker >= 0xc0 && marker <= 0xc2) {
      out[at + 5] = height >> 8;
      out[at + 6] = height & 0xff;
      out[at + 7] = width >> 8;
      out[at + 8] = width & 0xff;
      return out;
    }
    at += 2 + length;
  }
  throw new Error('no frame header');
}
