import { beforeAll, describe, expect, it } from 'vitest';
import { comparePair } from '../../src/core/change/compare-pair.ts';
import type { ChangeRaster } from '../../src/core/change/raster.ts';
import type { OpenCv } from '../../src/core/cv.ts';
import { cvReady, mapPixels, mapPoint, retake, similarity } from './helpers.ts';
import type { Homography } from './helpers.ts';

// Steps 1–3 of the change engine together (registration → photometric normalisation → ΔE* block maximum), on
// retakes of real photos of the benchmark's scoring set.
const PHOTOS = ['python3-skimage__astronaut.png', 'python3-sklearn__china.jpg', 'kphotoalbum__wayne.jpg'];
const MOVE = (w: number, h: number) => similarity(w / 2, h / 2, -1.5, 1.02, 0.02 * w, 0.015 * h);

let cv: OpenCv;
beforeAll(async () => {
  cv = await cvReady();
});

/** Another session's light: warmer and darker. */
function warmer(r: ChangeRaster): ChangeRaster {
  return mapPixels(r, ([red, g, b]) => [red * 0.95 + 4, g * 0.88, b * 0.8]);
}

/** A soft dark mark of `share` of the reference frame, centred where reference point (u, v) shows in the photo. */
function marked(
  photo: ChangeRaster,
  truth: Homography,
  ref: ChangeRaster,
  u: number,
  v: number,
  share = 0.02,
) {
  const radius = Math.sqrt((share * ref.width * ref.height) / Math.PI);
  const [cx, cy] = mapPoint(truth, u * ref.width, v * ref.height);
  return mapPixels(photo, (rgb, x, y) => {
    const d = Math.hypot(x - cx, y - cy) / radius;
    const k = d >= 1 ? 1 : 0.55 + 0.45 * d * d;
    return [rgb[0] * k, rgb[1] * k, rgb[2] * k];
  });
}

function argmax(values: Float32Array): number {
  let best = -1;
  for (let i = 0; i < values.length; i++)
    if (!Number.isNaN(values[i]!) && (best < 0 || values[i]! > values[best]!)) best = i;
  return best;
}

describe('comparePair on retakes of real photos', () => {
  it.each(PHOTOS)('reads a moved, re-lit retake of %s as no change', async (file) => {
    const { reference, photo } = await retake(cv, file, MOVE);
    const c = comparePair(cv, { raster: reference }, { raster: warmer(photo) });
    expect(c.registration.method).toBe('ecc_homography');
    expect(c.cells?.values.length).toBe(14 * 14);
    // ordinary retakes score ≈ −1.5 … 0 ΔE* (the largest cell over 3 × the map's median)
    expect(c.raw).toBeLessThan(1);
  });

  it.each(PHOTOS)('finds a dark mark of 2 per cent of the frame on %s, in the right cell', async (file) => {
    const { reference, photo, truth } = await retake(cv, file, MOVE);
    const [u, v] = [0.35, 0.6];
    const c = comparePair(
      cv,
      { raster: reference },
      { raster: marked(warmer(photo), truth, reference, u, v) },
    );
    expect(c.raw).toBeGreaterThan(5);
    const best = argmax(c.cells!.values);
    const [row, col] = [Math.floor(best / 14), best % 14];
    expect(Math.abs(col - Math.floor(u * 14))).toBeLessThanOrEqual(1);
    expect(Math.abs(row - Math.floor(v * 14))).toBeLessThanOrEqual(1);
  });

  it('leaves the cells the retake does not cover out of the map', async () => {
    const { reference, photo } = await retake(cv, PHOTOS[1]!, (w, h) =>
      similarity(w / 2, h / 2, 0, 1, 0.09 * w, 0),
    );
    const c = comparePair(cv, { raster: reference }, { raster: photo });
    expect(c.registration.method).not.toBe('failed');
    const column = (col: number) => Array.from({ length: 14 }, (_, row) => c.cells!.values[row * 14 + col]!);
    // 9 % of 256 px = 23 px missing on the right (plus the mask's 3-px erosion): the last column (18 px) is out,
    // the first is in
    expect(column(13).every(Number.isNaN)).toBe(true);
    expect(column(0).some(Number.isNaN)).toBe(false);
  });
});
