import { readdir } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageDecoder } from '../../src/core/image/decode.ts';
import { nodeDecoder } from '../../src/core/image/decode.node.ts';
import { readImageInfo } from '../../src/core/image/info.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';
import { BAD_DECODED, BAD_REFUSED } from './bad-expectations.ts';
import { BAD_DIR, readData } from './helpers.ts';

// The refusals are checked in refusals.test.ts, where no codec is ever loaded.

/** Mean Rec. 601 luma of an RGBA image, 0–1. */
function meanGrey(img: RgbaImage): number {
  let sum = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    sum += 0.299 * (img.data[i] ?? 0) + 0.587 * (img.data[i + 1] ?? 0) + 0.114 * (img.data[i + 2] ?? 0);
  }
  return sum / (img.width * img.height) / 255;
}

let decode: ImageDecoder;
beforeAll(async () => {
  decode = await nodeDecoder();
});

describe('every file in ../shared/data/bad', () => {
  it('has an expected outcome', async () => {
    const files = (await readdir(BAD_DIR)).filter((f) => f !== 'README.md').sort();
    expect(files).toEqual([...Object.keys(BAD_REFUSED), ...Object.keys(BAD_DECODED)].sort());
  });

  it.each(Object.entries(BAD_DECODED))('%s decodes', async (file, expected) => {
    const img = await decode(await readData(`bad/${file}`));
    expect([img.width, img.height]).toEqual([expected.width, expected.height]);
    expect(img.data.length).toBe(expected.width * expected.height * 4);
    if (expected.meanGrey !== undefined) expect(meanGrey(img)).toBeCloseTo(expected.meanGrey, 1);
  });

  it('png-renamed.jpg is recognised as PNG from its bytes, not its name', async () => {
    expect((await readImageInfo(await readData('bad/png-renamed.jpg'))).format).toBe('png');
  });
});
