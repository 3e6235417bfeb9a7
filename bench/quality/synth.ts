/**
 * Synthetic photo histories for `npm run bench:quality` and the quality-floor test: real photos as scenes, seen
 * again and again through capture noise, with a local change in the last session of some histories. This is the
 * benchmark's own generator, written apart from the noise model of the change engine (`src/core/change/augment.ts`)
 * so that the engine is not scored on the very noise it was calibrated with: it works at a higher resolution, from
 * a wider scene (a retake shows real surroundings, not black or mirrored borders) and through a real JPEG encoder.
 */
import type { OpenCv } from '../../src/core/cv.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';
import { withMats } from '../../src/core/mat-scope.ts';
import { matBytes, rgbaToMat } from '../../src/core/quality/raster-mat.ts';
import { gaussian, uniform } from '../../src/core/change/random.ts';

type Mat = InstanceType<OpenCv['Mat']>;

/** Long side of a scene, px; each capture shows `VIEW` of it. */
export const SCENE_LONG_SIDE = 1200;
/** Share of the scene's sides a capture frames, leaving room for a 10 % shift of the hard noise. */
const VIEW = 0.8;

/** The kinds of visible change the benchmark plants (issue 7). */
export type ChangeKind = 'dark_mark' | 'reddish_patch' | 'swelling';
export const CHANGE_KINDS: readonly ChangeKind[] = ['dark_mark', 'reddish_patch', 'swelling'];

/** A planted change: its kind, and its area as a share of the captured frame. */
export interface PlantedChange {
  readonly kind: ChangeKind;
  readonly area: number;
  /**
   * How far the change has developed, 0–1 (default 1): its darkening, reddening or bulge is scaled by it, at the
   * same size. A slow drift grows it session by session.
   */
  readonly growth?: number;
}

/** Capture noise of one session: ordinary (issue 7's ranges) or hard (much darker or warmer light, and more). */
export type NoiseKind = 'ordinary' | 'hard';

/** Scales a photo so its long side is `SCENE_LONG_SIDE` px: the scene every capture of it is taken from. */
export function sceneOf(cv: OpenCv, img: RgbaImage): RgbaImage {
  const scale = SCENE_LONG_SIDE / Math.max(img.width, img.height);
  return withMats((own) => {
    const src = own(rgbaToMat(cv, img));
    const out = own(new cv.Mat());
    const size = new cv.Size(Math.round(img.width * scale), Math.round(img.height * scale));
    cv.resize(src, out, size, 0, 0, scale < 1 ? cv.INTER_AREA : cv.INTER_CUBIC);
    return toImage(out);
  });
}

function toImage(mat: Mat): RgbaImage {
  return { width: mat.cols, height: mat.rows, data: new Uint8ClampedArray(matBytes(mat)) };
}

/**
 * Plants a change in a scene, centred at a random point of the central part of the view, sized so it covers
 * `change.area` of a captured frame. The same `random` state gives the same place, shape and strength.
 */
