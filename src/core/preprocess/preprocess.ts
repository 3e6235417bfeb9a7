import type { Mat } from '@techstark/opencv-js';
import type { ModelManifest } from '../../model/manifest.ts';
import { TOO_BRIGHT_BRIGHTNESS, TOO_DARK_BRIGHTNESS } from '../config.ts';
import type { OpenCv } from '../cv.ts';
import type { RgbaImage } from '../image/raster.ts';
import { matBytes, rgbaToMat } from '../quality/raster-mat.ts';
import { exposureGamma, gammaLut } from './exposure.ts';
import { centreCrop } from './region.ts';
import type { Region } from './region.ts';
import { modelTensor } from './tensor.ts';

/**
 * CLAHE clip limit (multiples of the mean bin count per tile). 2.0 is the value of OpenCV's own CLAHE example:
 * OpenCV's default, 40, is close to unclipped adaptive equalisation and amplifies sensor noise and skin texture.
 */
export const CLAHE_CLIP_LIMIT = 2;
/** CLAHE tiles per side (OpenCV's default 8×8): on the working image a tile is about 1/8 of the frame. */
export const CLAHE_TILE_GRID = 8;
/**
 * The photometric steps run on a working copy shrunk by the integer factor k = ⌊crop side / (WORKING_SCALE × model
 * side)⌋, so that its crop region is 1–2 × WORKING_SCALE × the model input (448–895 px for 224): they cost per
 * pixel (YCrCb and CLAHE on a 12 MP photo are ≈ 36× the work at 672×504), and keeping at least twice the model's
 * resolution lets the final `INTER_AREA` resize average away the noise CLAHE amplifies.
 */
export const WORKING_SCALE = 2;
/**
 * Mean-luminance band (0–1) that exposure correction brings a photo into. Below, up to 0.20: twice
 * `TOO_DARK_BRIGHTNESS`, the darkest mean the quality score counts as fully exposed; a gamma recovers shadow
 * detail there (with its noise), and a frame brought only to the 0.10 flag threshold would still look black to the
 * model (bad/dark.jpg then reached 0.15 after CLAHE, the original 0.46). Above, down to `TOO_BRIGHT_BRIGHTNESS`
 * (0.79) only: clipped highlights cannot be recovered, darkening merely dims the rest of the frame, and a bright
 * background (a white wall) is not a fault. Each photo is moved only to the nearest edge, so the correction grows
 * continuously from zero: two near-identical photos on either side of an edge get near-identical inputs.
 */
export const EXPOSURE_BAND: readonly [number, number] = [2 * TOO_DARK_BRIGHTNESS, TOO_BRIGHT_BRIGHTNESS];

export interface PreprocessOptions {
  /** Mean-luminance band (0–1) outside which exposure is corrected; default `EXPOSURE_BAND` (0.20–0.79). */
  readonly exposureBand?: readonly [number, number];
  readonly claheClipLimit?: number;
  readonly claheTileGrid?: number;
}

/** One image ready for the model. */
export interface PreprocessedImage {
  /** `3 × width × height` floats, normalised per the manifest, in `layout` order, for a batch of one. */
  readonly tensor: Float32Array;
  /** The tensor's dimensions: `[1, 3, height, width]` (NCHW) or `[1, height, width, 3]` (NHWC). */
  readonly dims: readonly [number, number, number, number];
  readonly layout: ModelManifest['input']['layout'];
  /** Model input size in pixels. */
  readonly width: number;
  readonly height: number;
  /** What the model saw before its normalisation: `width × height` RGBA bytes, alpha 255 (a thumbnail for the UI). */
  readonly rgba: Uint8ClampedArray;
  /** Gamma applied to luminance before equalisation: 1 when exposure was inside the band, < 1 brightened. */
  readonly exposureGamma: number;
  /** The region of the input image that became the model input, in input pixels. */
  readonly region: Region;
}

/**
 * Prepares one decoded, orientation-corrected image for the embedding model (SPEC "Per image: preprocessing for the
 * model"), in the SPEC's order:
 * 1. working copy: shrunk with `INTER_AREA` by an integer factor (see `WORKING_SCALE`; never enlarged);
 * 2. exposure: when the mean BT.601 luminance Y is outside `exposureBand` (default `EXPOSURE_BAND`), a gamma on Y
 *    brings it to the nearest edge (`exposureGamma`);
 * 3. histogram equalisation: CLAHE (`CLAHE_CLIP_LIMIT`, `CLAHE_TILE_GRID`) on the Y channel of YCrCb, Cr and Cb
 *    kept, so colour is preserved; Y is the same luminance the quality figures use;
 * 4. alignment: the centred region of the model's aspect (a square for 224×224). Registration to the angle's
 *    baseline would replace this step: warp the working image onto the baseline's frame, then take the region;
 * 5. resize to `manifest.input` size: `INTER_AREA` when shrinking, `INTER_CUBIC` when enlarging (small inputs),
 *    then back from YCrCb to RGB;
 * 6. the model's normalisation `(v / 255 − mean[c]) / std[c]`, written in `manifest.input.layout`.
 * Alpha is ignored. Every Mat is freed before returning, also on error.
 * @param img 8-bit RGBA, row-major.
 * @throws RangeError if `img` is malformed or the options are out of range.
 */
