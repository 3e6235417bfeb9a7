import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import encode, { init as initEncoder } from '@jsquash/jpeg/encode.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOpenCv } from '../../src/core/cv.ts';
import type { OpenCv } from '../../src/core/cv.ts';
import type { DecodedImage, ImageDecoder } from '../../src/core/image/decode.ts';
import { nodeCodecLoader, nodeDecoder } from '../../src/core/image/decode.node.ts';
import { readImageInfo } from '../../src/core/image/info.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';
import { decodeJpegReduced } from '../../src/core/image/reduced-jpeg.ts';
import type { LargeEnough } from '../../src/core/image/reduction.ts';
import { shrinkImage } from '../../src/core/image/shrink.ts';
import { analysisLargeEnough } from '../../src/core/pipeline/analysis-size.ts';
import { expectRefusal, meanAbsDiff, readData } from './helpers.ts';

let decode: ImageDecoder;
let cv: OpenCv;
beforeAll(async () => {
  [decode, cv] = await Promise.all([nodeDecoder(), loadOpenCv()]);
});

/** A `largeEnough` that is satisfied down to exactly 1/`denominator` of an upright `width`. */
const downTo =
  (denominator: number, width: number): LargeEnough =>
  (w) =>
    w >= Math.ceil(width / denominator);

/** Share (0–1) of the colour samples of two same-sized images that differ by more than `levels`. */
function shareOff(a: RgbaImage, b: RgbaImage, levels: number): number {
  let off = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) if (Math.abs((a.data[i + c] ?? 0) - (b.data[i + c] ?? 0)) > levels) off++;
  }
  return off / ((a.data.length / 4) * 3);
}

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};

/**
 * JPEGs with what makes DCT scaling differ: a 12 MP baseline photo, a progressive one (2560 × 3837, 4:2:2), sides
 * that 8 does not divide (1920 × 1537), and EXIF orientation 6.
 */
const JPEGS = [
  'photos/digikam-data__body-background.jpg',
  'photos/lomiri-wallpapers-16.04__Wine_by_Jakkub_Mede.jpg',
  'photos/npm-vladmandic-face-api__sample6.jpg',
  'photos/exif/orient-6.jpg',
];

describe('a reduced JPEG decode', () => {
  it.each(JPEGS)(
    '%s: each reduction gives ceil(side / n), upright, and the photo’s own size',
    async (file) => {
      const bytes = await readData(file);
      const full = await decode(bytes);
      expect(full.reduction).toBe(1);
      for (const n of [2, 4, 8] as const) {
        const img = await decode(bytes, { largeEnough: downTo(n, full.width) });
        expect(img.reduction).toBe(n);
        expect([img.width, img.height]).toEqual([Math.ceil(full.width / n), Math.ceil(full.height / n)]);
        expect(img.data.length).toBe(img.width * img.height * 4);
        expect(img.original).toEqual({ width: full.width, height: full.height });
      }
    },
  );

  it.each(JPEGS)('%s: matches the whole decode averaged over the same blocks', async (file) => {
    const bytes = await readData(file);
    const full = await decode(bytes);
    for (const n of [2, 4, 8]) {
      const img = await decode(bytes, { largeEnough: downTo(n, full.width) });
      const reference = shrinkImage(cv, full, n);
      // Measured: 0.23–1.16 grey levels on these photos (the inverse DCT of the low frequencies is not exactly a
      // block mean); a copy shifted by one pixel or turned the wrong way is off by 5 and more.
      expect(meanAbsDiff(img, reference), `${file} 1/${n}`).toBeLessThan(1.5);
      expect(shareOff(img, reference, 16), `${file} 1/${n}`).toBeLessThan(0.005);
    }
  });

  it('comes from libjpeg-turbo’s DCT scaling, not from a whole decode shrunk afterwards', async () => {
    const bytes = await readData('photos/digikam-data__body-background.jpg');
    const img = await decode(bytes, { largeEnough: downTo(4, 4032) });
    const direct = await decodeJpegReduced(bytes, 4032, 3024, 4, nodeCodecLoader);
    expect(direct).toBeDefined();
    expect(img.data).toEqual(direct?.data);
    expect(meanAbsDiff(img, shrinkImage(cv, await decode(bytes), 4))).toBeGreaterThan(0);
  });

  it('decodes a greyscale JPEG to grey RGBA', async () => {
    const require = createRequire(import.meta.url);
    const wasmBinary = await readFile(require.resolve('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm'));
    await initEncoder({ wasmBinary } as Parameters<typeof initEncoder>[0]);
    const [width, height] = [1200, 900];
    const data = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      data.fill(((i % width) * 7 + Math.floor(i / width) * 3) & 255, i * 4, i * 4 + 3);
      data[i * 4 + 3] = 255;
    }
    // MozJPEG's JCS_GRAYSCALE (1): a one-component JPEG.
    const grey = new Uint8Array(await encode({ width, height, data } as ImageData, { color_space: 1 }));
    const img = await decode(grey, { largeEnough: downTo(4, width) });
    expect([img.width, img.height, img.reduction]).toEqual([300, 225, 4]);
    for (let i = 0; i < img.data.length; i += 4) {
      expect([img.data[i + 1], img.data[i + 2], img.data[i + 3]]).toEqual([img.data[i], img.data[i], 255]);
    }
    expect(meanAbsDiff(img, shrinkImage(cv, await decode(grey), 4))).toBeLessThan(1.5);
  });
});

