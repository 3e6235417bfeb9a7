import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageDecoder } from '../../src/core/image/decode.ts';
import { nodeDecoder } from '../../src/core/image/decode.node.ts';
import { readImageInfo } from '../../src/core/image/info.ts';
import { expectRefusal, meanAbsDiff, readData } from './helpers.ts';

let decode: ImageDecoder;
beforeAll(async () => {
  decode = await nodeDecoder();
});

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};
const le32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);
const ascii = (s: string): Uint8Array => new Uint8Array([...s].map((c) => c.charCodeAt(0)));

/** The chunks of a WebP file, in order. */
function webpChunks(file: Uint8Array): { id: string; data: Uint8Array }[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const chunks = [];
  for (let at = 12; at + 8 <= file.length;) {
    const size = view.getUint32(at + 4, true);
    chunks.push({
      id: String.fromCharCode(...file.subarray(at, at + 4)),
      data: file.subarray(at + 8, at + 8 + size),
    });
    at += 8 + size + (size & 1);
  }
  return chunks;
}

function webpFile(chunks: { id: string; data: Uint8Array }[]): Uint8Array {
  const body = concat(
    ascii('WEBP'),
    ...chunks.flatMap((c) => [ascii(c.id), le32(c.data.length), c.data, new Uint8Array(c.data.length & 1)]),
  );
  return concat(ascii('RIFF'), le32(body.length), body);
}

/** The TIFF data of a JPEG's EXIF APP1 segment (which follows SOI directly in the shared photos). */
function jpegExifTiff(jpeg: Uint8Array): Uint8Array {
  expect(String.fromCharCode(...jpeg.subarray(6, 10))).toBe('Exif');
  return jpeg.subarray(12, 4 + ((jpeg[4] ?? 0) << 8) + (jpeg[5] ?? 0));
}

describe('PNG', () => {
  it.each([
    ['python3-skimage__astronaut.png', 512, 512],
    ['python3-skimage__chelsea.png', 451, 300],
    ['python3-skimage__coffee.png', 600, 400],
  ])('%s decodes to %i × %i', async (file, width, height) => {
    const img = await decode(await readData(`photos/${file}`));
    expect([img.width, img.height, img.data.length]).toEqual([width, height, width * height * 4]);
  });

  it("damaged compressed data is corrupt, with the codec's reason, and the codec keeps working", async () => {
    const png = new Uint8Array(await readData('photos/python3-skimage__coffee.png'));
    const middle = png.length >> 1;
    png[middle] = (png[middle] ?? 0) ^ 0xff;
    const error = await expectRefusal(decode(png), 'corrupt');
    expect(error.message).toMatch(/^This PNG file is damaged .*decoder reports: .+\)\.$/);
    expect((await decode(await readData('photos/python3-skimage__chelsea.png'))).width).toBe(451);
  });
});

describe('WebP', () => {
  it.each([
    ['golang-golang-x-image-dev__yellow_rose.lossy.webp', 400, 301],
    ['derived/kphotoalbum__bar55.webp', 800, 600],
  ])('%s decodes to %i × %i', async (file, width, height) => {
    const img = await decode(await readData(`photos/${file}`));
    expect([img.width, img.height, img.data.length]).toEqual([width, height, width * height * 4]);
  });

  it('shows the same picture as the JPEG it was made from', async () => {
    const webp = await decode(await readData('photos/derived/kphotoalbum__bar55.webp'));
    const jpeg = await decode(await readData('photos/kphotoalbum__bar55.jpg'));
    expect(meanAbsDiff(webp, jpeg)).toBeLessThan(4);
  });

  it('applies an EXIF orientation stored in the WebP EXIF chunk', async () => {
    const webp = await readData('photos/derived/kphotoalbum__bar55.webp');
    const orient6 = await readData('photos/exif/orient-6.jpg');
    const chunks = webpChunks(webp);
    expect(chunks.map((c) => c.id)).toContain('EXIF');
    const sideways = webpFile(
      chunks.map((c) => (c.id === 'EXIF' ? { id: 'EXIF', data: jpegExifTiff(orient6) } : c)),
    );
    expect((await readImageInfo(sideways)).orientation).toBe(6);
    const img = await decode(sideways);
    expect([img.width, img.height]).toEqual([600, 800]);
  });
});
describe('JPEG', () => {
  it('a camera-resolution JPEG (4032 × 3024) decodes to its full size', async () => {
    const img = await decode(await readData('photos/digikam-data__body-background.jpg'));
    expect([img.width, img.height, img.data.length]).toEqual([4032, 3024, 4032 * 3024 * 4]);
  });

  it('data after the end-of-image marker does not matter', async () => {
    const jpeg = await readData('photos/kphotoalbum__bar55.jpg');
    const padded = concat(jpeg, new Uint8Array(4096), jpeg);
    expect(meanAbsDiff(await decode(padded), await decode(jpeg))).toBe(0);
  });

  it('a cut JPEG with an end-of-image marker appended is still truncated (from the decoder warning)', async () => {
    const cut = await readData('bad/truncated-40pct.jpg');
    const error = await expectRefusal(decode(concat(cut, new Uint8Array([0xff, 0xd9]))), 'truncated');
    // libjpeg's JWRN_HIT_MARKER: the scan data ran into the appended marker.
    expect(error.message).toMatch(/premature end of data segment/);
  });

  it("a codec failure is corrupt, with the codec's reason, and the next JPEG still decodes", async () => {
    const jpeg = new Uint8Array(await readData('bad/blurry.jpg'));
    // Patch the SOF0 precision byte to 12 bits, which this 8-bit build of mozjpeg refuses.
    let at = 2;
    while (jpeg[at + 1] !== 0xc0) at += 2 + (((jpeg[at + 2] ?? 0) << 8) | (jpeg[at + 3] ?? 0));
    jpeg[at + 4] = 12;
    const error = await expectRefusal(decode(jpeg), 'corrupt');
    expect(error.message).toMatch(/precision 12/);
    const img = await decode(await readData('bad/blurry.jpg'));
    expect([img.width, img.height]).toEqual([800, 532]);
  });

  it('concurrent decodes keep their own outcomes', async () => {
    const good = await readData('photos/kphotoalbum__jesper.jpg');
    const cut = concat(await readData('bad/truncated-40pct.jpg'), new Uint8Array([0xff, 0xd9]));
    const outcomes = await Promise.allSettled([decode(good), decode(cut), decode(good), decode(cut)]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
  });
});

describe('readImageInfo', () => {
  it('reads format, stored size and orientation without decoding', async () => {
    const cases: [string, object][] = [
      ['photos/exif/orient-6.jpg', { format: 'jpeg', width: 528, height: 800, orientation: 6 }],
      [
        'photos/mate-backgrounds__Elephants_5640x3172.jpg',
        { format: 'jpeg', width: 5640, height: 3172, orientation: 1 },
      ],
      [
        'photos/golang-golang-x-image-dev__yellow_rose.lossy.webp',
        { format: 'webp', width: 400, height: 301, orientation: 1 },
      ],
      ['bad/png-renamed.jpg', { format: 'png', width: 512, height: 512, orientation: 1 }],
    ];
    for (const [file, expected] of cases) expect(await readImageInfo(await readData(file))).toEqual(expected);
  });
});