export function plantChange(
  cv: OpenCv,
  scene: RgbaImage,
  change: PlantedChange,
  random: () => number,
): RgbaImage {
  const viewArea = scene.width * VIEW * scene.height * VIEW;
  const aspect = uniform(random, 0.6, 1);
  // Ellipse area π·a·b with b = aspect·a.
  const a = Math.sqrt((change.area * viewArea) / (Math.PI * aspect));
  const b = a * aspect;
  const cx = scene.width * (0.5 + uniform(random, -0.3, 0.3) * VIEW);
  const cy = scene.height * (0.5 + uniform(random, -0.3, 0.3) * VIEW);
  const theta = uniform(random, 0, Math.PI);
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  // Soft edge: full strength inside 0.8 of the radius, fading to 0 at 1.2.
  const alpha = (x: number, y: number): number => {
    const u = ((x - cx) * cos + (y - cy) * sin) / a;
    const v = (-(x - cx) * sin + (y - cy) * cos) / b;
    const r = Math.sqrt(u * u + v * v);
    return r <= 0.8 ? 1 : r >= 1.2 ? 0 : 0.5 + 0.5 * Math.cos(((r - 0.8) / 0.4) * Math.PI);
  };
  const out = new Uint8ClampedArray(scene.data);
  const { width, height } = scene;
  const growth = change.growth ?? 1;
  const x0 = Math.max(0, Math.floor(cx - 1.3 * a));
  const x1 = Math.min(width, Math.ceil(cx + 1.3 * a));
  const y0 = Math.max(0, Math.floor(cy - 1.3 * a));
  const y1 = Math.min(height, Math.ceil(cy + 1.3 * a));
  if (change.kind === 'swelling') {
    // A bulge: pixels inside are drawn from nearer the centre (magnified up to 1.35×), lit from above.
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const w = alpha(x, y) * growth;
        if (w === 0) continue;
        const k = 1 - 0.35 * w;
        const sx = Math.min(width - 1, Math.max(0, Math.round(cx + (x - cx) * k)));
        const sy = Math.min(height - 1, Math.max(0, Math.round(cy + (y - cy) * k)));
        const shade = 1 + 0.12 * w * (cy - y >= 0 ? 1 : -1) * Math.min(1, Math.abs(cy - y) / b);
        for (let c = 0; c < 3; c++)
          out[(y * width + x) * 4 + c] = scene.data[(sy * width + sx) * 4 + c]! * shade;
      }
    }
    return { width, height, data: out };
  }
  const strength = uniform(random, 0.7, 1);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const w = alpha(x, y) * strength * growth;
      if (w === 0) continue;
      const i = (y * width + x) * 4;
      if (change.kind === 'dark_mark') {
        // A brown mark: darker, more in blue than in red.
        out[i] = scene.data[i]! * (1 - 0.45 * w);
        out[i + 1] = scene.data[i + 1]! * (1 - 0.55 * w);
        out[i + 2] = scene.data[i + 2]! * (1 - 0.6 * w);
      } else {
        // A reddish patch: redder and a little darker in green and blue, lightness roughly kept.
        out[i] = scene.data[i]! + 40 * w;
        out[i + 1] = scene.data[i + 1]! * (1 - 0.18 * w);
        out[i + 2] = scene.data[i + 2]! * (1 - 0.15 * w);
      }
    }
  }
  return { width, height, data: out };
}

/** The drawn noise of one capture (see `drawCaptureNoise`). */
export interface CaptureNoise {
  readonly angleDeg: number;
  readonly zoom: number;
  /** Shift as a share of the frame's sides. */
  readonly dx: number;
  readonly dy: number;
  readonly exposure: number;
  readonly gamma: number;
  readonly balance: readonly [number, number, number];
  /** Gaussian blur σ, px of the scene. */
  readonly blur: number;
  /** Sensor noise σ, grey levels. */
  readonly sensor: number;
  /** Lighting ramp: ± this share across the frame, along `rampAngle`. */
  readonly ramp: number;
  readonly rampAngle: number;
  /** Non-rigid warp amplitude as a share of the frame width, and its spatial frequency and phase. */
  readonly warp: number;
  readonly warpFreq: number;
  readonly warpPhase: number;
}

/**
 * Draws the noise of one capture: ordinary (issue 7's ranges: shift up to 4 %, rotation up to 3°, zoom up to 5 %,
 * exposure ×0.8–1.2, gamma 0.85–1.15, white balance ±5 %, blur σ up to 1.2 px, sensor noise σ up to 3 levels), or
 * hard: the same plus much darker (×0.45–0.6) or much warmer light, a shift up to 10 %, a ±15 % lighting ramp and
 * a slight non-rigid warp (0.6 % of the width).
 */
