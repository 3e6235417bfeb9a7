import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prepareImage } from '../../src/app/sync/prepare-image.ts';
import { detectImageFormat, findImageMetadata, stripImageMetadata } from '../../src/sync/image-metadata.ts';
import { checkPngDataEnds } from '../../server/services/png-data-check.ts';
import { photo, PHOTOS } from './helpers.ts';

/** Every JPEG and PNG of the shared photos, the EXIF set included. */
const PHOTO_NAMES = [
  ...readdirSync(PHOTOS).filter((name) => /\.(jpe?g|png)$/.test(name)),
  ...readdirSync(`${PHOTOS}/exif`).map((name) => `exif/${name}`),
];

/**
 * The two policies built on the one walker agree: what the device's stripper keeps is exactly what the server's
 * allow-list check lets through, for every shared photo, so no photo the outbox strips is refused for its structure
 * or metadata.
 */
describe("the device's stripped photos pass the server's check", () => {
  it('covers JPEG and PNG photos', () => {
    const formats = new Set(PHOTO_NAMES.map((name) => name.split('.').pop()));
    expect(formats).toEqual(new Set(['jpg', 'png']));
  });

  it.each(PHOTO_NAMES)('%s', async (name) => {
    const original = await photo(name);
    // The stripper must not refuse (the outbox would then draw the photo again instead of stripping it).
    const stripped = stripImageMetadata(original);
    expect(findImageMetadata(stripped)).toEqual([]);
    if (detectImageFormat(stripped) === 'png') expect(() => checkPngDataEnds(stripped)).not.toThrow();
  });

  it.each(PHOTO_NAMES.filter((name) => !/orient-[2-8]/.test(name)))(
    '%s: the outbox prepares it by stripping, and the result passes',
    async (name) => {
      const original = await photo(name);
      const refuseToEncode = () => Promise.reject(new Error(`${name} was re-encoded instead of stripped`));
      const prepared = await prepareImage(new Blob([new Uint8Array(original)]), refuseToEncode);
      expect(prepared.method).toBe('stripped');
      const bytes = new Uint8Array(await prepared.bytes.arrayBuffer());
      expect(Buffer.compare(Buffer.from(bytes), Buffer.from(stripImageMetadata(original)))).toBe(0);
      expect(findImageMetadata(bytes)).toEqual([]);
    },
  );
});
