import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOpenCv } from '../../src/core/cv.ts';
import type { OpenCv } from '../../src/core/cv.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';
import { measureImageQuality, qualityScaleSize } from '../../src/core/quality/index.ts';
import type { ImageQuality } from '../../src/core/quality/index.ts';
import { matBytes } from '../../src/core/quality/raster-mat.ts';
import { BAD_DIR, PHOTOS_DIR, decodePhoto } from './helpers.ts';

/** Ordinary photos of the shared set that are at least 320 px on the shorter side. */
const ORDINARY = [
  'digikam-data__body-background.jpg',
  'kphotoalbum__anne_helene.jpg',
  'kphotoalbum__bar55.jpg',
  'kphotoalbum__cold_water.jpg',
  'kphotoalbum__jesper.jpg',
  'kphotoalbum__new_wave_2.jpg',
  'kphotoalbum__wayne.jpg',
  'npm-vladmandic-face-api__sample1.jpg',
  'npm-vladmandic-face-api__sample6.jpg',
  'opencv-doc__fruits.jpg',
  'opencv-doc__messi5.jpg',
  'python-matplotlib-data__grace_hopper.jpg',
  'python3-skimage__astronaut.png',
  'python3-skimage__coffee.png',
  'python3-skimage__rocket.jpg',
  'python3-sklearn__china.jpg',
];
const EXPOSURE_OR_BLUR = ['blurry', 'too_dark', 'too_bright'] as const;

let cv: OpenCv;
let original: RgbaImage;
let variants: Record<'original' | 'blurry' | 'dark' | 'overexposed', ImageQuality>;

beforeAll(async () => {
  cv = await loadOpenCv();
  original = await decodePhoto(join(PHOTOS_DIR, 'kphotoalbum__jesper_2.jpg'));
  const damaged = async (name: string) =>
    measureImageQuality(cv, await decodePhoto(join(BAD_DIR, `${name}.jpg`)));
  variants = {
    original: measureImageQuality(cv, original),
    blurry: await damaged('blurry'),
    dark: await damaged('dark'),
    overexposed: await damaged('overexposed'),
  };
});

describe('jesper_2 and its damaged copies (../shared/data/bad)', () => {
  it('the original gets no flag', () => {
    expect(variants.original.flags).toEqual([]);
  });

  it('each damaged copy gets its flag and scores below the original', () => {
    expect(variants.blurry.flags).toContain('blurry');
    expect(variants.dark.flags).toContain('too_dark');
    expect(variants.overexposed.flags).toContain('too_bright');
    for (const name of ['blurry', 'dark', 'overexposed'] as const) {
      expect(variants[name].flags).toContain('uncertain');
      expect(variants[name].image_quality_score).toBeLessThan(variants.original.image_quality_score);
    }
  });

  it("agrees with the README's ImageMagick figures (mean grey, clipped shares)", () => {
    expect(variants.original.brightness).toBeCloseTo(0.456, 1);
    expect(variants.blurry.brightness).toBeCloseTo(0.456, 1);
    expect(Math.abs(variants.dark.brightness - 0.055)).toBeLessThan(0.01);
    expect(Math.abs(variants.overexposed.brightness - 0.828)).toBeLessThan(0.015);
    expect(variants.original.clipped_fraction).toBeLessThan(0.005); // 0.0009 + 0.0014
    expect(Math.abs(variants.dark.clipped_fraction - 0.209)).toBeLessThan(0.01);
    expect(Math.abs(variants.overexposed.clipped_fraction - 0.661)).toBeLessThan(0.02);
    // README: the blur divides the Laplacian's standard deviation by about 15, so its variance by ~200.
    expect(variants.original.blur_score / variants.blurry.blur_score).toBeGreaterThan(50);
  });

  it('a smaller copy does not measure sharper than the full photo', () => {
    const small = new cv.Mat();
    const full = new cv.Mat(original.height, original.width, cv.CV_8UC4);
    try {
      matBytes(full).set(original.data);
      cv.resize(full, small, new cv.Size(256, 170), 0, 0, cv.INTER_AREA);
      const q = measureImageQuality(cv, {
        width: 256,
        height: 170,
        data: new Uint8ClampedArray(matBytes(small)),
      });
      expect(q.blur_score).toBeLessThan(variants.original.blur_score);
      expect(q.flags).toContain('too_small');
    } finally {
      small.delete();
      full.delete();
    }
  });
});

describe('BLUR_THRESHOLD calibration (config.ts)', () => {
  it.each(['kphotoalbum__jesper_2.jpg', 'kphotoalbum__cold_water.jpg', 'opencv-doc__leuvenA.jpg'])(
    '%s: a Gaussian blur of σ = 1.5 px at the 512-px scale is flagged blurry, σ = 1 px is not',
    async (file) => {
      const photo = await decodePhoto(join(PHOTOS_DIR, file));
      const size = qualityScaleSize(photo.width, photo.height);
      const mats = [new cv.Mat(photo.height, photo.width, cv.CV_8UC4), new cv.Mat(), new cv.Mat()] as const;
      const [full, scaled, blurred] = mats;
      try {
        matBytes(full).set(photo.data);
        cv.resize(full, scaled, new cv.Size(size.width, size.height), 0, 0, cv.INTER_AREA);
        const flagsAt = (sigma: number) => {
          cv.GaussianBlur(scaled, blurred, new cv.Size(0, 0), sigma, sigma);
          const data = new Uint8ClampedArray(matBytes(blurred));
          return measureImageQuality(cv, { width: size.width, height: size.height, data }).flags;
        };
        expect(flagsAt(1.5)).toContain('blurry');
        expect(flagsAt(1)).not.toContain('blurry');
      } finally {
        for (const m of mats) m.delete();
      }
    },
  );
});

describe('ordinary photos (../shared/data/photos)', () => {
  it.each(ORDINARY)('%s is neither blurry, too dark nor too bright', async (file) => {
    const q = measureImageQuality(cv, await decodePhoto(join(PHOTOS_DIR, file)));
    for (const flag of EXPOSURE_OR_BLUR) expect(q.flags).not.toContain(flag);
    expect(q.image_quality_score).toBeGreaterThanOrEqual(0.5);
  });
});
