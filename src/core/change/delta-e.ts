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
 * Colour difference with a spatial tolerance (SPEC "Change engine" step 3): for each pixel of the photo, the
 * smallest CIE76 ΔE* (Euclidean distance in L*a*b*) to the reference pixels within `radius` px. What residual
 * misregistration leaves (an edge one pixel off) then costs nothing, while a mark that covers many pixels keeps its
 * full difference. ΔE* ≈ 2.3 is a just-noticeable difference (Sharma, Digital Color Imaging Handbook, 2003).
 * Written by hand: OpenCV.js has no per-pixel minimum over shifted colour distances, and this loop is ≈ 9 × 50 k.
 * @param photo, reference L*a*b* floats, `width × height × 3`.
 * @returns ΔE* per pixel, `width × height`.
 */
export function toleranceDeltaE(
  photo: Float32Array,
  reference: Float32Array,
  width: number,
  height: number,
  radius = 1,
): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      const l = photo[p]!;
      const a = photo[p + 1]!;
      const b = photo[p + 2]!;
      let best = Infinity;
      for (let dy = -radius; dy <= radius; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -radius; dx <= radius; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const q = (yy * width + xx) * 3;
          const dl = l - reference[q]!;
          const da = a - reference[q + 1]!;
          const db = b - reference[q + 2]!;
          const d2 = dl * dl + da * da + db * db;
          if (d2 < best) best = d2;
        }
      }
      out[y * width + x] = Math.sqrt(best);
    }
  }
  return out;
}
