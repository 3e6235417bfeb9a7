import { beforeAll, describe, expect, it } from 'vitest';
import { loadOpenCv } from '../../src/core/cv.ts';
import type { OpenCv } from '../../src/core/cv.ts';
import {
  RETAKE_HINTS,
  clippingSubscore,
  contrastSubscore,
  exposureSubscore,
  imageQualityScore,
  measureImageQuality,
  qualityScaleSize,
  sharpnessSubscore,
  DEFAULT_QUALITY_THRESHOLDS,
} from '../../src/core/quality/index.ts';
import type { QualityFlag } from '../../src/core/quality/index.ts';
import { greyImage, syntheticImage } from './helpers.ts';

let cv: OpenCv;
beforeAll(async () => {
  cv = await loadOpenCv();
});

const N = 512 * 512;

describe('quality figures on synthetic 512-px images (worked by hand)', () => {
  it('uniform grey: no Laplacian, no spread, brightness = level / 255, nothing clipped', () => {
    const q = measureImageQuality(
      cv,
      greyImage(512, 512, () => 100),
    );
    expect(q.blur_score).toBe(0);
    expect(q.contrast).toBe(0);
    expect(q.brightness).toBeCloseTo(100 / 255, 12);
    expect(q.clipped_fraction).toBe(0);
    expect(q.image_quality_score).toBe(0);
    expect(q.flags).toEqual(['blurry', 'low_contrast', 'uncertain']);
    expect(q.low_confidence).toBe(true);
  });

  it('one white pixel on black: Laplacian −1020 at it and +255 at its 4 neighbours', () => {
    const q = measureImageQuality(
      cv,
      greyImage(512, 512, (x, y) => (x === 256 && y === 256 ? 255 : 0)),
    );
    // Laplacian sums to 0, so its variance is the mean square: (1020² + 4·255²) / N.
    expect(q.blur_score).toBeCloseTo((1020 ** 2 + 4 * 255 ** 2) / N, 9);
    expect(q.brightness).toBeCloseTo(1 / N, 12);
    // grey/255 is 1 at one pixel, 0 elsewhere: variance 1/N − 1/N².
    expect(q.contrast).toBeCloseTo(Math.sqrt(1 / N - 1 / N ** 2), 12);
    expect(q.clipped_fraction).toBe(1);
  });

  it('left half black, right half white: contrast 0.5, everything clipped, Laplacian ±255 on the two edge columns', () => {
    const q = measureImageQuality(
      cv,
      greyImage(512, 512, (x) => (x < 256 ? 0 : 255)),
    );
    // 512 rows × 2 columns at ±255 (rows at the top and bottom are reflected, so no vertical term).
    expect(q.blur_score).toBeCloseTo((2 * 512 * 255 ** 2) / N, 9);
    expect(q.brightness).toBeCloseTo(0.5, 12);
    expect(q.contrast).toBeCloseTo(0.5, 12);
    expect(q.clipped_fraction).toBe(1);
    expect(q.image_quality_score).toBe(0);
    expect(q.flags).toEqual(['uncertain']);
  });

  it('measures at a 512-px long side, so larger copies give the same figures', () => {
    const half = (w: number, h: number) => greyImage(w, h, (x) => (x < w / 2 ? 0 : 255));
    // 512×384: 384 rows × 2 edge columns at ±255 over 512·384 pixels.
    const expected = (2 * 384 * 255 ** 2) / (512 * 384);
    for (const [w, h] of [
      [512, 384],
      [1024, 768],
      [2048, 1536],
    ] as const) {
      const q = measureImageQuality(cv, half(w, h));
      expect(q.blur_score).toBeCloseTo(expected, 9);
      expect(q.contrast).toBeCloseTo(0.5, 12);
    }
  });

  it('scale size: longest side 512, aspect kept, small images enlarged', () => {
    expect(qualityScaleSize(4032, 3024)).toEqual({ width: 512, height: 384 });
    expect(qualityScaleSize(3024, 4032)).toEqual({ width: 384, height: 512 });
    expect(qualityScaleSize(256, 192)).toEqual({ width: 512, height: 384 });
    expect(qualityScaleSize(2000, 1)).toEqual({ width: 512, height: 1 });
  });

  it('clipping: levels 0–5 and 250–255 count (2 % / 98 % of 255 = 5.1 / 249.9)', () => {
    const clipped = (v: number) =>
      measureImageQuality(
        cv,
        greyImage(512, 512, () => v),
      ).clipped_fraction;
    expect([0, 5, 6, 249, 250, 255].map(clipped)).toEqual([1, 1, 0, 0, 1, 1]);
  });

  it('grey uses BT.601 weights: red 0.299, green 0.587, blue 0.114 of 255, rounded', () => {
    const bright = (rgb: [number, number, number]) =>
      measureImageQuality(
        cv,
        syntheticImage(512, 512, () => rgb),
      ).brightness;
    expect(bright([255, 0, 0])).toBeCloseTo(76 / 255, 12);
    expect(bright([0, 255, 0])).toBeCloseTo(150 / 255, 12);
    expect(bright([0, 0, 255])).toBeCloseTo(29 / 255, 12);
  });

  it('flags too_small under 320 px on the shorter side of the original', () => {
    const noisy = (w: number, h: number) => greyImage(w, h, (x, y) => ((x * 7 + y * 13) % 17) * 12 + 30);
    expect(measureImageQuality(cv, noisy(400, 319)).flags).toContain('too_small');
    expect(measureImageQuality(cv, noisy(400, 320)).flags).not.toContain('too_small');
  });

  it('refuses malformed images and inconsistent thresholds', () => {
    expect(() => measureImageQuality(cv, { width: 2, height: 2, data: new Uint8ClampedArray(15) })).toThrow(
      RangeError,
    );
    expect(() => measureImageQuality(cv, { width: 0, height: 2, data: new Uint8ClampedArray(0) })).toThrow(
      RangeError,
    );
    expect(() =>
      measureImageQuality(
        cv,
        greyImage(8, 8, () => 9),
        { thresholds: { tooDark: 0.9 } },
      ),
    ).toThrow(RangeError);
  });

  it('honours a configured blur threshold', () => {
    const img = greyImage(512, 512, (x) => (x < 256 ? 0 : 255)); // blur_score 254
    expect(measureImageQuality(cv, img, { thresholds: { blur: 300 } }).flags).toContain('blurry');
    expect(measureImageQuality(cv, img, { thresholds: { blur: 200 } }).flags).not.toContain('blurry');
  });
});

