import type { OpenCv } from '../cv.ts';
import { withMats } from '../mat-scope.ts';

/**
 * Terms of the per-channel model that predicts the reference's value from the photo's value p (0–1) at position
 * x, y (−1…1): an offset, a gain and a square term (exposure, white balance and a gamma change of the whole
 * session), and a multiplicative light field, quadratic in x and y: light falling off across the frame (cubic terms
 * were tried on the tuning photos' hard noise and changed nothing: what was left there was misregistration).
 */
const TERMS = 8;
/** Share of the overlap's pixels kept by each trimmed refit: a local change of up to ≈ 20 % of the frame is left out. */
const TRIM_KEEP = 0.8;
/** Trimmed refits after the first least-squares fit. */
const TRIM_ROUNDS = 2;
/** Every SAMPLE_STEP-th pixel of each row and column enters the fit (8 terms; 1/9 of ≈ 45 k pixels is plenty). */
const SAMPLE_STEP = 3;
/** Ridge on the normal equations, keeping a flat (zero-variance) channel solvable. */
const RIDGE = 1e-6;

function fillTerms(p: number, x: number, y: number, t: Float64Array): void {
  t[0] = 1;
  t[1] = p;
  t[2] = p * p;
  t[3] = p * x;
  t[4] = p * y;
  t[5] = p * x * x;
  t[6] = p * y * y;
  t[7] = p * x * y;
}

/**
 * Photometric normalisation of a registered photo to its reference (SPEC "Change engine" step 2): per channel, a
 * least-squares fit of the reference's values from the photo's over the valid overlap (`TERMS`), refitted
 * `TRIM_ROUNDS` times on the `TRIM_KEEP` share of pixels with the smallest residuals: a trimmed, robust fit, so a
 * real local change is an outlier to leave out, not something to fit away. Exposure, white balance, gamma and a
 * lighting ramp of the whole session then do not read as change.
 * @param photo registered photo, RGB bytes, `width × height × 3`.
 * @param reference reference, same size.
 * @param mask 255 where `photo` is valid, `width × height`.
 * @returns the normalised photo, RGB bytes.
 * @throws RangeError when the arrays do not match the size.
 */
export function normalizeToReference(
  cv: OpenCv,
  photo: Uint8Array,
  reference: Uint8Array,
  mask: Uint8Array,
  width: number,
  height: number,
): Uint8Array {
  const n = width * height;
  if (photo.length !== n * 3 || reference.length !== n * 3 || mask.length !== n) {
    throw new RangeError(`normalizeToReference: arrays do not match ${width}×${height}`);
  }
  const sx = 2 / Math.max(1, width - 1);
  const sy = 2 / Math.max(1, height - 1);
  const index: number[] = [];
  for (let y = 0; y < height; y += SAMPLE_STEP) {
    for (let x = 0; x < width; x += SAMPLE_STEP) if (mask[y * width + x] === 255) index.push(y * width + x);
  }
  const m = index.length;
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    xs[k] = (index[k]! % width) * sx - 1;
    ys[k] = Math.floor(index[k]! / width) * sy - 1;
  }
  const out = new Uint8Array(n * 3);
  const t = new Float64Array(TERMS);
  const p = new Float64Array(m);
  const r = new Float64Array(m);
  const keep = new Uint8Array(m);
  const residual = new Float64Array(m);
  for (let c = 0; c < 3; c++) {
    for (let k = 0; k < m; k++) {
      p[k] = photo[index[k]! * 3 + c]! / 255;
      r[k] = reference[index[k]! * 3 + c]! / 255;
    }
    keep.fill(1);
    let beta = fit();
    for (let round = 0; round < TRIM_ROUNDS && m > TERMS * 4; round++) {
      for (let k = 0; k < m; k++) {
        fillTerms(p[k]!, xs[k]!, ys[k]!, t);
        residual[k] = Math.abs(dot(beta, t) - r[k]!);
      }
      const cut = histogramQuantile(residual, TRIM_KEEP);
      for (let k = 0; k < m; k++) keep[k] = residual[k]! <= cut ? 1 : 0;
      beta = fit();
    }
    // `fillTerms` · beta, regrouped as offset + gain(x, y)·p + square·p², the gain a quadratic in x and y.
    const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0, b7 = 0] = beta;
    for (let y = 0; y < height; y++) {
      const yy = y * sy - 1;
      const rowGain = b1 + b4 * yy + b6 * yy * yy;
      const cross = b3 + b7 * yy;
      for (let x = 0, i = y * width * 3 + c; x < width; x++, i += 3) {
        const xx = x * sx - 1;
        const v = photo[i]! / 255;
        const predicted = b0 + v * (rowGain + xx * (cross + b5 * xx)) + b2 * v * v;
        out[i] = Math.min(255, Math.max(0, Math.round(255 * predicted)));
      }
    }
  }
  return out;

  function fit(): Float64Array {
    const ata = new Float64Array(TERMS * TERMS);
    const atb = new Float64Array(TERMS);
    for (let k = 0; k < m; k++) {
      if (keep[k] === 0) continue;
      fillTerms(p[k]!, xs[k]!, ys[k]!, t);
      const rk = r[k]!;
      for (let a = 0; a < TERMS; a++) {
        const ta = t[a]!;
        atb[a] = atb[a]! + ta * rk;
        for (let b = a; b < TERMS; b++) ata[a * TERMS + b] = ata[a * TERMS + b]! + ta * t[b]!;
      }
    }
    for (let a = 0; a < TERMS; a++) {
      ata[a * TERMS + a] = ata[a * TERMS + a]! + RIDGE;
      for (let b = 0; b < a; b++) ata[a * TERMS + b] = ata[b * TERMS + a]!;
    }
    return solveNormal(cv, ata, atb) ?? identity();
  }
}

/** Residual histogram bins over [0, 1] (values are 0–1 channel levels): a quantile in one pass, no sort. */
const RESIDUAL_BINS = 1024;

/** The `q` quantile of values in [0, 1], to 1/`RESIDUAL_BINS`, rounded up to the bin's upper edge. */
function histogramQuantile(values: Float64Array, q: number): number {
  const bins = new Uint32Array(RESIDUAL_BINS);
  for (const v of values) bins[Math.min(RESIDUAL_BINS - 1, Math.floor(v * RESIDUAL_BINS))]!++;
  const target = q * values.length;
  let seen = 0;
  for (let b = 0; b < RESIDUAL_BINS; b++) {
    seen += bins[b]!;
    if (seen >= target) return (b + 1) / RESIDUAL_BINS;
  }
  return 1;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < TERMS; k++) s += a[k]! * b[k]!;
  return s;
}

function identity(): Float64Array {
  const b = new Float64Array(TERMS);
  b[1] = 1;
  return b;
}

/** Solves the symmetric positive-definite normal equations with OpenCV's Cholesky solver; null when singular. */
function solveNormal(cv: OpenCv, ata: Float64Array, atb: Float64Array): Float64Array | null {
  return withMats((own) => {
    const a = own(cv.matFromArray(TERMS, TERMS, cv.CV_64F, Array.from(ata)));
    const b = own(cv.matFromArray(TERMS, 1, cv.CV_64F, Array.from(atb)));
    const x = own(new cv.Mat());
    return cv.solve(a, b, x, cv.DECOMP_CHOLESKY) ? Float64Array.from(x.data64F as Float64Array) : null;
  });
}
