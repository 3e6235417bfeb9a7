import { crc32, deflateSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findImageMetadata, ImageStructureError, stripImageMetadata } from '../../src/sync/image-metadata.ts';
import { craftPng } from './crafted-images.ts';
import {
  appOn,
  cleanJpeg,
  newId,
  openTestStore,
  participant,
  putImage,
  putSession,
  sessionBody,
} from './helpers.ts';

const GPS = Buffer.from('GPS 48.8584 N 2.2945 E; owner: Jane Doe', 'latin1');

/** A JPEG segment: marker, big-endian length (payload + 2), payload. */
const segment = (marker: number, payload: Uint8Array) =>
  Buffer.concat([
    Buffer.from([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]),
    payload,
  ]);

/** `jpeg` with `extra` inserted right after SOI. */
const afterSoi = (jpeg: Uint8Array, extra: Uint8Array) =>
  new Uint8Array(Buffer.concat([jpeg.subarray(0, 2), extra, jpeg.subarray(2)]));

/** The byte offset of the first segment with `marker`. */
function findSegment(jpeg: Uint8Array, marker: number): number {
  for (let at = 2; at < jpeg.length;) {
    if (jpeg[at + 1] === marker) return at;
    at += 2 + ((jpeg[at + 2]! << 8) | jpeg[at + 3]!);
  }
  throw new Error('segment not found');
}

/** A PNG chunk with a correct CRC. */
function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** `png` with `chunk` inserted after IHDR (byte 33). */
const afterIhdr = (png: Uint8Array, chunk: Uint8Array) =>
  new Uint8Array(Buffer.concat([png.subarray(0, 33), chunk, png.subarray(33)]));

/**
 * Finding 4 of issue 10: every segment that is kept is checked against its specification, so GPS and names cannot
 * hide in a kept segment; reserved markers, malformed tables, bad CRCs and empty files are structure errors. Each
 * crafted file is refused by the checker and by the server (422), and the stripper makes a clean file of the ones
 * that only carry extra segments.
 */
