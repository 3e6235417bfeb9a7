import type { Mat } from '@techstark/opencv-js';
import type { OpenCv } from '../cv.ts';
import { withMats } from '../mat-scope.ts';
import type { Deletable } from '../mat-scope.ts';
import { matBytes } from '../quality/raster-mat.ts';
import { rasterToMat } from './raster.ts';
import type { ChangeRaster } from './raster.ts';

/** How a photo was brought onto its reference's frame. */
export type RegistrationMethod = 'ecc_homography' | 'ecc_affine' | 'features_homography' | 'failed';

/** The outcome of registering one photo to one reference (what results report as `registration`). */
export interface Registration {
  readonly method: RegistrationMethod;
  /** ECC's enhanced correlation coefficient at the final level, [−1, 1]; null when ECC was not used. */
  readonly ecc_correlation: number | null;
  /** RANSAC inliers of the feature fallback; null when it was not used. */
  readonly inliers: number | null;
  /** Share of the reference frame that the registered photo covers, [0, 1]; 0 when registration failed. */
  readonly overlap: number;
  /** Plain-language reason when `method` is `failed`. */
  readonly failure: string | null;
}

/** A registration and the 3×3 homography (row-major) mapping reference-raster to photo-raster coordinates. */
export interface RegisteredWarp extends Registration {
  readonly homography: readonly number[] | null;
}

/** ECC runs on grey copies of the change raster shrunk by these factors, coarse to fine (64 then 128 px). */
const PYRAMID = [0.25, 0.5] as const;
/**
 * Gaussian pre-smoothing inside ECC (OpenCV's default, 5): it widens the basin of convergence to a few pixels of
 * the coarse level, where a 4 % shift of the frame is ≈ 2.5 px.
 */
const ECC_GAUSS_FILTER = 5;
const ECC_ITERATIONS = 60;
const ECC_EPSILON = 1e-5;
/**
 * Lowest ECC correlation accepted. Retakes of the same scene under the benchmark's capture noise reach 0.85–0.99 at
 * the 128-px level; unrelated photos of the benchmark's set stay under 0.5. 0.7 keeps the gap on both sides.
 */
export const MIN_ECC_CORRELATION = 0.7;
/** The same photo seen again: its scale may change by at most this factor either way (a 25 % zoom). */
const MAX_SCALE_CHANGE = 1.25;
/** Least share of the reference frame a usable registration covers (SPEC: a validity mask of the overlap). */
const MIN_OVERLAP = 0.5;
/** ORB keypoints per image for the fallback (OpenCV's default 500). */
const ORB_FEATURES = 800;
/** Lowe's ratio test (Lowe, IJCV 2004: 0.8; 0.75 is the usual stricter choice for binary descriptors). */
const LOWE_RATIO = 0.75;
/** RANSAC reprojection threshold, pixels of the 256-px raster. */
const RANSAC_THRESHOLD = 3;
/** Fewest RANSAC inliers for a homography to count (8 points fix it; the rest guard against chance). */
const MIN_INLIERS = 20;

type Matrix = number[];

/**
 * Registers `photo` to `reference` (SPEC "Change engine" step 1): a coarse translation by template matching, then
 * ECC (Evangelidis & Psarakis, PAMI 2008) on grey copies, translation → affine at 64 px, affine → homography at
 * 128 px, each level starting from the last; if ECC
 * fails or gives an implausible warp, ORB features + Lowe ratio test + RANSAC `findHomography` on the 256-px grey
 * rasters. A warp is accepted only if it keeps orientation, changes scale by at most `MAX_SCALE_CHANGE` and covers at
 * least `MIN_OVERLAP` of the reference frame.
 * Never throws for photos that do not align: the result says `failed`, with a reason.
 */