describe('image_quality_score', () => {
  it('sub-scores are 0.5 at each flag threshold and follow their stated ramps', () => {
    expect(sharpnessSubscore(15, 15)).toBeCloseTo(0.5, 12);
    expect(sharpnessSubscore(3, 15)).toBeCloseTo(0, 12);
    expect(sharpnessSubscore(75, 15)).toBeCloseTo(1, 12);
    expect(sharpnessSubscore(15 * Math.sqrt(5), 15)).toBeCloseTo(0.75, 12);
    expect(sharpnessSubscore(0, 15)).toBe(0);
    expect(exposureSubscore(0.1, 0.1, 0.79)).toBeCloseTo(0.5, 12);
    expect(exposureSubscore(0.05, 0.1, 0.79)).toBeCloseTo(0.25, 12);
    expect(exposureSubscore(0.3, 0.1, 0.79)).toBe(1);
    expect(exposureSubscore(0.79, 0.1, 0.79)).toBeCloseTo(0.5, 12);
    expect(exposureSubscore(0.895, 0.1, 0.79)).toBeCloseTo(0.25, 12);
    expect(exposureSubscore(1, 0.1, 0.79)).toBe(0);
    expect(contrastSubscore(0.06, 0.06)).toBeCloseTo(0.5, 12);
    expect(contrastSubscore(0.03, 0.06)).toBeCloseTo(0.25, 12);
    expect(contrastSubscore(0.2, 0.06)).toBe(1);
    expect(clippingSubscore(0.25)).toBe(0.75);
  });

  it('is the product of the sub-scores', () => {
    const t = { ...DEFAULT_QUALITY_THRESHOLDS, blur: 15, tooDark: 0.1, tooBright: 0.79, lowContrast: 0.06 };
    const figures = {
      blur_score: 15 * Math.sqrt(5),
      brightness: 0.05,
      contrast: 0.2,
      clipped_fraction: 0.25,
    };
    expect(imageQualityScore(figures, t)).toBeCloseTo(0.75 * 0.25 * 1 * 0.75, 12);
  });

  it('is monotone: up with sharpness and contrast, down with clipping, peaked in brightness', () => {
    const t = DEFAULT_QUALITY_THRESHOLDS;
    const base = { blur_score: 20, brightness: 0.12, contrast: 0.07, clipped_fraction: 0.3 };
    const score = (over: Partial<typeof base>) => imageQualityScore({ ...base, ...over }, t);
    const steps = (values: number[], key: keyof typeof base) => values.map((v) => score({ [key]: v }));
    const nonDecreasing = (xs: number[]) => xs.every((x, i) => i === 0 || x >= xs[i - 1]!);
    expect(nonDecreasing(steps([0, 1, 5, 15, 30, 80, 1000], 'blur_score'))).toBe(true);
    expect(nonDecreasing(steps([0, 0.02, 0.06, 0.1, 0.3], 'contrast'))).toBe(true);
    expect(nonDecreasing(steps([1, 0.6, 0.3, 0.1, 0], 'clipped_fraction'))).toBe(true);
    expect(nonDecreasing(steps([0, 0.05, 0.1, 0.2, 0.4], 'brightness'))).toBe(true);
    expect(nonDecreasing(steps([1, 0.9, 0.79, 0.6, 0.5], 'brightness'))).toBe(true);
    expect(score({ blur_score: 1e4, brightness: 0.45, contrast: 0.3, clipped_fraction: 0 })).toBe(1);
  });
});

describe('retake hints', () => {
  it('every flag has a plain hint without alarming or medical words', () => {
    const flags: QualityFlag[] = [
      'blurry',
      'too_dark',
      'too_bright',
      'low_contrast',
      'too_small',
      'uncertain',
    ];
    for (const flag of flags) {
      const hint = RETAKE_HINTS[flag];
      expect(hint.length).toBeGreaterThan(20);
      expect(hint).not.toMatch(
        /risk|abnormal|suspicious|concerning|diagnos|disease|cancer|tumou?r|malignan|lesion/i,
      );
    }
  });

  it('a result lists one hint per flag, in order', () => {
    const q = measureImageQuality(
      cv,
      greyImage(300, 200, () => 3),
    );
    expect(q.flags).toEqual(['blurry', 'too_dark', 'low_contrast', 'too_small', 'uncertain']);
    expect(q.hints).toEqual(q.flags.map((f) => RETAKE_HINTS[f]));
  });
});
