import { CELL_OUTSIDE } from '../../core/change/index.ts';
import type { VariationLevel } from '../../core/scoring/index.ts';

/**
 * The change map's colours: a cell's code (round(254 × calibrated cell score)) is its score, so the colour follows
 * the same levels as the figures. Stops are from matplotlib's "plasma" scale (perceptually even, readable with
 * the common colour-vision deficiencies), light to dark as change grows; none is the red of a warning.
 */
const STOPS: readonly (readonly [score: number, rgb: readonly [number, number, number]])[] = [
  [0.1, [240, 249, 33]],
  [0.25, [252, 166, 54]],
  [0.45, [225, 100, 98]],
  [0.7, [177, 42, 144]],
  [1, [106, 0, 168]],
];

/** Opacity of a cell at the Stable/Mild bound and at the top of the scale: the photo stays visible under it. */
const ALPHA_AT_BOUND = 0.35;
const ALPHA_AT_TOP = 0.6;

/** The lower bound of each level the legend names, with its colour (`rgb(…)`), for swatches. */
export const LEGEND_LEVELS: readonly { level: VariationLevel; colour: string }[] = (
  ['mild_variation', 'moderate_variation', 'higher_variation', 'strong_variation'] as const
).map((level, i) => ({ level, colour: `rgb(${STOPS[i]![1].join(' ')})` }));

/**
 * RGBA (0–255 each) of a change-map cell: transparent for 0 (no change) and `CELL_OUTSIDE` (outside the overlap);
 * below the Stable/Mild bound the colour fades out, so noise-level cells barely show.
 */
export function cellColour(code: number): readonly [number, number, number, number] {
  if (code <= 0 || code === CELL_OUTSIDE) return [0, 0, 0, 0];
  const score = Math.min(1, code / 254);
  const [firstScore, firstRgb] = STOPS[0]!;
  if (score < firstScore) return [...firstRgb, Math.round(255 * ALPHA_AT_BOUND * (score / firstScore))];
  let i = 1;
  while (i < STOPS.length - 1 && score > STOPS[i]![0]) i++;
  const [s0, c0] = STOPS[i - 1]!;
  const [s1, c1] = STOPS[i]!;
  const t = Math.min(1, (score - s0) / (s1 - s0));
  const mix = (k: number) => Math.round(c0[k]! + t * (c1[k]! - c0[k]!));
  const alpha = ALPHA_AT_BOUND + (ALPHA_AT_TOP - ALPHA_AT_BOUND) * ((score - firstScore) / (1 - firstScore));
  return [mix(0), mix(1), mix(2), Math.round(255 * alpha)];
}

/** The change map as RGBA pixels, one per cell (`cols × rows`), for a canvas scaled over the photo. */
export function changeMapPixels(map: {
  rows: number;
  cols: number;
  cells: readonly number[];
}): Uint8ClampedArray {
  const pixels = new Uint8ClampedArray(map.rows * map.cols * 4);
  map.cells.forEach((code, i) => pixels.set(cellColour(code), i * 4));
  return pixels;
}

/** How many cells the map colours (above 0 and inside the overlap). */
export function colouredCells(cells: readonly number[]): number {
  return cells.filter((c) => c > 0 && c !== CELL_OUTSIDE).length;
}
