import type { OpenCv } from '../cv.ts';
import { withMats } from '../mat-scope.ts';
import { matBytes } from '../quality/raster-mat.ts';
import { gaussian, seededRandom, uniform } from './random.ts';
import { rasterToMat } from './raster.ts';
import type { ChangeRaster } from './raster.ts';

/**
 * The capture noise of taking a photo again (SPEC "Change engine" step 4; the ranges of issue 7's held-out
 * histories): framing shift up to 4 % per axis, rotation up to 3°, zoom up to 5 %, exposure ×0.8–1.2, gamma
 * 0.9–1.1, white balance ±5 % per channel, a slight blur (σ up to 0.7 px of the 256-px raster) and sensor noise
 * (σ up to 2 grey levels).
 */
export const CAPTURE_NOISE = {
  shift: 0.04,
  rotationDeg: 3,
  zoom: 0.05,
  exposure: [0.8, 1.2],
  gamma: [0.9, 1.1],
  whiteBalance: 0.05,
  blurSigma: 0.7,
  noiseSigma: 2,
} as const;

/** Standard normal draws reused for sensor noise: a table lookup per pixel instead of a Box–Muller pair. */
const NORMAL_TABLE_SIZE = 4096;
let normals: Float32Array | undefined;
function normalTable(): Float32Array {
  if (normals === undefined) {
    const random = seededRandom(NORMAL_TABLE_SIZE);
    normals = Float32Array.from({ length: NORMAL_TABLE_SIZE }, () => gaussian(random));
  }
  return normals;
}

/**
 * Zoom applied to every augmented copy so the moved, turned and shrunk view stays inside the photo: a retake sees
 * real surroundings, and black or mirrored borders would be edges that no real retake has (ECC would align them).
 * 1 + 2·shift + rotation's reach on a 4:3 frame (sin 3° · (4/3 + 3/4) ≈ 0.11) + zoom.
 */
const INSIDE_ZOOM = 1 + 2 * CAPTURE_NOISE.shift + 0.11 + CAPTURE_NOISE.zoom;

/**
 * One augmented copy of a change raster under `CAPTURE_NOISE`, drawn from `random`: a view inside the photo (see
 * `INSIDE_ZOOM`), so every pixel of it is real.
 */
export function augmentCapture(
  cv: OpenCv,
  source: ChangeRaster,
  size: { width: number; height: number },
  random: () => number,
): ChangeRaster {
  const n = CAPTURE_NOISE;
  const { width, height } = source;
  const angle = uniform(random, -n.rotationDeg, n.rotationDeg);
  const zoom = INSIDE_ZOOM * uniform(random, 1 - n.zoom, 1 + n.zoom);
  const dx = uniform(random, -n.shift, n.shift) * width;
  const dy = uniform(random, -n.shift, n.shift) * height;
  const exposure = uniform(random, n.exposure[0], n.exposure[1]);
  const gamma = uniform(random, n.gamma[0], n.gamma[1]);
  const balance = [0, 1, 2].map(() => uniform(random, 1 - n.whiteBalance, 1 + n.whiteBalance));
  const blur = uniform(random, 0, n.blurSigma);
  const noise = uniform(random, 0, n.noiseSigma);
  return withMats((own) => {
    const src = own(rasterToMat(cv, source));
    const m = own(cv.getRotationMatrix2D(new cv.Point(width / 2, height / 2), angle, zoom));
    const md = m.data64F as Float64Array;
    md[2] = md[2]! + dx;
    md[5] = md[5]! + dy;
    const warped = own(new cv.Mat());
    cv.warpAffine(
      src,
      warped,
      m,
      new cv.Size(width, height),
      cv.INTER_LINEAR,
      cv.BORDER_REFLECT_101,
      new cv.Scalar(),
    );
    const shrunk = own(new cv.Mat());
    cv.resize(warped, shrunk, new cv.Size(size.width, size.height), 0, 0, cv.INTER_AREA);
    let img = shrunk;
    if (blur > 0.05) {
      img = own(new cv.Mat());
      cv.GaussianBlur(shrunk, img, new cv.Size(0, 0), blur, blur, cv.BORDER_REPLICATE);
    }
    const bytes = matBytes(img);
    const luts = balance.map((g) => {
      const lut = new Float32Array(256);
      for (let v = 0; v < 256; v++) lut[v] = (v / 255) ** gamma * exposure * g * 255;
      return lut;
    });
    const rgb = new Uint8Array(bytes.length);
    const normal = normalTable();
    for (let i = 0; i < bytes.length; i++) {
      const v = luts[i % 3]![bytes[i]!]! + noise * normal[(random() * NORMAL_TABLE_SIZE) | 0]!;
      rgb[i] = Math.max(0, Math.min(255, Math.round(v)));
    }
    return { width: size.width, height: size.height, rgb };
  });
}
