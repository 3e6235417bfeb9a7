import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHANGE_LONG_SIDE, makeChangeRaster } from '../../src/core/change/index.ts';
import { changeRasterSize, rasterToMat } from '../../src/core/change/raster.ts';
import { SYNTHETIC_PAIRS, syntheticNoiseSamples } from '../../src/core/change/noise-floor.ts';
import type { OpenCv } from '../../src/core/cv.ts';
import type { ImageDecoder } from '../../src/core/image/decode.ts';
import { nodeDecoder } from '../../src/core/image/decode.node.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';
import { prepareImage } from '../../src/core/pipeline/prepare-image.ts';
import type { ModelManifest } from '../../src/model/manifest.ts';
import { PHOTOS_DIR } from '../support/paths.ts';
import { cvReady } from './helpers.ts';

let cv: OpenCv;
let decode: ImageDecoder;
beforeAll(async () => {
  [cv, decode] = await Promise.all([cvReady(), nodeDecoder()]);
});

const bytesOf = async (file: string) => new Uint8Array(await readFile(join(PHOTOS_DIR, file)));

function meanRgb(values: ArrayLike<number>, channels: number): number[] {
  const sums = [0, 0, 0];
  for (let i = 0; i < values.length; i += channels) for (let c = 0; c < 3; c++) sums[c]! += values[i + c]!;
  return sums.map((s) => s / (values.length / channels));
}

describe('makeChangeRaster', () => {
  it.each([
    ['kphotoalbum__bar55.jpg', 256, 192],
    ['python-matplotlib-data__grace_hopper.jpg', 218, 256],
    ['golang-golang-x-image-dev__video-001.lossy.webp', 256, 176],
  ])('shrinks (or enlarges) the whole frame of %s to %i × %i, keeping its colours', async (file, w, h) => {
    const img: RgbaImage = await decode(await bytesOf(file));
    const r = makeChangeRaster(cv, img);
    expect([r.width, r.height]).toEqual([w, h]);
    expect(Math.max(r.width, r.height)).toBe(CHANGE_LONG_SIDE);
    expect(r.rgb).toHaveLength(w * h * 3);
    expect(changeRasterSize(img.width, img.height)).toEqual({ width: w, height: h });
    // no crop and no colour processing: the mean colour is the photo's, to a grey level or two
    const photo = meanRgb(img.data, 4);
    const raster = meanRgb(r.rgb, 3);
    for (let c = 0; c < 3; c++) expect(Math.abs(raster[c]! - photo[c]!)).toBeLessThan(2);
  });

  it('refuses a raster whose bytes do not match its size', () => {
    expect(() => rasterToMat(cv, { width: 4, height: 4, rgb: new Uint8Array(47) })).toThrow(RangeError);
  });
});

describe('prepareImage', () => {
  it('keeps the change raster and its synthetic noise samples of every photo, and times them', async () => {
    const manifest: Pick<ModelManifest, 'input' | 'normalization'> = {
      input: { name: 'input', layout: 'NCHW', width: 224, height: 224, channels: 3 },
      normalization: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    };
    const bytes = await bytesOf('python3-skimage__chelsea.png');
    const prepared = await prepareImage(bytes, { cv, decode, manifest });
    const raster = makeChangeRaster(cv, await decode(bytes));
    expect(prepared.change.raster).toEqual(raster);
    expect(prepared.change.noise_samples).toHaveLength(SYNTHETIC_PAIRS);
    expect(prepared.change.noise_samples).toEqual(syntheticNoiseSamples(cv, raster, raster));
    expect(prepared.timings.change_ms).toBeGreaterThan(0);
    expect(Object.keys(prepared.timings).sort()).toEqual([
      'change_ms',
      'decode_ms',
      'preprocess_ms',
      'quality_ms',
    ]);
    const later = await prepareImage(bytes, { cv, decode, manifest }, { noiseSamples: false });
    expect(later.change).toEqual({ raster, noise_samples: null });
  });
});
