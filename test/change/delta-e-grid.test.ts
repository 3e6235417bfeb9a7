import { beforeAll, describe, expect, it } from 'vitest';
import { labOf, toleranceDeltaE } from '../../src/core/change/delta-e.ts';
import { blockMaxCells, cellMaximum, localContrast } from '../../src/core/change/grid.ts';
import type { ChangeRaster } from '../../src/core/change/raster.ts';
import type { OpenCv } from '../../src/core/cv.ts';
import { cvReady, mapPixels, photoRaster } from './helpers.ts';

let cv: OpenCv;
beforeAll(async () => {
  cv = await cvReady();
});

function lab(r: ChangeRaster): Float32Array {
  return labOf(cv, r.rgb, r.width, r.height);
}

/** The raster moved by (dx, dy) whole pixels (edges repeated): photo(x, y) = reference(x − dx, y − dy). */
function shifted(r: ChangeRaster, dx: number, dy: number): ChangeRaster {
  return mapPixels(r, (_rgb, x, y) => {
    const sx = Math.min(r.width - 1, Math.max(0, x - dx));
    const sy = Math.min(r.height - 1, Math.max(0, y - dy));
    const i = (sy * r.width + sx) * 3;
    return [r.rgb[i]!, r.rgb[i + 1]!, r.rgb[i + 2]!];
  });
}

/** Values of `map` at pixels at least `border` px from every edge. */
function interior(
  map: Float32Array,
  r: ChangeRaster,
  border: number,
  where = (_x: number, _y: number) => true,
) {
  const out: number[] = [];
  for (let y = border; y < r.height - border; y++) {
    for (let x = border; x < r.width - border; x++) if (where(x, y)) out.push(map[y * r.width + x]!);
  }
  return out;
}

const meanOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('labOf', () => {
  it('gives CIELAB (D65) of sRGB white, black and red', () => {
    const rgb = Uint8Array.from([255, 255, 255, 0, 0, 0, 255, 0, 0]);
    const [wl, wa, wb, kl, ka, kb, rl, ra, rb] = labOf(cv, rgb, 3, 1);
    expect([wl, wa, wb]).toEqual([100, 0, 0]);
    expect([kl, ka, kb]).toEqual([0, 0, 0]);
    // sRGB red is L* 53.2, a* 80.1, b* 67.2; the 8-bit path steps by 0.39 in L* and 1 in a*, b*
    expect(Math.abs(rl! - 53.24)).toBeLessThan(0.5);
    expect(Math.abs(ra! - 80.09)).toBeLessThan(1.1);
    expect(Math.abs(rb! - 67.2)).toBeLessThan(1.1);
  });
});

