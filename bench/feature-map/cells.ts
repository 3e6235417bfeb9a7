import type { ChangeRaster } from '../../src/core/change/raster.ts';
import { rasterToMat } from '../../src/core/change/raster.ts';
import type { OpenCv } from '../../src/core/cv.ts';
import { withMats } from '../../src/core/mat-scope.ts';
import { matBytes } from '../../src/core/quality/raster-mat.ts';

/** A feature map of one image: `channels × rows × cols` floats, channel-major (the model's NCHW output). */
export interface FeatureMap {
  readonly data: Float32Array;
  readonly channels: number;
  readonly rows: number;
  readonly cols: number;
}

/** Share of a cell's pixels that must lie in the overlap for the cell to count (stricter than ΔE*'s 0.6: a cell
 * of filled-in reference pixels would look unchanged). */
const MIN_VALID_SHARE = 0.9;

/**
 * The model input of a change raster: stretched to `side × side` (the whole frame, so the map's cells fall on the
 * change grid's), RGB / 255 in NCHW, as the default model's manifest asks (no mean or std).
 */
export function featureInput(cv: OpenCv, raster: ChangeRaster, side: number): Float32Array {
  return withMats((own) => {
    const out = own(new cv.Mat());
    cv.resize(own(rasterToMat(cv, raster)), out, new cv.Size(side, side), 0, 0, cv.INTER_AREA);
    const bytes = matBytes(out);
    const plane = side * side;
    const input = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++)
      for (let c = 0; c < 3; c++) input[c * plane + i] = bytes[i * 3 + c]! / 255;
    return input;
  });
}

/**
 * Cosine distance, [0, 2], between the channel vectors of two maps at every cell whose part of the frame lies in
 * the overlap (`mask`, 255 = valid, `width × height` of the reference frame).
 * @returns the distances of the valid cells, in no particular order.
 * @throws RangeError when the maps' shapes differ.
 */
export function cellFeatureDistances(
  a: FeatureMap,
  b: FeatureMap,
  mask: Uint8Array,
  width: number,
  height: number,
): number[] {
  if (a.channels !== b.channels || a.rows !== b.rows || a.cols !== b.cols)
    throw new RangeError('cellFeatureDistances: the maps differ in shape');
  const { channels, rows, cols } = a;
  const distances: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cols; k++) {
      const y0 = Math.floor((r * height) / rows);
      const y1 = Math.floor(((r + 1) * height) / rows);
      const x0 = Math.floor((k * width) / cols);
      const x1 = Math.floor(((k + 1) * width) / cols);
      let valid = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (mask[y * width + x] === 255) valid++;
      if (valid < MIN_VALID_SHARE * (y1 - y0) * (x1 - x0)) continue;
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let c = 0; c < channels; c++) {
        const i = (c * rows + r) * cols + k;
        dot += a.data[i]! * b.data[i]!;
        na += a.data[i]! ** 2;
        nb += b.data[i]! ** 2;
      }
      distances.push(na === 0 || nb === 0 ? 0 : 1 - dot / Math.sqrt(na * nb));
    }
  }
  return distances;
}
