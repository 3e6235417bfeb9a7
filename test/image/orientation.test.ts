import { beforeAll, describe, expect, it } from 'vitest';
import { loadOpenCv } from '../../src/core/cv.ts';
import type { OpenCv } from '../../src/core/cv.ts';
import type { ImageDecoder } from '../../src/core/image/decode.ts';
import { nodeDecoder } from '../../src/core/image/decode.node.ts';
import { orientedSize } from '../../src/core/image/exif-orientation.ts';
import type { ExifOrientation } from '../../src/core/image/exif-orientation.ts';
import { readImageInfo } from '../../src/core/image/info.ts';
import { applyOrientation } from '../../src/core/image/orient.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';
import { meanAbsDiff, readData } from './helpers.ts';

let decode: ImageDecoder;
let cv: OpenCv;
beforeAll(async () => {
  [decode, cv] = await Promise.all([nodeDecoder(), loadOpenCv()]);
});

/** A grey image whose pixel values are the given labels, row by row. */
function grid(rows: number[][]): RgbaImage {
  const height = rows.length;
  const width = rows[0]?.length ?? 0;
  const data = new Uint8ClampedArray(rows.flat().flatMap((v) => [v, v, v, 255]));
  return { width, height, data };
}

describe('applyOrientation on a labelled 3 × 2 image', () => {
  // Stored:  a b c      The upright pictures below follow the EXIF 2.3 definitions of the tag
  //          d e f      ("0th row is the visual …, 0th column is the visual …"), worked out by hand.
  const [a, b, c, d, e, f] = [10, 20, 30, 40, 50, 60];
  const stored = grid([
    [a, b, c],
    [d, e, f],
  ]);
  const upright: Record<ExifOrientation, number[][]> = {
    1: [
      [a, b, c],
      [d, e, f],
    ],
    2: [
      [c, b, a],
      [f, e, d],
    ],
    3: [
      [f, e, d],
      [c, b, a],
    ],
    4: [
      [d, e, f],
      [a, b, c],
    ],
    5: [
      [a, d],
      [b, e],
      [c, f],
    ],
    6: [
      [d, a],
      [e, b],
      [f, c],
    ],
    7: [
      [f, c],
      [e, b],
      [d, a],
    ],
    8: [
      [c, f],
      [b, e],
      [a, d],
    ],
  };

  it.each(Object.entries(upright))('orientation %s', (key, rows) => {
    const orientation = Number(key) as ExifOrientation;
    const out = applyOrientation(cv, stored, orientation);
    expect(out).toEqual(grid(rows));
    expect(orientedSize(stored.width, stored.height, orientation)).toEqual({
      width: out.width,
      height: out.height,
    });
  });

  it('leaves the input untouched', () => {
    const copy = new Uint8ClampedArray(stored.data);
    applyOrientation(cv, stored, 6);
    expect(stored.data).toEqual(copy);
  });
});

describe('EXIF orientation of real photos', () => {
  it('reads the tag from the header', async () => {
    for (const n of [1, 3, 6, 8]) {
      const info = await readImageInfo(await readData(`photos/exif/orient-${n}.jpg`));
      expect(info.orientation).toBe(n);
      // Stored sideways for 6 and 8 (SOURCES.md).
      expect([info.width, info.height]).toEqual(n >= 5 ? [528, 800] : [800, 528]);
    }
  });

  it('orient-1, -3, -6 and -8 all come out as the same upright 800 × 528 picture', async () => {
    const reference = await decode(await readData('photos/exif/orient-1.jpg'));
    expect([reference.width, reference.height]).toEqual([800, 528]);
    for (const n of [3, 6, 8]) {
      const img = await decode(await readData(`photos/exif/orient-${n}.jpg`));
      expect([img.width, img.height]).toEqual([800, 528]);
      // Only chroma upsampling differs between the rotated JPEGs (ImageMagick: PSNR > 58 dB).
      expect(meanAbsDiff(img, reference)).toBeLessThan(1);
    }
  });

  it('a wrong rotation differs a lot', async () => {
    const reference = await decode(await readData('photos/exif/orient-1.jpg'));
    const upright = await decode(await readData('photos/exif/orient-6.jpg'));
    // Turning the upright picture by 180° keeps its size but puts the face upside down.
    expect(meanAbsDiff(applyOrientation(cv, upright, 3), reference)).toBeGreaterThan(20);
    // Mirroring it, the smallest possible mistake, is still far from the reference.
    expect(meanAbsDiff(applyOrientation(cv, upright, 2), reference)).toBeGreaterThan(10);
  });

  it('kphotoalbum__wayne.jpg, stored sideways with Orientation 1, is not "fixed"', async () => {
    const bytes = await readData('photos/kphotoalbum__wayne.jpg');
    expect((await readImageInfo(bytes)).orientation).toBe(1);
    const img = await decode(bytes);
    expect([img.width, img.height]).toEqual([800, 600]);
  });

  it('a photo without EXIF keeps its stored size', async () => {
    const img = await decode(await readData('photos/opencv-doc__messi5.jpg'));
    expect([img.width, img.height]).toEqual([548, 342]);
  });
});
