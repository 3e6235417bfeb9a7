import { describe, expect, it } from 'vitest';
import { MAX_IMAGE_PIXELS, MIN_IMAGE_SIDE_PX } from '../../src/core/config.ts';
import { decodeImage } from '../../src/core/image/decode.ts';
import { readImageInfo } from '../../src/core/image/info.ts';
import { analysisLargeEnough } from '../../src/core/pipeline/analysis-size.ts';
import { BAD_REFUSED } from './bad-expectations.ts';
import { expectRefusal, forbiddenCodecs, FORBIDDEN_WORDS, readData } from './helpers.ts';

// No codec is loaded anywhere in this file (vitest gives each test file fresh modules), so `forbiddenCodecs`
// fails any test whose input reaches a decoder: every refusal here must come from the headers.

describe('files of ../shared/data/bad refused before decoding', () => {
  it.each(Object.entries(BAD_REFUSED))('%s is refused as %s', async (file, code) => {
    const error = await expectRefusal(decodeImage(await readData(`bad/${file}`), forbiddenCodecs), code);
    expect(error.message.length).toBeGreaterThan(20);
    expect(error.message).not.toMatch(FORBIDDEN_WORDS);
  });
});

describe('the analysis decode (reduced) refuses the same files, also before decoding', () => {
  const options = { largeEnough: analysisLargeEnough({ width: 224, height: 224 }) };

  it.each(Object.entries(BAD_REFUSED))('%s is refused as %s', async (file, code) => {
    const bytes = await readData(`bad/${file}`);
    const whole = await expectRefusal(decodeImage(bytes, forbiddenCodecs), code);
    const reduced = await expectRefusal(decodeImage(bytes, forbiddenCodecs, undefined, options), code);
    expect(reduced.message).toBe(whole.message);
  });
});

describe('messages name the problem and the limit', () => {
  it('too large: the size and the limit', async () => {
    const error = await expectRefusal(
      decodeImage(await readData('bad/huge-dims-30000x30000.jpg'), forbiddenCodecs),
      'too_large',
    );
    expect(error.message).toContain('30000 × 30000');
    expect(error.message).toContain(`${MAX_IMAGE_PIXELS / 1_000_000} megapixels`);
  });

  it('too small: the size and the minimum side', async () => {
    const error = await expectRefusal(
      decodeImage(await readData('bad/1x1.jpg'), forbiddenCodecs),
      'too_small',
    );
    expect(error.message).toContain('1 × 1');
    expect(error.message).toContain(`${MIN_IMAGE_SIDE_PX} pixels`);
  });

  it('CMYK: says CMYK and what to do', async () => {
    const error = await expectRefusal(
      decodeImage(await readData('bad/cmyk.jpg'), forbiddenCodecs),
      'unsupported_format',
    );
    expect(error.message).toMatch(/CMYK/);
    expect(error.message).toMatch(/RGB JPEG/);
  });

  it('HEIC: named, with what to do', async () => {
    const error = await expectRefusal(
      decodeImage(await readData('photos/derived/digikam-data__body-background.heic'), forbiddenCodecs),
      'unsupported_format',
    );
    expect(error.message).toMatch(/^HEIC photos are not supported yet; export .*JPEG/);
    expect(error.message).not.toMatch(FORBIDDEN_WORDS);
  });

  it('limits can be set by the caller', async () => {
    const bytes = await readData('bad/blurry.jpg');
    await expectRefusal(
      decodeImage(bytes, forbiddenCodecs, { maxPixels: 800 * 532 - 1, minSidePx: 1 }),
      'too_large',
    );
    await expectRefusal(decodeImage(bytes, forbiddenCodecs, { maxPixels: 1e9, minSidePx: 533 }), 'too_small');
  });
});

describe('truncation', () => {
  it('truncated-40pct.jpg is caught although an EXIF thumbnail inside it ends with an end-of-image marker', async () => {
    const bytes = await readData('bad/truncated-40pct.jpg');
    const hasEoiPair = bytes.some((b, i) => b === 0xff && bytes[i + 1] === 0xd9);
    expect(hasEoiPair).toBe(true);
    await expectRefusal(decodeImage(bytes, forbiddenCodecs), 'truncated');
  });

  it('a PNG cut short is truncated, wherever it is cut', async () => {
    const png = await readData('photos/python3-skimage__coffee.png');
    for (const fraction of [0.01, 0.5, 0.999]) {
      await expectRefusal(
        decodeImage(png.subarray(0, Math.floor(png.length * fraction)), forbiddenCodecs),
        'truncated',
      );
    }
  });

  it('a WebP cut short is truncated', async () => {
    const webp = await readData('photos/derived/kphotoalbum__bar55.webp');
    for (const fraction of [0.5, 0.99]) {
      await expectRefusal(
        decodeImage(webp.subarray(0, Math.floor(webp.length * fraction)), forbiddenCodecs),
        'truncated',
      );
    }
  });

  it('a JPEG cut inside its headers is truncated', async () => {
    const jpeg = await readData('photos/kphotoalbum__jesper.jpg');
    await expectRefusal(decodeImage(jpeg.subarray(0, 300), forbiddenCodecs), 'truncated');
  });
});

describe('decompression bombs', () => {
  const bombs = Object.keys(BAD_REFUSED).filter((f) => f.startsWith('huge-'));

  it('are refused from the header without allocating their pixels', async () => {
    const inputs = await Promise.all(bombs.map((f) => readData(`bad/${f}`)));
    const before = process.memoryUsage();
    const t0 = performance.now();
    const reduced = { largeEnough: analysisLargeEnough({ width: 224, height: 224 }) };
    for (const bytes of inputs) {
      await expectRefusal(decodeImage(bytes, forbiddenCodecs), 'too_large');
      await expectRefusal(decodeImage(bytes, forbiddenCodecs, undefined, reduced), 'too_large');
    }
    const elapsedMs = performance.now() - t0;
    const after = process.memoryUsage();
    // Decoding any of them needs 2.7–3.6 GB; the refusal should cost next to nothing.
    const MiB = 1024 * 1024;
    expect((after.rss - before.rss) / MiB).toBeLessThan(64);
    expect((after.arrayBuffers - before.arrayBuffers) / MiB).toBeLessThan(16);
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('still report their header size through readImageInfo', async () => {
    const info = await readImageInfo(await readData('bad/huge-30000x30000.png'));
    expect(info).toEqual({ format: 'png', width: 30000, height: 30000, orientation: 1 });
  });
});