export function drawCaptureNoise(noise: NoiseKind, random: () => number): CaptureNoise {
  const hard = noise === 'hard';
  const shift = hard ? 0.1 : 0.04;
  let exposure = uniform(random, 0.8, 1.2);
  const balance: [number, number, number] = [
    uniform(random, 0.95, 1.05),
    uniform(random, 0.95, 1.05),
    uniform(random, 0.95, 1.05),
  ];
  if (hard) {
    if (random() < 0.5) exposure *= uniform(random, 0.45, 0.6);
    else {
      balance[0] *= uniform(random, 1.12, 1.2);
      balance[2] *= uniform(random, 0.8, 0.88);
    }
  }
  return {
    angleDeg: uniform(random, -3, 3),
    zoom: uniform(random, 0.95, 1.05),
    dx: uniform(random, -shift, shift),
    dy: uniform(random, -shift, shift),
    exposure,
    gamma: uniform(random, 0.85, 1.15),
    balance,
    blur: uniform(random, 0, 1.2),
    sensor: uniform(random, 0, 3),
    ramp: hard ? 0.15 : 0,
    rampAngle: uniform(random, 0, 2 * Math.PI),
    warp: hard ? 0.006 : 0,
    warpFreq: uniform(random, 1, 2),
    warpPhase: uniform(random, 0, 2 * Math.PI),
  };
}

/**
 * One capture of a scene: a view of `VIEW` of its sides, moved, turned and zoomed (and warped), then exposure,
 * gamma, white balance, a lighting ramp, blur and sensor noise as drawn. The caller encodes it as JPEG.
 */
export function capture(cv: OpenCv, scene: RgbaImage, n: CaptureNoise, random: () => number): RgbaImage {
  const outW = Math.round(scene.width * VIEW);
  const outH = Math.round(scene.height * VIEW);
  const angle = (n.angleDeg * Math.PI) / 180;
  const { zoom, exposure, gamma, balance, blur, sensor, ramp, rampAngle, warpFreq, warpPhase } = n;
  const dx = n.dx * outW;
  const dy = n.dy * outH;
  const warpAmp = n.warp * outW;

  return withMats((own) => {
    const src = own(rgbaToMat(cv, scene));
    // Output pixel (u, v) looks at scene point centre + R(angle)·((u, v) − out centre)/zoom + shift.
    const mapX = own(new cv.Mat(outH, outW, cv.CV_32F));
    const mapY = own(new cv.Mat(outH, outW, cv.CV_32F));
    const mx = mapX.data32F as Float32Array;
    const my = mapY.data32F as Float32Array;
    const cos = Math.cos(angle) / zoom;
    const sin = Math.sin(angle) / zoom;
    for (let v = 0; v < outH; v++) {
      for (let u = 0; u < outW; u++) {
        const du = u - outW / 2 + warpAmp * Math.sin((2 * Math.PI * warpFreq * v) / outH + warpPhase);
        const dv = v - outH / 2 + warpAmp * Math.cos((2 * Math.PI * warpFreq * u) / outW + warpPhase);
        mx[v * outW + u] = scene.width / 2 + dx + cos * du - sin * dv;
        my[v * outW + u] = scene.height / 2 + dy + sin * du + cos * dv;
      }
    }
    const viewed = own(new cv.Mat());
    cv.remap(src, viewed, mapX, mapY, cv.INTER_LINEAR, cv.BORDER_REFLECT_101, new cv.Scalar());
    let img = viewed;
    if (blur > 0.1) {
      img = own(new cv.Mat());
      cv.GaussianBlur(viewed, img, new cv.Size(0, 0), blur, blur, cv.BORDER_REPLICATE);
    }
    const bytes = matBytes(img);
    const luts = balance.map((g) => {
      const lut = new Float32Array(256);
      for (let k = 0; k < 256; k++) lut[k] = 255 * (k / 255) ** gamma * exposure * g;
      return lut;
    });
    const rx = Math.cos(rampAngle);
    const ry = Math.sin(rampAngle);
    const data = new Uint8ClampedArray(bytes.length);
    for (let v = 0; v < outH; v++) {
      for (let u = 0; u < outW; u++) {
        const light = 1 + ramp * (((u / outW - 0.5) * rx + (v / outH - 0.5) * ry) * 2);
        const i = (v * outW + u) * 4;
        for (let c = 0; c < 3; c++)
          data[i + c] = luts[c]![bytes[i + c]!]! * light + sensor * gaussian(random);
        data[i + 3] = 255;
      }
    }
    return { width: outW, height: outH, data };
  });
}