describe('a reduced PNG or WebP decode', () => {
  it.each([
    ['photos/python3-skimage__astronaut.png', 512, 512],
    ['photos/python3-skimage__chelsea.png', 451, 300],
    ['photos/derived/kphotoalbum__bar55.webp', 800, 600],
  ])('%s is decoded whole, then averaged over blocks', async (file, width, height) => {
    const bytes = await readData(file);
    const full = await decode(bytes);
    const img = await decode(bytes, { largeEnough: downTo(2, width) });
    expect([img.width, img.height, img.reduction]).toEqual([Math.ceil(width / 2), Math.ceil(height / 2), 2]);
    expect(img.original).toEqual({ width, height });
    expect(img.data).toEqual(shrinkImage(cv, full, 2).data);
  });
});

describe('the analysis decode', () => {
  const largeEnough = analysisLargeEnough({ width: 224, height: 224 });

  it.each([
    // 1/8 would leave 378 px on the shorter side, under the 448 the model's working copy needs.
    ['photos/digikam-data__body-background.jpg', 4, 1008, 756],
    ['photos/mate-backgrounds__Elephants_5640x3172.jpg', 4, 1410, 793],
    ['photos/npm-vladmandic-face-api__sample6.jpg', 2, 960, 769],
    // Under 896 px on the shorter side: nothing to spare.
    ['photos/kphotoalbum__bar55.jpg', 1, 800, 600],
  ])('%s is decoded at 1/%i: %i × %i', async (file, n, width, height) => {
    const img = await decode(await readData(file), { largeEnough });
    expect([img.reduction, img.width, img.height]).toEqual([n, width, height]);
  });
});

describe('refusals and warnings with a reduced decode', () => {
  /** 1/2 of the 800-px-wide photos below. */
  const largeEnough = downTo(2, 800);

  it('a cut JPEG with an end-of-image marker appended is truncated, with libjpeg’s warning', async () => {
    const cut = await readData('bad/truncated-40pct.jpg');
    const error = await expectRefusal(
      decode(concat(cut, new Uint8Array([0xff, 0xd9])), { largeEnough }),
      'truncated',
    );
    expect(error.message).toMatch(/premature end of data segment/);
  });

  it("a JPEG the codecs cannot decode is corrupt, with mozjpeg's reason, and the next one still decodes", async () => {
    const jpeg = new Uint8Array(await readData('bad/blurry.jpg'));
    let at = 2;
    while (jpeg[at + 1] !== 0xc0) at += 2 + (((jpeg[at + 2] ?? 0) << 8) | (jpeg[at + 3] ?? 0));
    jpeg[at + 4] = 12;
    const error = await expectRefusal(decode(jpeg, { largeEnough }), 'corrupt');
    expect(error.message).toMatch(/precision 12/);
    const img = await decode(await readData('bad/blurry.jpg'), { largeEnough });
    expect([img.width, img.height, img.reduction]).toEqual([400, 266, 2]);
  });

  it('a harmless libjpeg warning (stray bytes before the end marker) still gives the reduced photo', async () => {
    const jpeg = await readData('photos/kphotoalbum__bar55.jpg');
    let eoi = jpeg.length - 2;
    while (jpeg[eoi] !== 0xff || jpeg[eoi + 1] !== 0xd9) eoi--;
    const stray = concat(jpeg.subarray(0, eoi), new Uint8Array([0x12, 0x34]), jpeg.subarray(eoi));
    // TurboJPEG reports the warning, so the whole decode (mozjpeg, which accepts it) is shrunk instead.
    expect(await decodeJpegReduced(stray, 800, 600, 2, nodeCodecLoader)).toBeUndefined();
    const img: DecodedImage = await decode(stray, { largeEnough });
    expect([img.width, img.height, img.reduction]).toEqual([400, 300, 2]);
    expect(meanAbsDiff(img, await decode(jpeg, { largeEnough }))).toBeLessThan(1.5);
  });

  it('the size limits apply to the photo, not to the reduced copy', async () => {
    const bytes = await readData('bad/blurry.jpg');
    const info = await readImageInfo(bytes);
    const decoder = await nodeDecoder({ maxPixels: info.width * info.height - 1, minSidePx: 1 });
    await expectRefusal(decoder(bytes, { largeEnough }), 'too_large');
  });
});
