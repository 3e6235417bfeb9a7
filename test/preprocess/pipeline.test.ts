import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOpenCv } from '../../src/core/cv.ts';
import type { OpenCv } from '../../src/core/cv.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';
import { preprocessForModel } from '../../src/core/preprocess/index.ts';
import type { ModelManifest } from '../../src/model/manifest.ts';
import { BAD_DIR, PHOTOS_DIR, decodePhoto, syntheticImage } from '../quality/helpers.ts';

type Spec = Pick<ModelManifest, 'input' | 'normalization'>;
const spec = (layout: 'NCHW' | 'NHWC', width = 224, height = 224): Spec => ({
  input: { name: 'input', layout, width, height, channels: 3 },
  normalization: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
});

/** Mean BT.601 luminance (0–1) of RGBA bytes. */
const meanLuma = (rgba: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < rgba.length; i += 4)
    sum += 0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!;
  return sum / (rgba.length / 4) / 255;
};

let cv: OpenCv;
let jesper: RgbaImage;
beforeAll(async () => {
  cv = await loadOpenCv();
  jesper = await decodePhoto(join(PHOTOS_DIR, 'kphotoalbum__jesper_2.jpg'));
});

describe('preprocessForModel', () => {
  it('returns a 224×224 tensor in the manifest layout and the RGBA the model saw', () => {
    const p = preprocessForModel(cv, jesper, spec('NCHW'));
    expect(p.tensor).toHaveLength(3 * 224 * 224);
    expect(p.dims).toEqual([1, 3, 224, 224]);
    expect(p.rgba).toHaveLength(224 * 224 * 4);
    expect(p.region).toEqual({ x: 134, y: 0, width: 532, height: 532 }); // (800 − 532) / 2
    expect(p.rgba.filter((_, i) => i % 4 === 3 && p.rgba[i] !== 255)).toHaveLength(0);
    expect(preprocessForModel(cv, jesper, spec('NHWC')).dims).toEqual([1, 224, 224, 3]);
  });

  it('the tensor is (rgb/255 − mean)/std of the returned pixels, NCHW and NHWC the same values', () => {
    const s = spec('NCHW');
    const nchw = preprocessForModel(cv, jesper, s);
    const nhwc = preprocessForModel(cv, jesper, spec('NHWC'));
    expect(nhwc.rgba).toEqual(nchw.rgba);
    const P = 224 * 224;
    let worst = 0;
    let moved = 0;
    for (let p = 0; p < P; p++) {
      for (let c = 0; c < 3; c++) {
        const expected = (nchw.rgba[p * 4 + c]! / 255 - s.normalization.mean[c]!) / s.normalization.std[c]!;
        worst = Math.max(worst, Math.abs(nchw.tensor[c * P + p]! - expected));
        if (nhwc.tensor[p * 3 + c] !== nchw.tensor[c * P + p]) moved++;
      }
    }
    expect(worst).toBeLessThan(1e-5);
    expect(moved).toBe(0);
  });

  it('keeps only the centre square: red | green | blue thirds give an all-green input', () => {
    const thirds = syntheticImage(672, 224, (x) =>
      x < 224 ? [200, 30, 30] : x < 448 ? [30, 200, 30] : [30, 30, 200],
    );
    const p = preprocessForModel(cv, thirds, spec('NCHW'));
    expect(p.region).toEqual({ x: 224, y: 0, width: 224, height: 224 });
    let notGreen = 0;
    for (let i = 0; i < p.rgba.length; i += 4) {
      if (!(p.rgba[i + 1]! > p.rgba[i]! + 50 && p.rgba[i + 1]! > p.rgba[i + 2]! + 50)) notGreen++;
    }
    expect(notGreen).toBe(0);
  });

  it('crops to the aspect of a non-square model input', () => {
    const p = preprocessForModel(cv, jesper, spec('NHWC', 112, 224));
    expect(p.region).toEqual({ x: 267, y: 0, width: 266, height: 532 });
    expect(p.dims).toEqual([1, 224, 112, 3]);
    expect(p.tensor).toHaveLength(3 * 112 * 224);
  });

  it('equalises with CLAHE at clip limit 2: a flat 41-level histogram is stretched about 2.7×, not 6.2×', () => {
    // Grey levels 100–140, uniform, constant over 2×2 blocks so the final 2:1 INTER_AREA keeps them. Per tile, each
    // of the 41 bins holds N/41 > the clip limit 2·N/256; clipping leaves 2/256 per bin plus the excess
    // (1 − 82/256) spread over all 256 bins, so the mapping's slope inside the range is 255·(2 + 0.68)/256 ≈ 2.67
    // (plain histogram equalisation: 255/41 ≈ 6.2; none: 1).
    const level = (x: number, y: number) =>
      100 + ((Math.imul((x >> 1) * 7919 + (y >> 1), 2654435761) >>> 0) % 41);
    const flat = syntheticImage(448, 448, (x, y) => [level(x, y), level(x, y), level(x, y)]);
    const std = (values: number[]) => {
      const m = values.reduce((a, b) => a + b, 0) / values.length;
      return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
    };
    const p = preprocessForModel(cv, flat, spec('NCHW'));
    expect(p.exposureGamma).toBe(1);
    const before = std(Array.from({ length: 448 * 448 }, (_, i) => flat.data[i * 4]!));
    const after = std(Array.from({ length: 224 * 224 }, (_, i) => p.rgba[i * 4 + 1]!));
    expect(after / before).toBeGreaterThan(2.2);
    expect(after / before).toBeLessThan(3.2);
  });

  it('keeps colour: a skin-tone image stays red > green > blue after equalisation', () => {
    const skin = syntheticImage(400, 300, (x, y) => {
      const d = ((x * 31 + y * 17) % 23) - 11;
      return [197 + d, 140 + d, 109 + d];
    });
    const p = preprocessForModel(cv, skin, spec('NCHW'));
    const mean = [0, 1, 2].map((c) => {
      let s = 0;
      for (let i = c; i < p.rgba.length; i += 4) s += p.rgba[i]!;
      return s / (224 * 224);
    });
    expect(mean[0]).toBeGreaterThan(mean[1]! + 20);
    expect(mean[1]).toBeGreaterThan(mean[2]! + 10);
  });

  it('corrects only extreme exposure, up to the edge of the band', async () => {
    const dark = await decodePhoto(join(BAD_DIR, 'dark.jpg'));
    const bright = await decodePhoto(join(BAD_DIR, 'overexposed.jpg'));
    const p = {
      original: preprocessForModel(cv, jesper, spec('NCHW')),
      dark: preprocessForModel(cv, dark, spec('NCHW')),
      bright: preprocessForModel(cv, bright, spec('NCHW')),
    };
    expect(p.original.exposureGamma).toBe(1);
    expect(p.dark.exposureGamma).toBeLessThan(1);
    expect(p.bright.exposureGamma).toBeGreaterThan(1);
    // The dark copy (mean 0.055) is lifted to the band's lower edge, 0.20 (less a little for crop and CLAHE), not to
    // the original's 0.46; the overexposed one (0.82) comes down to at most the upper edge, 0.79.
    expect(meanLuma(dark.data)).toBeLessThan(0.06);
    expect(meanLuma(p.dark.rgba)).toBeGreaterThan(0.18);
    expect(meanLuma(p.dark.rgba)).toBeLessThan(meanLuma(p.original.rgba) - 0.1);
    expect(meanLuma(p.bright.rgba)).toBeLessThan(0.8);
  });

  it('enlarges an input smaller than the model', () => {
    const tiny = syntheticImage(100, 80, (x, y) => [x * 2, y * 3, 128]);
    const p = preprocessForModel(cv, tiny, spec('NCHW'));
    expect(p.region).toEqual({ x: 10, y: 0, width: 80, height: 80 });
    expect(p.tensor).toHaveLength(3 * 224 * 224);
    expect(p.tensor.every(Number.isFinite)).toBe(true);
  });

  it('refuses malformed images and options', () => {
    expect(() =>
      preprocessForModel(cv, { width: 3, height: 3, data: new Uint8ClampedArray(9) }, spec('NCHW')),
    ).toThrow(RangeError);
    expect(() => preprocessForModel(cv, jesper, spec('NCHW'), { claheTileGrid: 0 })).toThrow(RangeError);
    expect(() => preprocessForModel(cv, jesper, spec('NCHW'), { exposureBand: [0.6, 0.2] })).toThrow(
      RangeError,
    );
  });
});
