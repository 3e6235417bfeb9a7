import type { OpenCv } from '../cv.ts';
import { withMats } from '../mat-scope.ts';
import { matBytes } from '../quality/raster-mat.ts';
import { labOf, toleranceDeltaE } from './delta-e.ts';
import { blockMaxCells, cellMaximum, localContrast } from './grid.ts';
import type { CellMap } from './grid.ts';
import { normalizeToReference } from './photometric.ts';
import { rasterToMat } from './raster.ts';
import type { ChangeRaster } from './raster.ts';
import { registerToReference, warpToReference } from './registration.ts';
import type { RegisteredWarp } from './registration.ts';

/**
 * Gaussian smoothing (σ, px of the 256-px raster) of both images before the colour difference: it takes out sensor
 * noise and JPEG blocking, which are per-pixel, while a mark of 1 % of the frame (≈ 26 px across) keeps its colour.
 */
const SMOOTHING_SIGMA = 1;
/** Radius of the smoothing kernel, px (5 × 5: ±2.5 σ). */
const SMOOTHING_RADIUS_PX = 2;
/** 8-bit level from which a channel counts as clipped (the quality figures' 98 %: 250). */
const CLIPPED_LEVEL = 250;
/** ΔE tolerance radius per pixel, px (SPEC "Change engine" step 3: ±1 px). */
const TOLERANCE_PX = 1;
/**
 * Shift of the reference per window, ±px, on top of the per-pixel tolerance: a slight non-rigid warp between
 * sessions (the body is not a plane; issue 7's hard noise has 0.6 % of the frame, 1.5 px here) that the homography
 * leaves. On the tuning photos ±2 took the hard-noise pairs from up to 4.0 to up to 2.3 ΔE* (ordinary noise ≈ −1…0)
 * while marks of 1–2 % kept 5–21; a swelling of 2 % (itself a warp) fell from 0.2–4.8 to 0.2–3.7.
 */
const WINDOW_SHIFT_PX = 2;
/**
 * How far, px, a pixel left out of the comparison still reaches the ΔE* of the pixels kept: through the smoothing
 * kernel and then the per-pixel tolerance and the window shift (`toleranceDeltaE`). A region left out (a face)
 * is widened by it so nothing of it leaks into the map.
 */
export const COMPARISON_REACH_PX = SMOOTHING_RADIUS_PX + TOLERANCE_PX + WINDOW_SHIFT_PX;

/** One photo compared with one reference: the registration, and the per-cell ΔE* map in the reference frame. */
export interface PairComparison {
  readonly registration: RegisteredWarp;
  /**
   * Per cell, the block-maximum mean ΔE* minus 3 × the map's median (`localContrast`; NaN outside the overlap);
   * null when registration failed.
   */
  readonly cells: CellMap | null;
  /** Largest cell of `cells`, ΔE* (may be negative on a flat map); null when registration failed or no cell is valid. */
  readonly raw: number | null;
}

/**
 * A change raster with an optional validity mask: 255 where the pixels are compared, 0 where they are left out
 * (a face, `faceMask`); none = every pixel.
 */
export interface MaskedRaster {
  readonly raster: ChangeRaster;
  readonly mask?: Uint8Array;
}

/**
 * Compares a photo with a reference of the same angle (SPEC "Change engine" steps 1–3): registration → warp onto
 * the reference frame with the overlap mask → smoothing → photometric normalisation to the reference → CIELAB ΔE*
 * with ±1 px tolerance → block maximum per cell of a 14×14 grid.
 */
export function comparePair(cv: OpenCv, reference: MaskedRaster, photo: MaskedRaster): PairComparison {
  const ref = reference.raster;
  const registration = registerToReference(cv, ref, photo.raster);
  if (registration.homography === null) return { registration, cells: null, raw: null };
  const warped = warpToReference(cv, ref, photo.raster, registration.homography, {
    photo: photo.mask,
    reference: reference.mask,
  });
  const { width, height } = ref;
  excludeClipped(warped.mask, warped.rgb, ref.rgb);
  const refSmooth = smooth(cv, ref.rgb, width, height);
  const photoSmooth = smooth(cv, warped.rgb, width, height);
  const normalised = normalizeToReference(cv, photoSmooth, refSmooth, warped.mask, width, height);
  const diff = toleranceDeltaE(
    labOf(cv, normalised, width, height),
    labOf(cv, refSmooth, width, height),
    width,
    height,
    TOLERANCE_PX,
    WINDOW_SHIFT_PX,
  );
  const { excess } = localContrast(blockMaxCells(diff, warped.mask, width, height));
  return { registration, cells: excess, raw: cellMaximum(excess) };
}

/**
 * Clipped pixels say nothing of what is there: a channel at or over `CLIPPED_LEVEL` in either image (a highlight
 * that one exposure blew out and the other did not) is left out of the comparison, with a margin of a pixel.
 */
function excludeClipped(mask: Uint8Array, photo: Uint8Array, reference: Uint8Array): void {
  const n = mask.length;
  const clipped = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = i * 3;
    if (
      Math.max(
        photo[p]!,
        photo[p + 1]!,
        photo[p + 2]!,
        reference[p]!,
        reference[p + 1]!,
        reference[p + 2]!,
      ) >= CLIPPED_LEVEL
    )
      clipped[i] = 1;
  }
  for (let i = 0; i < n; i++) if (clipped[i] === 1) mask[i] = 0;
}

function smooth(cv: OpenCv, rgb: Uint8Array, width: number, height: number): Uint8Array {
  return withMats((own) => {
    const src = own(rasterToMat(cv, { width, height, rgb }));
    const out = own(new cv.Mat());
    const side = 2 * SMOOTHING_RADIUS_PX + 1;
    cv.GaussianBlur(src, out, new cv.Size(side, side), SMOOTHING_SIGMA, SMOOTHING_SIGMA, cv.BORDER_REPLICATE);
    return matBytes(out).slice();
  });
}
