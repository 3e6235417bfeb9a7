import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageDecoder } from '../../src/core/image/decode.ts';
import { nodeDecoder } from '../../src/core/image/decode.node.ts';
import { readImageInfo } from '../../src/core/image/info.ts';
import { PHOTOS_DIR, readData } from './helpers.ts';

/** A row of photos/manifest.json: facts recorded when the data set was made, independent of this code. */
interface ManifestRow {
  file: string;
  mime: string;
  width: number;
  height: number;
  exif_orientation: number | null;
}

const FORMATS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
};
/** Decoding every photo end to end is slow on a shared 2-core machine; the largest are covered elsewhere. */
const MAX_DECODED_PIXELS = 10_000_000;

const manifest = JSON.parse(await readFile(`${PHOTOS_DIR}manifest.json`, 'utf8')) as ManifestRow[];

let decode: ImageDecoder;
beforeAll(async () => {
  decode = await nodeDecoder();
});

describe('every photo of the shared data set', () => {
  it('is listed in the manifest with a format BCD decodes', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(28);
    for (const row of manifest) expect(Object.keys(FORMATS)).toContain(row.mime);
  });

  it.each(manifest.map((row) => [row.file, row] as const))(
    '%s: header read as the manifest records it',
    async (file, row) => {
      const info = await readImageInfo(await readData(`photos/${file}`));
      expect(info).toEqual({
        format: FORMATS[row.mime],
        width: row.width,
        height: row.height,
        orientation: row.exif_orientation ?? 1,
      });
    },
  );

  it.each(
    manifest
      .filter((row) => row.width * row.height <= MAX_DECODED_PIXELS)
      .map((row) => [row.file, row] as const),
  )('%s: decodes to its recorded size', async (file, row) => {
    const img = await decode(await readData(`photos/${file}`));
    expect([img.width, img.height, img.data.length]).toEqual([
      row.width,
      row.height,
      row.width * row.height * 4,
    ]);
  });
});