export function registerToReference(
  cv: OpenCv,
  reference: ChangeRaster,
  photo: ChangeRaster,
): RegisteredWarp {
  return withMats((own) => {
    const refGrey = own(greyOf(cv, reference));
    const photoGrey = own(greyOf(cv, photo));
    const eccFit = eccRegistration(cv, refGrey, sameSize(cv, photoGrey, refGrey, own), own);
    const ecc =
      eccFit.homography === null
        ? eccFit
        : {
            ...eccFit,
            homography: scaleRows(
              eccFit.homography,
              photo.width / reference.width,
              photo.height / reference.height,
            ),
          };
    if (ecc.homography !== null) {
      const overlap = overlapOf(reference, photo, ecc.homography);
      const problem = implausible(ecc.homography, overlap);
      if (problem === null) {
        const { method, homography, ecc_correlation } = ecc;
        return { method, homography, ecc_correlation, overlap, inliers: null, failure: null };
      }
    }
    const features = featureRegistration(cv, refGrey, photoGrey, own);
    if (features.homography !== null) {
      const overlap = overlapOf(reference, photo, features.homography);
      const problem = implausible(features.homography, overlap);
      if (problem === null) {
        return {
          method: 'features_homography',
          homography: features.homography,
          ecc_correlation: null,
          inliers: features.inliers,
          overlap,
          failure: null,
        };
      }
      return failed(problem, ecc.correlation, features.inliers);
    }
    return failed(ecc.reason ?? features.reason, ecc.correlation, features.inliers);
  });
}

function failed(reason: string, correlation: number | null, inliers: number | null): RegisteredWarp {
  return {
    method: 'failed',
    homography: null,
    ecc_correlation: correlation,
    inliers,
    overlap: 0,
    failure: reason,
  };
}

function greyOf(cv: OpenCv, raster: ChangeRaster): Mat {
  return withMats((own) => {
    const rgb = own(rasterToMat(cv, raster));
    const grey = new cv.Mat();
    cv.cvtColor(rgb, grey, cv.COLOR_RGB2GRAY);
    return grey;
  });
}

/**
 * Width of the Gaussian (σ, as a share of the level's long side) subtracted from each ECC level: ECC is blind to a
 * gain and an offset of the whole image but not to light that falls off across it: on the tuning photos a ±15 %
 * ramp on top of a slight warp pulled the fit off by pixels. Taking out structure wider than 1/4 of the frame
 * removes the ramp; 1/16 also removed the coarse structure ECC converges on, and failed more.
 */
const ECC_HIGH_PASS = 1 / 4;

/** A pyramid level for ECC: the grey image shrunk by `factor`, as floats, with its wide light field taken out. */
function eccLevel(cv: OpenCv, grey: Mat, factor: number, own: <M extends Deletable>(m: M) => M): Mat {
  const small = own(new cv.Mat());
  cv.resize(grey, small, new cv.Size(0, 0), factor, factor, cv.INTER_AREA);
  const floats = own(new cv.Mat());
  small.convertTo(floats, cv.CV_32F);
  const sigma = ECC_HIGH_PASS * Math.max(small.cols, small.rows);
  const wide = own(new cv.Mat());
  cv.GaussianBlur(floats, wide, new cv.Size(0, 0), sigma, sigma, cv.BORDER_REFLECT_101);
  const out = own(new cv.Mat());
  cv.subtract(floats, wide, out);
  return out;
}

/** The photo's grey image resized to the reference's size (ECC compares two images of one size). */
function sameSize(cv: OpenCv, photo: Mat, ref: Mat, own: <M extends Deletable>(m: M) => M): Mat {
  if (photo.cols === ref.cols && photo.rows === ref.rows) return photo;
  const out = own(new cv.Mat());
  cv.resize(photo, out, new cv.Size(ref.cols, ref.rows), 0, 0, cv.INTER_AREA);
  return out;
}

/** `diag(sx, sy, 1) · H`: a homography onto a resized photo, back in the photo's own pixels. */
function scaleRows(h: Matrix, sx: number, sy: number): Matrix {
  return [h[0]! * sx, h[1]! * sx, h[2]! * sx, h[3]! * sy, h[4]! * sy, h[5]! * sy, h[6]!, h[7]!, h[8]!];
}

/** Share of each side left out around the template of the coarse search: room for a 15 % shift either way. */
const COARSE_INSET = 0.15;

