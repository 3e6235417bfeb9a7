import type { OpenCv } from '../../src/core/cv.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';

/** How a later session's photo differs from the first: the small shifts of re-photographing. */
export interface Retake {
  /** Crop offset as a share of width/height (≈ the framing moving by a few per cent). */
  readonly shiftX: number;
  readonly shiftY: number;
  /** Multiplier on every channel (lighting a little brighter or darker). */
  readonly gain: number;
}

/** Runs `fn` on a Mat made from `img`, returning the result as RgbaImage; frees every Mat. */
function withMat(
  cv: OpenCv,
  img: RgbaImage,
  fn: (src: InstanceType<OpenCv['Mat']>) => InstanceType<OpenCv['Mat']>,
): RgbaImage {
  const src = cv.matFromArray(img.height, img.width, cv.CV_8UC4, Array.from(img.data));
  try {
    const out = fn(src);
    try {
      return { width: out.cols, height: out.rows, data: new Uint8ClampedArray(out.data) };
    } finally {
      if (out !== src) out.delete();
    }
  } finally {
    src.delete();
  }
}

/** Scales so the longest side is `longSide` px (INTER_AREA), keeping the aspect. */
export function fitLongSide(cv: OpenCv, img: RgbaImage, longSide: number): RgbaImage {
  const scale = longSide / Math.max(img.width, img.height);
  return withMat(cv, img, (src) => {
    const out = new cv.Mat();
    cv.resize(
      src,
      out,
      new cv.Size(Math.round(img.width * scale), Math.round(img.height * scale)),
      0,
      0,
      cv.INTER_AREA,
    );
    return out;
  });
}

/** A retake: the frame shifted by a few per cent (cropped, scaled back to size) and the exposure nudged. */
export function retake(cv: OpenCv, img: RgbaImage, r: Retake): RgbaImage {
  return withMat(cv, img, (src) => {
    // Crop 4 % off each dimension, centred, then move the window by the shift (kept inside the frame).
    const w = Math.round(img.width * 0.96);
    const h = Math.round(img.height * 0.96);
    const x = Math.round((img.width - w) / 2 + r.shiftX * img.width);
    const y = Math.round((img.height - h) / 2 + r.shiftY * img.height);
    const rect = new cv.Rect(
      Math.max(0, Math.min(img.width - w, x)),
      Math.max(0, Math.min(img.height - h, y)),
      w,
      h,
    );
    const roi = src.roi(rect);
    const out = new cv.Mat();
    try {
      cv.resize(roi, out, new cv.Size(img.width, img.height), 0, 0, cv.INTER_AREA);
      out.convertTo(out, -1, r.gain, 0);
      return out;
    } finally {
      roi.delete();
    }
  });
}

/**
 * A visible change: a filled ellipse of a darker, reddish tone over the centre of the frame (≈ 12 % of its area),
 * standing in for a real change of the photographed area.
 */
export function alter(cv: OpenCv, img: RgbaImage): RgbaImage {
  return withMat(cv, img, (src) => {
    const out = src.clone();
    const centre = new cv.Point(Math.round(img.width * 0.5), Math.round(img.height * 0.45));
    const axes = new cv.Size(Math.round(img.width * 0.22), Math.round(img.height * 0.17));
    cv.ellipse(out, centre, axes, 20, 0, 360, new cv.Scalar(150, 60, 70, 255), -1, cv.LINE_AA);
    return out;
  });
}
