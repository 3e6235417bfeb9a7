import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import decodeJpeg, { init as initJpeg } from '@jsquash/jpeg/decode.js';
import decodePng, { init as initPng } from '@jsquash/png/decode.js';
import exifr from 'exifr';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  detectImageFormat,
  findImageMetadata,
  ImageStructureError,
  stripImageMetadata,
} from '../../src/sync/image-metadata.ts';
import { photo, PHOTOS } from './helpers.ts';

const require = createRequire(import.meta.url);

const SHARED = [
  ...readdirSync(PHOTOS).filter((name) => /\.(jpe?g|png)$/.test(name)),
  ...readdirSync(`${PHOTOS}/exif`).map((name) => `exif/${name}`),
];

/** Metadata an independent parser (exifr) still finds: EXIF, GPS, XMP or IPTC. */
async function exifrFinds(bytes: Uint8Array): Promise<string[]> {
  const parsed = (await exifr.parse(Buffer.from(bytes), {
    tiff: true,
    exif: true,
    gps: true,
    xmp: true,
    iptc: true,
    icc: false,
    jfif: false,
    ihdr: false,
    mergeOutput: false,
  })) as Record<string, unknown> | undefined;
  return Object.keys(parsed ?? {});
}

describe('image metadata stripping (the outbox helper) and detection (the server check)', () => {
  beforeAll(async () => {
    // The codecs' WASM is initialised by hand in Node (no fetch of a relative URL).
    await initJpeg(
      await WebAssembly.compile(await readFile(require.resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'))),
    );
    await initPng(await readFile(require.resolve('@jsquash/png/codec/pkg/squoosh_png_bg.wasm')));
  });

  it('finds the GPS-bearing EXIF and the XMP-only GPS of the shared test photos', async () => {
    expect(findImageMetadata(await photo('exif/gps.jpg')).map((b) => b.kind)).toContain('exif');
    expect(findImageMetadata(await photo('exif/gps-xmp.jpg')).map((b) => b.kind)).toEqual(
      expect.arrayContaining(['exif', 'xmp']),
    );
    expect(await exifr.gps(Buffer.from(await photo('exif/gps.jpg')))).toMatchObject({
      latitude: expect.any(Number),
    });
    // The independent parser sees metadata in the originals (so its empty answer on stripped files means something).
    expect(await exifrFinds(await photo('exif/gps.jpg'))).toEqual(expect.arrayContaining(['gps', 'iptc']));
    expect(await exifrFinds(await photo('python3-skimage__chelsea.png'))).toEqual(
      expect.arrayContaining(['xmp']),
    );
  });

  it.each(SHARED)('%s: stripped, nothing is left for either parser', async (name) => {
    const original = await photo(name);
    const stripped = stripImageMetadata(original);
    expect(findImageMetadata(stripped)).toEqual([]);
    expect(await exifrFinds(stripped)).toEqual([]);
    expect(await exifr.gps(Buffer.from(stripped))).toBeUndefined();
    expect(detectImageFormat(stripped)).toBe(detectImageFormat(original));
    // Compared as buffers: deep equality over a 16 MB typed array exhausts the heap.
    expect(Buffer.compare(Buffer.from(stripImageMetadata(stripped)), Buffer.from(stripped))).toBe(0);
  });

  it.each([
    'exif/gps.jpg',
    'kphotoalbum__jesper.jpg',
    'opencv-doc__leuvenA.jpg',
    'python3-sklearn__china.jpg',
  ])('%s: stripped JPEG decodes to the same pixels', async (name) => {
    const original = await photo(name);
    const before = await decodeJpeg(original.slice().buffer);
    const after = await decodeJpeg(stripImageMetadata(original).slice().buffer);
    expect([after.width, after.height]).toEqual([before.width, before.height]);
    expect(Buffer.compare(Buffer.from(after.data.buffer), Buffer.from(before.data.buffer))).toBe(0);
  });

  it.each(['python3-skimage__astronaut.png', 'python3-skimage__chelsea.png'])(
    '%s: stripped PNG decodes to the same pixels',
    async (name) => {
      const original = await photo(name);
      const before = await decodePng(original.slice().buffer);
      const after = await decodePng(stripImageMetadata(original).slice().buffer);
      expect(Buffer.compare(Buffer.from(after.data.buffer), Buffer.from(before.data.buffer))).toBe(0);
    },
  );

  it('names PNG text, XMP and time chunks, and bytes after the end of an image', async () => {
    expect(
      findImageMetadata(await photo('python3-skimage__astronaut.png')).map((b) => `${b.container}:${b.kind}`),
    ).toEqual(['iCCP:colour_profile', 'pHYs:ancillary_chunk', 'tIME:timestamp', 'tEXt:text']);
    expect(findImageMetadata(await photo('python3-skimage__chelsea.png')).map((b) => b.kind)).toEqual([
      'colour_profile',
      'ancillary_chunk',
      'xmp',
    ]);
    const clean = stripImageMetadata(await photo('exif/gps.jpg'));
    const trailing = new Uint8Array([...clean, 0x45, 0x78, 0x69, 0x66]);
    expect(findImageMetadata(trailing)).toEqual([
      { kind: 'trailing_data', container: 'after EOI', offset: clean.length, length: 4 },
    ]);
  });

  it('refuses what is not a well-formed JPEG or PNG', async () => {
    const clean = stripImageMetadata(await photo('exif/gps.jpg'));
    expect(() => findImageMetadata(new Uint8Array([1, 2, 3]))).toThrow(ImageStructureError);
    expect(() => findImageMetadata(clean.subarray(0, clean.length - 2))).toThrow(/end-of-image/);
    expect(() => findImageMetadata(clean.subarray(0, 100))).toThrow(ImageStructureError);
    const png = stripImageMetadata(await photo('python3-skimage__coffee.png'));
    expect(() => findImageMetadata(png.subarray(0, png.length - 12))).toThrow(/IEND/);
    const criticalUnknown = png.slice();
    criticalUnknown.set([0x51, 0x51, 0x51, 0x51], 8 + 4); // rename IHDR to "QQQQ"
    expect(() => findImageMetadata(criticalUnknown)).toThrow(/IHDR/);
  });
});