/**
 * A first guess of the shift between photo and reference, before ECC: the central part of the reference (all but
 * `COARSE_INSET` of each side) matched over the photo by normalised cross-correlation (`cv.matchTemplate`,
 * TM_CCOEFF_NORMED) at the coarse level. ECC converges only within a few pixels of the answer; a 10 % shift of the
 * new photo on top of the reference's own (14 % in all) drew it into a false optimum on the tuning photos.
 * @returns a translation as a homography, in raster pixels.
 */
function coarseTranslation(
  cv: OpenCv,
  refGrey: Mat,
  photoGrey: Mat,
  own: <M extends Deletable>(m: M) => M,
): Matrix {
  const factor = PYRAMID[0];
  const ref = own(new cv.Mat());
  const photo = own(new cv.Mat());
  cv.resize(refGrey, ref, new cv.Size(0, 0), factor, factor, cv.INTER_AREA);
  cv.resize(photoGrey, photo, new cv.Size(0, 0), factor, factor, cv.INTER_AREA);
  const ix = Math.round(ref.cols * COARSE_INSET);
  const iy = Math.round(ref.rows * COARSE_INSET);
  const w = ref.cols - 2 * ix;
  const hgt = ref.rows - 2 * iy;
  if (w < 8 || hgt < 8 || photo.cols < w || photo.rows < hgt) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const template = own(ref.roi(new cv.Rect(ix, iy, w, hgt)));
  const scores = own(new cv.Mat());
  cv.matchTemplate(photo, template, scores, cv.TM_CCOEFF_NORMED, own(new cv.Mat()));
  const best = (cv.minMaxLoc as unknown as (m: Mat) => { maxLoc: { x: number; y: number } })(scores).maxLoc;
  return [1, 0, (best.x - ix) / factor, 0, 1, (best.y - iy) / factor, 0, 0, 1];
}

/** `S⁻¹ · H · S` with `S = diag(f, f, 1)`: a homography found on images scaled by `f`, in unscaled coordinates. */
export function rescaleHomography(h: Matrix, f: number): Matrix {
  return [h[0]!, h[1]!, h[2]! / f, h[3]!, h[4]!, h[5]! / f, h[6]! * f, h[7]! * f, h[8]!];
}

function eccRegistration(
  cv: OpenCv,
  refGrey: Mat,
  photoGrey: Mat,
  own: <M extends Deletable>(m: M) => M,
): {
  method: RegistrationMethod;
  homography: Matrix | null;
  ecc_correlation: number | null;
  correlation: number | null;
  reason: string | null;
} {
  const criteria = new cv.TermCriteria(
    cv.TermCriteria_COUNT + cv.TermCriteria_EPS,
    ECC_ITERATIONS,
    ECC_EPSILON,
  );
  let h: Matrix = coarseTranslation(cv, refGrey, photoGrey, own);
  let correlation: number | null = null;
  let method: RegistrationMethod = 'ecc_affine';
  const steps: readonly [number, number][] = [
    [PYRAMID[0], cv.MOTION_TRANSLATION],
    [PYRAMID[0], cv.MOTION_AFFINE],
    [PYRAMID[1], cv.MOTION_AFFINE],
    [PYRAMID[1], cv.MOTION_HOMOGRAPHY],
  ];
  const levels = new Map<number, { ref: Mat; photo: Mat; mask: Mat }>();
  for (const [factor, motion] of steps) {
    let level = levels.get(factor);
    if (level === undefined) {
      const ref = eccLevel(cv, refGrey, factor, own);
      level = {
        ref,
        photo: eccLevel(cv, photoGrey, factor, own),
        mask: own(new cv.Mat(ref.rows, ref.cols, cv.CV_8U, new cv.Scalar(255))),
      };
      levels.set(factor, level);
    }
    const atLevel = rescaleHomography(h, 1 / factor);
    const homography = motion === cv.MOTION_HOMOGRAPHY;
    const warp = own(
      cv.matFromArray(homography ? 3 : 2, 3, cv.CV_32F, homography ? atLevel : atLevel.slice(0, 6)),
    );
    try {
      correlation = cv.findTransformECC(
        level.ref,
        level.photo,
        warp,
        motion,
        criteria,
        level.mask,
        ECC_GAUSS_FILTER,
      );
    } catch (err) {
      // The last level failing to converge keeps the affine warp of the level before, if there was one.
      if (homography && correlation !== null && correlation >= MIN_ECC_CORRELATION) break;
      // OpenCV's message (a C++ assertion or "did not converge") is for developers; the reason is for the person.
      void err;
      return {
        method,
        homography: null,
        ecc_correlation: null,
        correlation: null,
        reason: 'the photo does not line up with the earlier one of this angle',
      };
    }
    const found = Array.from(warp.data32F as Float32Array);
    const full = homography ? found : [...found, 0, 0, 1];
    h = rescaleHomography(full, factor);
    if (homography) method = 'ecc_homography';
  }
  if (correlation === null || correlation < MIN_ECC_CORRELATION) {
    return {
      method,
      homography: null,
      ecc_correlation: correlation,
      correlation,
      reason: 'the photo does not line up with the earlier one of this angle',
    };
  }
  return { method, homography: h, ecc_correlation: correlation, correlation, reason: null };
}