export function preprocessForModel(
  cv: OpenCv,
  img: RgbaImage,
  manifest: Pick<ModelManifest, 'input' | 'normalization'>,
  opts: PreprocessOptions = {},
): PreprocessedImage {
  const band = opts.exposureBand ?? EXPOSURE_BAND;
  const clipLimit = opts.claheClipLimit ?? CLAHE_CLIP_LIMIT;
  const tileGrid = opts.claheTileGrid ?? CLAHE_TILE_GRID;
  if (!(clipLimit > 0) || !Number.isInteger(tileGrid) || tileGrid < 1) {
    throw new RangeError(`CLAHE needs a positive clip limit and tile grid, got ${clipLimit} and ${tileGrid}`);
  }
  const { width, height, layout } = manifest.input;
  const aspect = width / height;
  const region = centreCrop(img.width, img.height, aspect);

  const owned: { delete(): void }[] = [];
  const own = <T extends { delete(): void }>(m: T): T => {
    owned.push(m);
    return m;
  };
  try {
    const input = own(rgbaToMat(cv, img));

    // An integer factor: the working copy is a k×k box average, OpenCV's fast INTER_AREA path when k divides the
    // sides; the general path, for a factor such as 1.19, took longer than all the other steps together.
    const k = Math.max(1, Math.floor(region.height / (WORKING_SCALE * height)));
    let working = input;
    if (k > 1) {
      working = own(new cv.Mat());
      const size = new cv.Size(
        Math.max(1, Math.round(img.width / k)),
        Math.max(1, Math.round(img.height / k)),
      );
      cv.resize(input, working, size, 0, 0, cv.INTER_AREA);
    }
    // RGB2YCrCb reads 3- or 4-channel input and drops alpha, so the RGBA copy needs no RGB step.
    const ycrcb = own(new cv.Mat());
    cv.cvtColor(working, ycrcb, cv.COLOR_RGB2YCrCb);
    const planes = own(new cv.MatVector());
    cv.split(ycrcb, planes);
    const luma = own(planes.get(0));

    const gamma = exposureGamma(histogram(cv, luma, own), band);
    if (gamma !== 1) {
      // OpenCV.js 4.5.2 does not export cv.LUT, so the 256-entry table is applied here.
      const lut = gammaLut(gamma);
      const bytes = matBytes(luma);
      for (let i = 0; i < bytes.length; i++) bytes[i] = lut[bytes[i]!]!;
    }

    const clahe = own(new cv.CLAHE(clipLimit, new cv.Size(tileGrid, tileGrid)));
    const equalised = own(new cv.Mat());
    clahe.apply(luma, equalised);
    planes.set(0, equalised);
    cv.merge(planes, ycrcb);

    // Crop and resize still in YCrCb, an affine map of RGB, so only the model-sized image is converted back.
    const crop = centreCrop(ycrcb.cols, ycrcb.rows, aspect);
    const roi = own(ycrcb.roi(new cv.Rect(crop.x, crop.y, crop.width, crop.height)));
    const resized = own(new cv.Mat());
    const shrink = crop.width >= width && crop.height >= height;
    cv.resize(roi, resized, new cv.Size(width, height), 0, 0, shrink ? cv.INTER_AREA : cv.INTER_CUBIC);
    const rgb = own(new cv.Mat());
    cv.cvtColor(resized, rgb, cv.COLOR_YCrCb2RGB);

    const thumbnail = own(new cv.Mat());
    cv.cvtColor(rgb, thumbnail, cv.COLOR_RGB2RGBA);
    return {
      tensor: modelTensor(matBytes(rgb), width, height, layout, manifest.normalization),
      dims: layout === 'NCHW' ? [1, 3, height, width] : [1, height, width, 3],
      layout,
      width,
      height,
      rgba: new Uint8ClampedArray(matBytes(thumbnail)),
      exposureGamma: gamma,
      region,
    };
  } finally {
    for (const m of owned) m.delete();
  }
}

/** 256-bin histogram of an 8-bit single-channel Mat (`cv.calcHist`), as plain numbers. */
function histogram(cv: OpenCv, gray: Mat, own: <T extends { delete(): void }>(m: T) => T): Float32Array {
  const images = own(new cv.MatVector());
  images.push_back(gray);
  const mask = own(new cv.Mat());
  const hist = own(new cv.Mat());
  cv.calcHist(images, [0], mask, hist, [256], [0, 256]);
  return hist.data32F.slice();
}