describe('toleranceDeltaE on a real photo', () => {
  it('makes a one-pixel shift cost nothing with the ±1 px tolerance, and a lot without', async () => {
    const ref = await photoRaster(cv, 'opencv-doc__baboon.jpg');
    for (const [dx, dy] of [
      [1, 0],
      [0, -1],
      [1, 1],
    ] as const) {
      const photo = lab(shifted(ref, dx, dy));
      const [plain] = toleranceDeltaE(photo, lab(ref), ref.width, ref.height, 0, 0);
      const [tolerant] = toleranceDeltaE(photo, lab(ref), ref.width, ref.height, 1, 0);
      expect(meanOf(interior(plain!, ref, 2))).toBeGreaterThan(5);
      expect(Math.max(...interior(tolerant!, ref, 2))).toBe(0);
    }
  });

  it('gives one map per window shift, every 2 px within ±blockRadius', async () => {
    const ref = await photoRaster(cv, 'python3-skimage__chelsea.png');
    const l = lab(ref);
    const count = (p: number, b: number) => toleranceDeltaE(l, l, ref.width, ref.height, p, b).length;
    expect(count(0, 0)).toBe(1);
    expect(count(1, 0)).toBe(1);
    expect(count(1, 1)).toBe(4);
    expect(count(1, 2)).toBe(9);
    // the same image against itself: the unshifted map (the middle one of shifts −2, 0, 2 per axis) is 0 inside
    // and Infinity on the border it cannot reach; a shifted one is not 0
    const maps = toleranceDeltaE(l, l, ref.width, ref.height, 1, 2);
    expect(Math.max(...interior(maps[4]!, ref, 3))).toBe(0);
    expect(maps[4]![0]).toBe(Infinity);
    expect(meanOf(interior(maps[0]!, ref, 3))).toBeGreaterThan(1);
  });

  it.each(['python3-skimage__chelsea.png', 'kphotoalbum__wayne.jpg', 'opencv-doc__baboon.jpg'])(
    'keeps a real colour change of %s, losing at most the photo’s own one-pixel texture',
    async (file) => {
      const ref = await photoRaster(cv, file);
      const { width: w, height: h } = ref;
      const x0 = Math.round(w * 0.4);
      const y0 = Math.round(h * 0.4);
      const inPatch = (x: number, y: number) => x >= x0 && x < x0 + 40 && y >= y0 && y < y0 + 40;
      // a reddish patch: red up, green and blue down
      const photo = mapPixels(ref, (rgb, x, y) =>
        inPatch(x, y) ? [rgb[0] * 1.3 + 20, rgb[1] * 0.85, rgb[2] * 0.85] : rgb,
      );
      const refLab = lab(ref);
      const [plain] = toleranceDeltaE(lab(photo), refLab, w, h, 0, 0);
      const [tolerant] = toleranceDeltaE(lab(photo), refLab, w, h, 1, 0);
      // By the triangle inequality the tolerance can take off at most how far the reference itself moves within
      // a pixel (its largest ΔE* to a neighbour), and never adds anything: checked at every interior pixel.
      let violations = 0;
      for (let y = 2; y < h - 2; y++) {
        for (let x = 2; x < w - 2; x++) {
          const i = y * w + x;
          let texture = 0;
          for (let oy = -1; oy <= 1; oy++) {
            for (let ox = -1; ox <= 1; ox++) {
              const j = (i + oy * w + ox) * 3;
              texture = Math.max(
                texture,
                Math.hypot(
                  refLab[i * 3]! - refLab[j]!,
                  refLab[i * 3 + 1]! - refLab[j + 1]!,
                  refLab[i * 3 + 2]! - refLab[j + 2]!,
                ),
              );
            }
          }
          if (tolerant![i]! > plain![i]! + 1e-4 || tolerant![i]! < plain![i]! - texture - 1e-3) violations++;
        }
      }
      expect(violations).toBe(0);
      const core = (x: number, y: number) => x >= x0 + 2 && x < x0 + 38 && y >= y0 + 2 && y < y0 + 38;
      const plainMean = meanOf(interior(plain!, ref, 2, core));
      expect(plainMean).toBeGreaterThan(15);
      // untouched pixels stay at 0; the patch keeps a clear ΔE* (fine fur, baboon, loses most: ≈ 40 %)
      expect(Math.max(...interior(tolerant!, ref, 2, (x, y) => !inPatch(x, y)))).toBe(0);
      expect(meanOf(interior(tolerant!, ref, 2, core))).toBeGreaterThan(0.55 * plainMean);
    },
  );

  it('keeps over 90 % of a colour change on a smooth photo', async () => {
    const ref = await photoRaster(cv, 'python3-skimage__chelsea.png');
    const { width: w, height: h } = ref;
    const core = (x: number, y: number) => x >= 104 && x < 136 && y >= 70 && y < 100;
    const photo = mapPixels(ref, (rgb, x, y) =>
      core(x, y) ? [rgb[0] * 1.3 + 20, rgb[1] * 0.85, rgb[2] * 0.85] : rgb,
    );
    const [plain] = toleranceDeltaE(lab(photo), lab(ref), w, h, 0, 0);
    const [tolerant] = toleranceDeltaE(lab(photo), lab(ref), w, h, 1, 0);
    const inner = (x: number, y: number) => x >= 106 && x < 134 && y >= 72 && y < 98;
    expect(meanOf(interior(tolerant!, ref, 2, inner))).toBeGreaterThan(
      0.9 * meanOf(interior(plain!, ref, 2, inner)),
    );
  });
});

