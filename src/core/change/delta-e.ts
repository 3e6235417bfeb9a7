import type { OpenCv } from '../cv.ts';
import { withMats } from '../mat-scope.ts';
import { matBytes } from '../quality/raster-mat.ts';

/**
 * CIELAB of an RGB image, through OpenCV's 8-bit `RGB2Lab` (sRGB → linear → XYZ, D65; table-driven, ≈ 10× faster
 * than its float path here), rescaled to L* 0–100, a*, b* ≈ −128…127. The 8-bit steps (0.39 in L*, 1 in a*, b*)
 * are well under the differences the change map looks for (a just-noticeable ΔE* is ≈ 2.3).
 * @param rgb RGB bytes, `width × height × 3`.
 * @returns L*a*b* floats, same layout.
 */
export function labOf(cv: OpenCv, rgb: Uint8Array, width: number, height: number): Float32Array {
  return withMats((own) => {
    const src = own(new cv.Mat(height, width, cv.CV_8UC3));
    matBytes(src).set(rgb);
    const lab = own(new cv.Mat());
    cv.cvtColor(src, lab, cv.COLOR_RGB2Lab);
    const bytes = matBytes(lab);
    const out = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i += 3) {
      out[i] = (bytes[i]! * 100) / 255;
      out[i + 1] = bytes[i + 1]! - 128;
      out[i + 2] = bytes[i + 2]! - 128;
    }
    return out;
  });
}

/**
 * Colour difference with a spatial tolerance (SPEC "Change engine" step 3): for each shift s of the reference within
 * ±`blockRadius` px, a map of the smallest CIE76 ΔE* (Euclidean distance in L*a*b*) from each photo pixel to the
 * reference pixels within ±`pixelRadius` px of its position + s. The per-pixel tolerance absorbs an edge one pixel
 * off; the shift, chosen later per window (see `blockMaxCells`), absorbs a slow non-rigid drift of up to
 * `blockRadius` more pixels that one homography cannot follow, while a mark cannot be explained by any shift.
 * ΔE* ≈ 2.3 is a just-noticeable difference (Sharma, Digital Color Imaging Handbook, 2003).
 * Written by hand: OpenCV.js has no per-pixel minimum over shifted colour distances.
 * @param photo, reference L*a*b* floats, `width × height × 3`.
 * @returns one ΔE* map (`width × height`) per shift, row-major over the shifts, which are taken every
 *   2·pixelRadius px within ±blockRadius.
 */
export function toleranceDeltaE(
  photo: Float32Array,
  reference: Float32Array,
  width: number,
  height: number,
  pixelRadius = 1,
  blockRadius = 1,
): Float32Array[] {
  const reach = pixelRadius + blockRadius;
  const side = 2 * reach + 1;
  const n = width * height;
  // Shifts every 2·pixelRadius px: with the per-pixel tolerance on top they still reach every offset within ±reach.
  const step = Math.max(1, 2 * pixelRadius);
  const shifts: number[] = [];
  for (let s = -blockRadius; s <= blockRadius; s += step) shifts.push(s);
  // Per output map, the offsets (indices into one pixel's `d2`) whose minimum it takes.
  const groups: Int32Array[] = [];
  for (const sy of shifts) {
    for (const sx of shifts) {
      const group: number[] = [];
      for (let oy = -pixelRadius; oy <= pixelRadius; oy++) {
        for (let ox = -pixelRadius; ox <= pixelRadius; ox++)
          group.push((sy + oy + reach) * side + sx + ox + reach);
      }
      groups.push(Int32Array.from(group));
    }
  }
  const offsets = new Int32Array(side * side);
  for (let dy = -reach; dy <= reach; dy++) {
    for (let dx = -reach; dx <= reach; dx++)
      offsets[(dy + reach) * side + dx + reach] = (dy * width + dx) * 3;
  }
  // Pixel by pixel, every offset's squared ΔE* into a small scratch array that stays in cache, then each map's
  // minimum over its offsets: no full-size map per offset is written and read back.
  const d2 = new Float32Array(side * side);
  const maps = groups.map(() => new Float32Array(n).fill(Infinity));
  // Pixels within `reach` of the border stay Infinity: the overlap mask, eroded by 3 px, leaves them out anyway,
  // and the inner loop needs no bounds checks.
  for (let y = reach; y < height - reach; y++) {
    for (let i = y * width + reach, end = y * width + width - reach; i < end; i++) {
      const p = i * 3;
      const pl = photo[p]!;
      const pa = photo[p + 1]!;
      const pb = photo[p + 2]!;
      for (let k = 0; k < offsets.length; k++) {
        const q = p + offsets[k]!;
        const dl = pl - reference[q]!;
        const da = pa - reference[q + 1]!;
        const db = pb - reference[q + 2]!;
        d2[k] = dl * dl + da * da + db * db;
      }
      for (let g = 0; g < groups.length; g++) {
        const group = groups[g]!;
        let best = Infinity;
        for (let k = 0; k < group.length; k++) if (d2[group[k]!]! < best) best = d2[group[k]!]!;
        maps[g]![i] = Math.sqrt(best);
      }
    }
  }
  return maps;
}
