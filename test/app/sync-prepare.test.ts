import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import exifr from 'exifr';
import { describe, expect, it } from 'vitest';
import { findImageMetadata, stripImageMetadata } from '../../src/sync/image-metadata.ts';
import { prepareImage, preparationPlan, type UprightEncoder } from '../../src/app/sync/prepare-image.ts';

const PHOTOS = join(import.meta.dirname, '../../../shared/data/photos');

async function photo(name: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await readFile(join(PHOTOS, name)));
}

/** Stands in for the browser's canvas encoder: records its calls, answers with a photo that carries EXIF and GPS. */
function fakeEncoder(): { encode: UprightEncoder; calls: (string | null)[] } {
  const calls: (string | null)[] = [];
  return {
    calls,
    encode: async (_original, format) => {
      calls.push(format);
      return { bytes: await photo('exif/gps.jpg'), contentType: 'image/jpeg' };
    },
  };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('preparing a photo for upload', () => {
  it('strips an upright JPEG or PNG losslessly and re-encodes a sideways photo or another format', () => {
    expect(preparationPlan('jpeg', 1)).toBe('strip');
    expect(preparationPlan('png', 1)).toBe('strip');
    for (const orientation of [2, 3, 4, 5, 6, 7, 8])
      expect(preparationPlan('jpeg', orientation)).toBe('re-encode');
    expect(preparationPlan(null, 1)).toBe('re-encode');
  });

  it('removes GPS and EXIF from an upright camera JPEG, keeping its picture data byte for byte', async () => {
    const original = await photo('npm-exif-parser__starfish.jpg');
    expect((await exifr.gps(original))?.latitude).toBeGreaterThan(0);
    const { encode, calls } = fakeEncoder();
    const prepared = await prepareImage(new Blob([original]), encode);
    const bytes = new Uint8Array(await prepared.bytes.arrayBuffer());
    expect(calls).toEqual([]);
    expect(prepared).toMatchObject({ method: 'stripped', content_type: 'image/jpeg' });
    expect(bytes).toEqual(stripImageMetadata(original));
    expect(prepared.sha256).toBe(sha256(bytes));
    expect(findImageMetadata(bytes)).toEqual([]);
    expect(await exifr.parse(bytes, { gps: true, xmp: true, iptc: true })).toBeUndefined();
  });

  it('removes the XMP of a PNG', async () => {
    const original = await photo('python3-skimage__chelsea.png');
    expect(findImageMetadata(original).length).toBeGreaterThan(0);
    const prepared = await prepareImage(new Blob([original]), fakeEncoder().encode);
    expect(prepared).toMatchObject({ method: 'stripped', content_type: 'image/png' });
    expect(findImageMetadata(new Uint8Array(await prepared.bytes.arrayBuffer()))).toEqual([]);
  });

  it('draws a sideways photo upright and a WebP as JPEG, stripping whatever the encoder left', async () => {
    for (const [name, format] of [
      ['exif/orient-6.jpg', 'jpeg'],
      ['derived/kphotoalbum__bar55.webp', null],
    ] as const) {
      const { encode, calls } = fakeEncoder();
      const prepared = await prepareImage(new Blob([await photo(name)]), encode);
      expect(calls, name).toEqual([format]);
      expect(prepared.method, name).toBe('re-encoded');
      const bytes = new Uint8Array(await prepared.bytes.arrayBuffer());
      expect(findImageMetadata(bytes), name).toEqual([]);
      expect(await exifr.gps(bytes), name).toBeUndefined();
    }
  });
});
