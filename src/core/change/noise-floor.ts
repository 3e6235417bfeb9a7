import type { OpenCv } from '../cv.ts';
import type { CalibratedChange, ImageChange } from './angle-change.ts';
import { augmentCapture } from './augment.ts';
import { comparePair } from './compare-pair.ts';
import { seededRandom } from './random.ts';
import type { ChangeRaster } from './raster.ts';

/**
 * Augmented pairs per photo: each pair is two independent retakes, as a real session and its reference both are.
 * Four keep the per-photo cost near 0.2 s; from the third session on, real pairs join them (`noiseFloor`), and the
 * references' samples pool (4 per reference, up to 16 per angle).
 */
export const SYNTHETIC_PAIRS = 4;
/** Seed of the first pair; fixed, so a photo gets the same noise samples on every device and in the CLI. */
const SEED = 0x6bcd2;

/**
 * The synthetic half of a personal noise floor (SPEC "Change engine" step 4): `pairs + 1` augmented copies of one
 * photo (`augmentCapture`, drawn deterministically), each compared like a real retake (`comparePair`) with the one
 * before it. Their raw scores (ΔE*) are what re-taking this photo with no change at all gives. Pairs that fail to
 * register are left out, so fewer than `pairs` samples may come back.
 * @param source the photo's change raster (or a larger copy of it) to augment; `size` the size of the copies.
 */
export function syntheticNoiseSamples(
  cv: OpenCv,
  source: ChangeRaster,
  size: { width: number; height: number },
  pairs = SYNTHETIC_PAIRS,
): number[] {
  const random = seededRandom(SEED);
  const samples: number[] = [];
  let reference = augmentCapture(cv, source, size, random);
  for (let i = 0; i < pairs; i++) {
    const retake = augmentCapture(cv, source, size, random);
    const raw = comparePair(cv, { raster: reference }, { raster: retake }).raw;
    if (raw !== null) samples.push(raw);
    reference = retake;
  }
  return samples;
}

/**
 * `change` with its synthetic noise samples, computed now (`syntheticNoiseSamples` on its raster) when they are
 * still null; the same object when they are there.
 */
export function withNoiseSamples(cv: OpenCv, change: ImageChange): CalibratedChange {
  if (change.noise_samples !== null) return change as CalibratedChange;
  return { ...change, noise_samples: syntheticNoiseSamples(cv, change.raster, change.raster) };
}
