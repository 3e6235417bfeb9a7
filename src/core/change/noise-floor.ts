import type { OpenCv } from '../cv.ts';
import { augmentCapture } from './augment.ts';
import { comparePair } from './compare-pair.ts';
import { seededRandom } from './random.ts';
import type { ChangeRaster } from './raster.ts';

/** Augmented pairs per photo: each pair is two independent retakes, as a real session and its reference both are. */
export const SYNTHETIC_PAIRS = 8;
/** Seed of the first pair; fixed, so a photo gets the same noise samples on every device and in the CLI. */
const SEED = 0x6bcd2;

/**
 * The synthetic half of a personal noise floor (SPEC "Change engine" step 4): `pairs` pairs of augmented copies of
 * one photo (`augmentCapture`, drawn deterministically), each compared like a real retake (`comparePair`). Their
 * raw scores (ΔE*) are what re-taking this photo with no change at all gives. Pairs that fail to register are left
 * out, so fewer than `pairs` samples may come back.
 */
export function syntheticNoiseSamples(
  cv: OpenCv,
  source: ChangeRaster,
  size: { width: number; height: number },
  pairs = SYNTHETIC_PAIRS,
): number[] {
  const samples: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const random = seededRandom(SEED + i);
    const reference = augmentCapture(cv, source, size, random);
    const retake = augmentCapture(cv, source, size, random);
    const raw = comparePair(cv, { raster: reference }, { raster: retake }).raw;
    if (raw !== null) samples.push(raw);
  }
  return samples;
}
