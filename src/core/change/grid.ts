/** Cells per side of the change map (SPEC "Change engine" step 3: e.g. 14×14, the model's mid-level grid). */
export const CHANGE_GRID = 14;
/** A window counts only if at least this share of its pixels lies in the overlap. */
const MIN_VALID_SHARE = 0.6;
/** Windows per cell side: windows of one cell's size, placed every half cell, so a mark on a cell border is whole in one. */
const WINDOWS_PER_CELL = 2;

/** A per-cell map over the reference frame, row-major; NaN where the cell lies outside the overlap. */
export interface CellMap {
  readonly rows: number;
  readonly cols: number;
  readonly values: Float32Array;
}

/**
 * The per-cell block maximum of per-pixel difference maps: over windows the size of one cell (of a `grid × grid`
 * division of the frame), placed every half cell, the mean of each map in `diffs` (one per candidate shift, see
 * `toleranceDeltaE`), the window keeping its smallest mean (the shift that explains it best); each cell takes the
 * largest window value among the windows centred in it. A mark filling one cell keeps its full mean however the
 * grid falls on it; a scatter of single-pixel noise is averaged down. Windows with less than `MIN_VALID_SHARE` of
 * valid pixels are skipped.
 * @param diffs per-pixel differences, each `width × height`.
 * @param mask 255 where valid.
 * @throws RangeError when sizes disagree or `diffs` is empty.
 */
export function blockMaxCells(
  diffs: readonly Float32Array[],
  mask: Uint8Array,
  width: number,
  height: number,
  grid = CHANGE_GRID,
): CellMap {
  if (
    diffs.length === 0 ||
    mask.length !== width * height ||
    diffs.some((d) => d.length !== width * height)
  ) {
    throw new RangeError(`blockMaxCells: arrays do not match ${width}×${height}`);
  }
  // Summed-area tables of each valid difference map and of the valid count (Crow, SIGGRAPH 1984).
  const w1 = width + 1;
  const table = (values: Float32Array | null): Float64Array => {
    const t = new Float64Array(w1 * (height + 1));
    for (let y = 0; y < height; y++) {
      let row = 0;
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        if (mask[i] === 255) row += values === null ? 1 : values[i]!;
        t[(y + 1) * w1 + x + 1] = t[y * w1 + x + 1]! + row;
      }
    }
    return t;
  };
  const count = table(null);
  const sums = diffs.map((d) => table(d));
  const rect = (t: Float64Array, x0: number, y0: number, x1: number, y1: number) =>
    t[y1 * w1 + x1]! - t[y0 * w1 + x1]! - t[y1 * w1 + x0]! + t[y0 * w1 + x0]!;

  const values = new Float32Array(grid * grid).fill(NaN);
  const cw = width / grid;
  const ch = height / grid;
  const steps = grid * WINDOWS_PER_CELL;
  for (let j = 0; j <= steps - WINDOWS_PER_CELL; j++) {
    const y0 = Math.round((j * ch) / WINDOWS_PER_CELL);
    const y1 = Math.min(height, Math.max(y0 + 1, Math.round(y0 + ch)));
    for (let i = 0; i <= steps - WINDOWS_PER_CELL; i++) {
      const x0 = Math.round((i * cw) / WINDOWS_PER_CELL);
      const x1 = Math.min(width, Math.max(x0 + 1, Math.round(x0 + cw)));
      const n = rect(count, x0, y0, x1, y1);
      if (n < MIN_VALID_SHARE * (x1 - x0) * (y1 - y0)) continue;
      let m = Infinity;
      for (const sum of sums) m = Math.min(m, rect(sum, x0, y0, x1, y1) / n);
      const col = Math.min(grid - 1, Math.floor((x0 + x1) / 2 / cw));
      const row = Math.min(grid - 1, Math.floor((y0 + y1) / 2 / ch));
      const k = row * grid + col;
      if (!(values[k]! >= m)) values[k] = m;
    }
  }
  return { rows: grid, cols: grid, values };
}

/**
 * How far each cell stands out of its own map: its value minus `LOCAL_CONTRAST_WEIGHT` × the median of the valid
 * cells (NaN stays NaN). Hard capture noise (much darker or warmer light, a lighting ramp, a slight warp) lifts the
 * whole map; a local change lifts a few cells. On the tuning photos, the largest cell alone ranked hard-noise pairs
 * over ordinary ones with AUROC 0.92 (so hard noise read as change); its excess over 3 × the median ranked them
 * 0.50 (no different), while ranking changes of 1–8 % over both at 0.97–0.98.
 * @returns the excess map and the median it was taken against (0 when no cell is valid).
 */
export function localContrast(map: CellMap): { readonly excess: CellMap; readonly median: number } {
  const valid = Array.from(map.values)
    .filter((v) => !Number.isNaN(v))
    .sort((a, b) => a - b);
  const m = valid.length >> 1;
  const median = valid.length === 0 ? 0 : valid.length % 2 ? valid[m]! : (valid[m - 1]! + valid[m]!) / 2;
  const values = map.values.map((v) => v - LOCAL_CONTRAST_WEIGHT * median);
  return { excess: { rows: map.rows, cols: map.cols, values }, median };
}

/** See `localContrast`: set on the tuning photos (`bench/quality/photos.ts`). */
export const LOCAL_CONTRAST_WEIGHT = 3;

/** Largest valid cell value, or null when no cell is valid. */
export function cellMaximum(map: CellMap): number | null {
  let best: number | null = null;
  for (const v of map.values) if (!Number.isNaN(v) && (best === null || v > best)) best = v;
  return best;
}