describe('blockMaxCells', () => {
  // 140 × 140 px on a 14 × 14 grid: cells of 10 px, windows of 10 px every 5 px
  const W = 140;
  const all = new Uint8Array(W * W).fill(255);
  function block(value: number, x0: number, y0: number, size = 10): Float32Array {
    const d = new Float32Array(W * W);
    for (let y = y0; y < y0 + size; y++) for (let x = x0; x < x0 + size; x++) d[y * W + x] = value;
    return d;
  }
  const cell = (map: { values: Float32Array }, row: number, col: number) => map.values[row * 14 + col];

  it('gives a block filling one cell its mean in that cell, and half of it where a window half covers it', () => {
    const map = blockMaxCells([block(10, 50, 30)], all, W, W);
    expect([map.rows, map.cols]).toEqual([14, 14]);
    const expected = new Array<number>(196).fill(0);
    expected[3 * 14 + 5] = 10;
    // windows centred on the cell's right and lower borders belong to the next cells and cover half the block
    expected[3 * 14 + 6] = 5;
    expected[4 * 14 + 5] = 5;
    expected[4 * 14 + 6] = 2.5;
    expect(Array.from(map.values)).toEqual(expected);
    expect(cellMaximum(map)).toBe(10);
  });

  it('keeps the full mean of a block that straddles two cells (half-cell windows)', () => {
    const map = blockMaxCells([block(10, 45, 35)], all, W, W);
    expect(cellMaximum(map)).toBe(10);
    expect(cell(map, 4, 5)).toBe(10);
  });

  it('leaves cells outside the mask NaN, and counts a window with at least 60 % of it valid', () => {
    const mask = Uint8Array.from({ length: W * W }, (_, i) => (i % W < 30 ? 0 : 255));
    const map = blockMaxCells([block(10, 50, 30)], mask, W, W);
    for (let row = 0; row < 14; row++) {
      for (let col = 0; col < 3; col++) expect(cell(map, row, col)).toBeNaN();
      expect(cell(map, row, 3)).not.toBeNaN();
    }
    expect(cellMaximum(blockMaxCells([block(1, 0, 0)], new Uint8Array(W * W), W, W))).toBeNull();
  });

  it('takes, per window, the shift that explains it best (the smallest mean over the maps)', () => {
    const map = blockMaxCells([block(10, 50, 30), block(4, 50, 30)], all, W, W);
    expect(cell(map, 3, 5)).toBe(4);
    // a difference that one shift explains away (0 in the first map) is no change, however large in another
    const other = blockMaxCells([block(10, 50, 30), block(0, 0, 0)], all, W, W);
    expect(cellMaximum(other)).toBe(0);
  });

  it('refuses no maps, or maps and masks of another size', () => {
    expect(() => blockMaxCells([], all, W, W)).toThrow(RangeError);
    expect(() => blockMaxCells([new Float32Array(10)], all, W, W)).toThrow(RangeError);
    expect(() => blockMaxCells([block(1, 0, 0)], new Uint8Array(10), W, W)).toThrow(RangeError);
  });
});

describe('localContrast', () => {
  it('subtracts 3 × the median of the valid cells, keeping NaN', () => {
    const values = Float32Array.from([1, 2, 3, NaN, 10]);
    const { excess, median } = localContrast({ rows: 1, cols: 5, values });
    expect(median).toBe(2.5);
    expect(Array.from(excess.values)).toEqual([1 - 7.5, 2 - 7.5, 3 - 7.5, NaN, 10 - 7.5]);
  });
});