/**
 * The parts of OpenCV.js's feature API the fallback uses. The package's bundled typings (mirada) lack `ORB` and
 * type the matcher and match vectors without `delete`, `knnMatch` and `size`, so they are declared here.
 */
interface FeatureApi {
  ORB: new (features: number) => Deletable & {
    detectAndCompute(img: Mat, mask: Mat, keys: KeyPoints, desc: Mat): void;
  };
  KeyPointVector: new () => KeyPoints;
  BFMatcher: new (
    norm: number,
    crossCheck: boolean,
  ) => Deletable & {
    knnMatch(query: Mat, train: Mat, out: MatchLists, k: number): void;
  };
  DMatchVectorVector: new () => MatchLists;
  NORM_HAMMING: number;
}
interface KeyPoints extends Deletable {
  get(i: number): { pt: { x: number; y: number } };
}
interface MatchLists extends Deletable {
  size(): number;
  get(i: number): {
    size(): number;
    get(j: number): { queryIdx: number; trainIdx: number; distance: number };
  };
}

function featureRegistration(
  opencv: OpenCv,
  refGrey: Mat,
  photoGrey: Mat,
  own: <M extends Deletable>(m: M) => M,
): { homography: Matrix | null; inliers: number | null; reason: string } {
  const features = opencv as unknown as FeatureApi;
  const cv = opencv;
  const orb = own(new features.ORB(ORB_FEATURES));
  const refKeys = own(new features.KeyPointVector());
  const photoKeys = own(new features.KeyPointVector());
  const refDesc = own(new cv.Mat());
  const photoDesc = own(new cv.Mat());
  const none = own(new cv.Mat());
  orb.detectAndCompute(refGrey, none, refKeys, refDesc);
  orb.detectAndCompute(photoGrey, none, photoKeys, photoDesc);
  const reason = 'too few details match the earlier photo of this angle';
  if (refDesc.rows < MIN_INLIERS || photoDesc.rows < MIN_INLIERS)
    return { homography: null, inliers: 0, reason };
  const matcher = own(new features.BFMatcher(features.NORM_HAMMING, false));
  const knn = own(new features.DMatchVectorVector());
  matcher.knnMatch(refDesc, photoDesc, knn, 2);
  const src: number[] = [];
  const dst: number[] = [];
  for (let i = 0; i < knn.size(); i++) {
    const pair = knn.get(i);
    if (pair.size() < 2) continue;
    const best = pair.get(0);
    if (best.distance < LOWE_RATIO * pair.get(1).distance) {
      const a = refKeys.get(best.queryIdx).pt;
      const b = photoKeys.get(best.trainIdx).pt;
      src.push(a.x, a.y);
      dst.push(b.x, b.y);
    }
  }
  const matches = src.length / 2;
  if (matches < MIN_INLIERS) return { homography: null, inliers: matches, reason };
  const srcMat = own(cv.matFromArray(matches, 1, cv.CV_32FC2, src));
  const dstMat = own(cv.matFromArray(matches, 1, cv.CV_32FC2, dst));
  const inlierMask = own(new cv.Mat());
  let h: Mat;
  try {
    h = own(cv.findHomography(srcMat, dstMat, cv.RANSAC, RANSAC_THRESHOLD, inlierMask));
  } catch {
    return { homography: null, inliers: 0, reason };
  }
  const inliers = inlierMask.rows > 0 ? cv.countNonZero(inlierMask) : 0;
  if (h.rows !== 3 || inliers < MIN_INLIERS) return { homography: null, inliers, reason };
  return { homography: Array.from(h.data64F as Float64Array), inliers, reason };
}

