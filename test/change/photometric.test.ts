import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeToReference } from '../../src/core/change/photometric.ts';
import type { ChangeRaster } from '../../src/core/change/raster.ts';
import type { OpenCv } from '../../src/core/cv.ts';
import { cvReady, mapPixels, meanAbsDiff, photoRaster } from './helpers.ts';

const PHOTOS = [
  'python3-skimage__astronaut.png',
  'python3-sklearn__china.jpg',
  'python3-skimage__chelsea.png',
  'kphotoalbum__wayne.jpg',
];

/** A session's light: per-channel gain (exposure × white balance), an offset, and a ±15 % left-to-right ramp. */
const GAINS = [0.8, 0.92, 0.86] as const;
const OFFSET = 6;
const RAMP = 0.15;

let cv: OpenCv;
beforeAll(async () => {
  cv = await cvReady();
});

/** The photo's own square patch of 32 px (≈ 2 % of the frame), right of and above the centre. */
function patchOf(r: ChangeRaster): (x: number, y: number) => boolean {
  const x0 = Math.round(r.width * 0.55);
  const y0 = Math.round(r.height * 0.35);
  return (x, y) => x >= x0 && x < x0 + 32 && y >= y0 && y < y0 + 32;
}

/** The reference under another session's light, optionally with the patch at half its brightness (a dark mark). */
function relit(ref: ChangeRaster, darkPatch: boolean): ChangeRaster {
  const inPatch = patchOf(ref);
  return mapPixels(ref, (rgb, x, y) => {
    const ramp = 1 + RAMP * ((2 * x) / (ref.width - 1) - 1);
    const mark = darkPatch && inPatch(x, y) ? 0.5 : 1;
    return [0, 1, 2].map((c) => rgb[c]! * GAINS[c]! * ramp * mark + OFFSET) as [number, number, number];
  });
}

/** 255 where neither image is clipped (as the change engine leaves clipped highlights out). */
function unclipped(a: ChangeRaster, b: ChangeRaster): Uint8Array {
  return Uint8Array.from({ length: a.width * a.height }, (_, i) =>
    Math.max(
      a.rgb[i * 3]!,
      a.rgb[i * 3 + 1]!,
      a.rgb[i * 3 + 2]!,
      b.rgb[i * 3]!,
      b.rgb[i * 3 + 1]!,
      b.rgb[i * 3 + 2]!,
    ) >= 250
      ? 0
      : 255,
  );
}

describe('normalizeToReference on real photos', () => {
  it.each(PHOTOS)('takes out a gain, a white balance and a ±15 per cent light ramp of %s', async (file) => {
    const ref = await photoRaster(cv, file);
    const photo = relit(ref, false);
    const mask = unclipped(ref, photo);
    const valid = (i: number) => mask[i] === 255;
    // the light alone moves the photo by ≈ 10–15 grey levels on average
    expect(meanAbsDiff(photo.rgb, ref.rgb, valid)).toBeGreaterThan(8);
    const out = normalizeToReference(cv, photo.rgb, ref.rgb, mask, ref.width, ref.height);
    expect(meanAbsDiff(out, ref.rgb, valid)).toBeLessThan(1);
  });

  it.each(PHOTOS)('leaves a planted dark patch of %s standing out', async (file) => {
    const ref = await photoRaster(cv, file);
    const photo = relit(ref, true);
    const mask = unclipped(ref, photo);
    const inPatch = patchOf(ref);
    const patch = (i: number) => inPatch(i % ref.width, Math.floor(i / ref.width));
    const out = normalizeToReference(cv, photo.rgb, ref.rgb, mask, ref.width, ref.height);
    // Outside the patch the light is taken out as before; the patch (an outlier of the trimmed fit) is not fitted
    // away: what is left of it is at least 3/4 of what halving it took off the reference.
    expect(meanAbsDiff(out, ref.rgb, (i) => mask[i] === 255 && !patch(i))).toBeLessThan(1);
    const halved = meanAbsDiff(ref.rgb, new Uint8Array(ref.rgb.length), patch) / 2;
    expect(meanAbsDiff(out, ref.rgb, patch)).toBeGreaterThan(0.75 * halved);
    expect(halved).toBeGreaterThan(20);
  });

  it('refuses arrays that do not match the size', () => {
    const rgb = new Uint8Array(4 * 4 * 3);
    expect(() => normalizeToReference(cv, rgb, rgb, new Uint8Array(15), 4, 4)).toThrow(RangeError);
    expect(() => normalizeToReference(cv, rgb.subarray(3), rgb, new Uint8Array(16), 4, 4)).toThrow(
      RangeError,
    );
  });
});
