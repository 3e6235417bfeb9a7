import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeChangeRaster } from '../../src/core/change/raster.ts';
import type { ChangeRaster } from '../../src/core/change/raster.ts';
import { loadOpenCv } from '../../src/core/cv.ts';
import type { OpenCv } from '../../src/core/cv.ts';
import type { ImageDecoder } from '../../src/core/image/decode.ts';
import { nodeDecoder } from '../../src/core/image/decode.node.ts';
import { withMats } from '../../src/core/mat-scope.ts';
import { matBytes } from '../../src/core/quality/raster-mat.ts';
import { PHOTOS_DIR } from '../support/paths.ts';

/** A 3×3 homography, row-major. */
export type Homography = readonly number[];

let decoder: Promise<ImageDecoder> | undefined;

/** OpenCV.js, loaded once per test file. */
export const cvReady: () => Promise<OpenCv> = loadOpenCv;

/** A photo of ../shared/data/photos decoded with the app's decoder and shrunk to a change raster of `longSide`. */
export async function photoRaster(cv: OpenCv, file: string, longSide?: number): Promise<ChangeRaster> {
  decoder ??= nodeDecoder();
  const img = await (await decoder)(new Uint8Array(await readFile(join(PHOTOS_DIR, file))));
  return makeChangeRaster(cv, img, longSide);
}

/** `a · b` of two 3×3 matrices. */
export function multiply(a: Homography, b: Homography): number[] {
  const out: number[] = [];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      out.push(a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!);
    }
  }
  return out;
}

/**
 * The similarity that turns by `degrees`, scales by `scale` about (cx, cy), then moves by (dx, dy), as a homography
 * (point-to-point: x' = H·x).
 */
export function similarity(cx: number, cy: number, degrees: number, scale: number, dx = 0, dy = 0): number[] {
  const a = (degrees * Math.PI) / 180;
  const c = scale * Math.cos(a);
  const s = scale * Math.sin(a);
  return [c, -s, cx - c * cx + s * cy + dx, s, c, cy - s * cx - c * cy + dy, 0, 0, 1];
}

/** Where `h` maps (x, y). */
export function mapPoint(h: Homography, x: number, y: number): [number, number] {
  const w = h[6]! * x + h[7]! * y + h[8]!;
  return [(h[0]! * x + h[1]! * y + h[2]!) / w, (h[3]! * x + h[4]! * y + h[5]!) / w];
}

/** Largest distance, px, between where two homographies map the corners of a `width × height` frame. */
export function cornerError(a: Homography, b: Homography, width: number, height: number): number {
  const corners = [
    [0, 0],
    [width, 0],
    [0, height],
    [width, height],
  ] as const;
  return Math.max(
    ...corners.map(([x, y]) => {
      const [ax, ay] = mapPoint(a, x, y);
      const [bx, by] = mapPoint(b, x, y);
      return Math.hypot(ax - bx, ay - by);
    }),
  );
}

/**
 * Renders a view of `source`: the `width × height` image whose pixel p shows the source at `toSource · p`
 * (bilinear; `toSource` must keep the view inside the source, so every pixel is real).
 */
export function viewOf(
  cv: OpenCv,
  source: ChangeRaster,
  toSource: Homography,
  width: number,
  height: number,
): ChangeRaster {
  return withMats((own) => {
    const src = own(new cv.Mat(source.height, source.width, cv.CV_8UC3));
    matBytes(src).set(source.rgb);
    const h = own(cv.matFromArray(3, 3, cv.CV_64F, [...toSource]));
    const out = own(new cv.Mat());
    cv.warpPerspective(
      src,
      out,
      h,
      new cv.Size(width, height),
      cv.INTER_LINEAR + cv.WARP_INVERSE_MAP,
      cv.BORDER_REFLECT_101,
      new cv.Scalar(),
    );
    return { width, height, rgb: matBytes(out).slice() };
  });
}

/** Mean absolute difference of two byte arrays over the pixels (of `channels` bytes) where `select` holds. */
export function meanAbsDiff(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  select: (pixel: number) => boolean = () => true,
  channels = 3,
): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length / channels; i++) {
    if (!select(i)) continue;
    for (let c = 0; c < channels; c++) sum += Math.abs(a[i * channels + c]! - b[i * channels + c]!);
    n += channels;
  }
  return sum / n;
}

/** A copy of `raster` with `fn(r, g, b, x, y)` applied to every pixel (rounded and clipped to 0–255). */
export function mapPixels(
  raster: ChangeRaster,
  fn: (rgb: [number, number, number], x: number, y: number) => readonly [number, number, number],
): ChangeRaster {
  const rgb = new Uint8Array(raster.rgb.length);
  for (let y = 0; y < raster.height; y++) {
    for (let x = 0; x < raster.width; x++) {
      const i = (y * raster.width + x) * 3;
      const out = fn([raster.rgb[i]!, raster.rgb[i + 1]!, raster.rgb[i + 2]!], x, y);
      for (let c = 0; c < 3; c++) rgb[i + c] = Math.max(0, Math.min(255, Math.round(out[c]!)));
    }
  }
  return { width: raster.width, height: raster.height, rgb };
}

/** The inverse of a 3×3 matrix. */
export function invert(m: Homography): number[] {
  const [a, b, c, d, e, f, g, h, i] = m as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    A / det,
    -(b * i - c * h) / det,
    (b * f - c * e) / det,
    B / det,
    (a * i - c * g) / det,
    -(a * f - c * d) / det,
    C / det,
    -(a * h - b * g) / det,
    (a * e - b * d) / det,
  ];
}

/** The reference's view shows the central 1/RETAKE_ZOOM of the photo, so a moved view still sees real surroundings. */
const RETAKE_ZOOM = 1.25;

/**
 * A reference and a retake of one real photo, `truth(w, h)` apart (reference-raster → photo-raster coordinates, the
 * convention of `Registration.homography`: photo(truth·p) shows what reference(p) shows). Both are 256-px views
 * rendered from a 512-px copy of the photo, so no border is invented.
 */
export async function retake(
  cv: OpenCv,
  file: string,
  truth: (w: number, h: number) => Homography,
): Promise<{ reference: ChangeRaster; photo: ChangeRaster; truth: Homography }> {
  const big = await photoRaster(cv, file, 512);
  const w = 256;
  const h = Math.round((w * big.height) / big.width);
  const k = big.width / w / RETAKE_ZOOM;
  const toBig = [k, 0, (big.width - k * w) / 2, 0, k, (big.height - k * h) / 2, 0, 0, 1];
  const H = truth(w, h);
  return {
    reference: viewOf(cv, big, toBig, w, h),
    photo: viewOf(cv, big, multiply(toBig, invert(H)), w, h),
    truth: H,
  };
}

/** Share of the reference frame that `h` maps inside `photo`, on a fine 64×64 grid. */
export function trueOverlap(
  h: Homography,
  reference: Pick<ChangeRaster, 'width' | 'height'>,
  photo: Pick<ChangeRaster, 'width' | 'height'>,
): number {
  const n = 64;
  let inside = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const [u, v] = mapPoint(h, ((i + 0.5) / n) * reference.width, ((j + 0.5) / n) * reference.height);
      if (u >= 0 && u < photo.width && v >= 0 && v < photo.height) inside++;
    }
  }
  return inside / (n * n);
}