describe('strict segment checks (metadata hidden in kept segments)', () => {
  let harness: Awaited<ReturnType<typeof openTestStore>>;
  let app: FastifyInstance;
  let clean: Uint8Array;
  let token: string;
  let sessionId: string;

  beforeAll(async () => {
    harness = await openTestStore();
    app = await appOn(harness.store, harness.dataDir);
    clean = await cleanJpeg();
    ({ token } = await participant(app));
    sessionId = newId();
    await putSession(app, token, sessionId, sessionBody({ front: ['a'], left_side: [] }));
  });
  afterAll(async () => {
    await app.close();
    await harness.close();
  });

  const jfifWithText = () => {
    const jfif = Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 2, 0, 0, 1, 0, 1, 0, 0]);
    return segment(0xe0, Buffer.concat([jfif, GPS]));
  };
  const dqtPadded = () => {
    const at = findSegment(clean, 0xdb);
    const length = (clean[at + 2]! << 8) | clean[at + 3]!;
    const padded = Buffer.concat([clean.subarray(at + 4, at + 2 + length), GPS]);
    return new Uint8Array(
      Buffer.concat([clean.subarray(0, at), segment(0xdb, padded), clean.subarray(at + 2 + length)]),
    );
  };

  /** Files with metadata in a segment that is a block of its own: reported, and stripped. */
  const hidden: [string, () => Uint8Array, string][] = [
    ['APP0 JFIF with bytes after its fields', () => afterSoi(clean, jfifWithText()), 'thumbnail'],
    [
      'APP0 JFXX thumbnail',
      () => afterSoi(clean, segment(0xe0, Buffer.concat([Buffer.from('JFXX\0'), GPS]))),
      'thumbnail',
    ],
    [
      'APP2 ICC profile',
      () => afterSoi(clean, segment(0xe2, Buffer.concat([Buffer.from('ICC_PROFILE\0'), GPS]))),
      'colour_profile',
    ],
    [
      'APP14 Adobe with bytes after its fields',
      () => afterSoi(clean, segment(0xee, Buffer.concat([Buffer.from('Adobe\0d\0\0\0\0\x01'), GPS]))),
      'application_segment',
    ],
    [
      'PNG pHYs',
      () => afterIhdr(craftPng(100, 100), pngChunk('pHYs', GPS.subarray(0, 9))),
      'ancillary_chunk',
    ],
    [
      'PNG bKGD',
      () => afterIhdr(craftPng(100, 100), pngChunk('bKGD', GPS.subarray(0, 6))),
      'ancillary_chunk',
    ],
    ['PNG iCCP', () => afterIhdr(craftPng(100, 100), pngChunk('iCCP', GPS)), 'colour_profile'],
  ];
  /** Files whose structure is refused outright. */
  const malformed: [string, () => Uint8Array, RegExp][] = [
    ['a JPGn (0xF0) segment', () => afterSoi(clean, segment(0xf0, GPS)), /0xFFF0/],
    ['a reserved (0x02) segment', () => afterSoi(clean, segment(0x02, GPS)), /0xFF02/],
    ['a DNL segment', () => afterSoi(clean, segment(0xdc, GPS)), /0xFFDC/],
    ['DQT padding', dqtPadded, /DQT|0xFFDB/],
    ['FF D8 FF D9', () => Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]), /no frame and scan/],
    [
      'an oversized IHDR',
      () => {
        const png = craftPng(100, 100);
        const ihdr = Buffer.concat([Buffer.from(png.subarray(16, 29)), GPS]);
        return new Uint8Array(Buffer.concat([png.subarray(0, 8), pngChunk('IHDR', ihdr), png.subarray(33)]));
      },
      /IHDR/,
    ],
    [
      'data in IEND',
      () => {
        const png = craftPng(100, 100);
        return new Uint8Array(Buffer.concat([png.subarray(0, png.length - 12), pngChunk('IEND', GPS)]));
      },
      /IEND/,
    ],
    [
      'a bad CRC',
      () => {
        const png = craftPng(100, 100).slice();
        png[30] = png[30]! ^ 0xff;
        return png;
      },
      /CRC/,
    ],
    [
      'an IDAT after another chunk',
      () => {
        const png = craftPng(100, 100);
        const iend = png.length - 12;
        return new Uint8Array(
          Buffer.concat([
            png.subarray(0, iend),
            pngChunk('gAMA', Buffer.from([0, 1, 0x86, 0xa0])),
            pngChunk('IDAT', GPS),
            png.subarray(iend),
          ]),
        );
      },
      /IDAT/,
    ],
  ];

  it.each(hidden)('%s: reported as metadata, refused (422), and stripped', async (_label, make, kind) => {
    const bytes = make();
    expect(findImageMetadata(bytes).map((block) => block.kind)).toContain(kind);
    const contentType = bytes[0] === 0x89 ? 'image/png' : 'image/jpeg';
    const response = await putImage(app, token, sessionId, 'a', bytes, { contentType });
    expect(response.statusCode).toBe(422);
    const stripped = stripImageMetadata(bytes);
    expect(findImageMetadata(stripped)).toEqual([]);
    expect(Buffer.from(stripped).includes(GPS.subarray(0, 6))).toBe(false);
  });

  it.each(malformed)('%s: a structure error, refused (422)', async (_label, make, reason) => {
    const bytes = make();
    expect(() => findImageMetadata(bytes)).toThrow(ImageStructureError);
    expect(() => findImageMetadata(bytes)).toThrow(reason);
    const contentType = bytes[0] === 0x89 ? 'image/png' : 'image/jpeg';
    const response = await putImage(app, token, sessionId, 'a', bytes, { contentType });
    expect(response.statusCode).toBe(422);
    expect(response.json().error).toBe('image_refused');
  });
  it('PNG picture data must be one zlib stream of exactly its scanlines, ending with the last IDAT', async () => {
    const png = craftPng(100, 100);
    const iend = png.length - 12;
    const idatLength = new DataView(png.buffer, png.byteOffset).getUint32(33);
    const stream = png.subarray(41, 41 + idatLength);
    const rebuild = (...idats: Uint8Array[]) =>
      new Uint8Array(
        Buffer.concat([
          png.subarray(0, 33),
          ...idats.map((data) => pngChunk('IDAT', data)),
          png.subarray(iend),
        ]),
      );
    const rows = Buffer.alloc(101 * 3 * 100 + 100);
    const refused: [string, Uint8Array][] = [
      ['an extra IDAT after the stream ends', rebuild(stream, GPS)],
      ['bytes after the stream in its IDAT', rebuild(Buffer.concat([stream, GPS]))],
      ['more scanline bytes than IHDR needs', rebuild(deflateSync(Buffer.concat([rows, GPS])))],
    ];
    for (const [label, bytes] of refused) {
      expect(findImageMetadata(bytes), label).toEqual([]);
      const response = await putImage(app, token, sessionId, 'a', bytes, { contentType: 'image/png' });
      expect(response.statusCode, `${label}: ${response.body}`).toBe(422);
      expect(response.json().message, label).toMatch(/PNG picture data/);
    }
    // One stream split over two IDATs, as libpng writes large files, is fine.
    const split = rebuild(stream.subarray(0, 10), stream.subarray(10));
    const accepted = await putImage(app, token, sessionId, 'a', split, { contentType: 'image/png' });
    expect(accepted.statusCode, accepted.body).toBe(200);
  });
});