/** Why a warp cannot be the same scene seen again, or null when it can. */
function implausible(h: Matrix, overlap: number): string | null {
  const det = h[0]! * h[4]! - h[1]! * h[3]!;
  const scale = Math.sqrt(Math.abs(det));
  if (!(det > 0) || scale > MAX_SCALE_CHANGE || scale < 1 / MAX_SCALE_CHANGE) {
    return 'the photo is framed too differently from the earlier one of this angle';
  }
  if (Math.abs(h[6]!) > 2e-3 || Math.abs(h[7]!) > 2e-3)
    return 'the photo is taken from too different a direction';
  if (overlap < MIN_OVERLAP) return 'the photo covers too little of the area photographed before';
  return null;
}

/** Share of reference pixels (sampled on a 16×16 grid) that the homography maps inside the photo's frame. */
function overlapOf(reference: ChangeRaster, photo: ChangeRaster, h: Matrix): number {
  const n = 16;
  let inside = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const x = ((i + 0.5) / n) * reference.width;
      const y = ((j + 0.5) / n) * reference.height;
      const w = h[6]! * x + h[7]! * y + h[8]!;
      const u = (h[0]! * x + h[1]! * y + h[2]!) / w;
      const v = (h[3]! * x + h[4]! * y + h[5]!) / w;
      if (u >= 0 && u < photo.width && v >= 0 && v < photo.height) inside++;
    }
  }
  return inside / (n * n);
}

/**
 * Warps `photo` onto the reference frame with a registration's homography (bilinear) and returns it with its
 * validity mask: 255 where the warped photo has data (`photoMask`, all of it when omitted) and the reference has
 * too (`referenceMask`), eroded by 3 px so interpolated and smoothed borders are left out. Both
 * `reference.width × reference.height`.
 */
export function warpToReference(
  cv: OpenCv,
  reference: Pick<ChangeRaster, 'width' | 'height'>,
  photo: ChangeRaster,
  homography: readonly number[],
  masks: { photo?: Uint8Array; reference?: Uint8Array } = {},
): { rgb: Uint8Array; mask: Uint8Array } {
  return withMats((own) => {
    const src = own(rasterToMat(cv, photo));
    const h = own(cv.matFromArray(3, 3, cv.CV_64F, [...homography]));
    const size = new cv.Size(reference.width, reference.height);
    const warped = own(new cv.Mat());
    cv.warpPerspective(
      src,
      warped,
      h,
      size,
      cv.INTER_LINEAR + cv.WARP_INVERSE_MAP,
      cv.BORDER_CONSTANT,
      new cv.Scalar(0, 0, 0, 0),
    );
    const valid = own(new cv.Mat(photo.height, photo.width, cv.CV_8U, new cv.Scalar(255)));
    if (masks.photo) matBytes(valid).set(masks.photo);
    const mask = own(new cv.Mat());
    cv.warpPerspective(
      valid,
      mask,
      h,
      size,
      cv.INTER_NEAREST + cv.WARP_INVERSE_MAP,
      cv.BORDER_CONSTANT,
      new cv.Scalar(0),
    );
    if (masks.reference) {
      const bytes = matBytes(mask);
      for (let i = 0; i < bytes.length; i++) if (masks.reference[i] !== 255) bytes[i] = 0;
    }
    const eroded = own(new cv.Mat());
    const kernel = own(cv.Mat.ones(7, 7, cv.CV_8U));
    cv.erode(mask, eroded, kernel, new cv.Point(-1, -1), 1, cv.BORDER_CONSTANT, new cv.Scalar(0));
    return { rgb: matBytes(warped).slice(), mask: matBytes(eroded).slice() };
  });
}
