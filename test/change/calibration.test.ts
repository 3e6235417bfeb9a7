import { beforeAll, describe, expect, it } from 'vitest';
import {
  MIN_NOISE_MARGIN,
  SCORE_AT_NOISE_FLOOR,
  calibratedScore,
  noiseFloor,
  PRIOR_NOISE,
} from '../../src/core/change/calibration.ts';
import { SYNTHETIC_PAIRS, syntheticNoiseSamples } from '../../src/core/change/noise-floor.ts';
import type { OpenCv } from '../../src/core/cv.ts';
import { variationLevel } from '../../src/core/scoring/index.ts';
import { cvReady, photoRaster } from './helpers.ts';

describe('calibratedScore', () => {
  const noise = { mean: -0.5, p95: 1.5 };

  it('is 0 at and below the typical noise and exactly 0.10 (the Stable/Mild bound) at the 95th percentile', () => {
    expect(SCORE_AT_NOISE_FLOOR).toBe(0.1);
    for (const raw of [-50, -3, -0.5]) expect(calibratedScore(raw, noise)).toBe(0);
    expect(calibratedScore(1.5, noise)).toBe(0.1);
    expect(variationLevel(calibratedScore(1.5, noise))).toBe('mild_variation');
    expect(variationLevel(calibratedScore(1.49, noise))).toBe('stable');
  });

  it('is continuous at the floor and reaches Higher Variation (0.45) at twice its distance from the mean', () => {
    expect(calibratedScore(1.5 + 1e-9, noise)).toBeCloseTo(0.1, 6);
    expect(calibratedScore(1.5 - 1e-9, noise)).toBeCloseTo(0.1, 6);
    // z = (raw − mean) / (p95 − mean) = 2
    expect(calibratedScore(3.5, noise)).toBeCloseTo(0.45, 9);
  });

  it('reaches 0.66, near the top of Higher Variation, at three times its distance, as documented', () => {
    expect(calibratedScore(5.5, noise)).toBeCloseTo(1 - 0.55 ** 2 / 0.9, 10);
  });

  it('is monotone and stays below 1 over every raw score a photo can give', () => {
    let last = -1;
    // ΔE* of one cell cannot exceed ≈ 60 above the typical noise in practice (black on white is ΔE* 100, but
    // the score is a cell mean minus 3 × the map's median); step 0.01 ΔE*
    for (let raw = -5; raw <= 60; raw += 0.01) {
      const s = calibratedScore(raw, noise);
      expect(s).toBeGreaterThanOrEqual(last);
      expect(s).toBeLessThan(1);
      last = s;
    }
  });
});

describe('noiseFloor', () => {
  it('puts the floor at mean + 1.645 sd of the pooled real and synthetic samples', () => {
    const synthetic = [-2, -1, 0, 1, 2];
    const real = [-1, 1];
    const pooled = [...real, ...synthetic];
    const mean = 0;
    const sd = Math.sqrt(pooled.reduce((a, b) => a + (b - mean) ** 2, 0) / (pooled.length - 1));
    const floor = noiseFloor(synthetic, real);
    expect(floor.mean).toBeCloseTo(mean, 12);
    expect(floor.p95).toBeCloseTo(1.6449 * sd, 9);
    // order and origin do not matter: the samples pool unweighted
    expect(noiseFloor([...real, ...synthetic], [])).toEqual(floor);
  });

  it('keeps the floor at least MIN_NOISE_MARGIN above the mean for steady samples', () => {
    expect(MIN_NOISE_MARGIN).toBe(1);
    const steady = noiseFloor([-0.8, -0.8, -0.8], []);
    expect(steady.mean).toBeCloseTo(-0.8, 12);
    expect(steady.p95).toBeCloseTo(-0.8 + MIN_NOISE_MARGIN, 12);
    expect(noiseFloor([], [0.3])).toEqual({ mean: 0.3, p95: 1.3 });
    const tight = noiseFloor([-0.5, -0.45, -0.55, -0.5], [-0.52]);
    expect(tight.p95 - tight.mean).toBeCloseTo(MIN_NOISE_MARGIN, 12);
  });

  it('falls back to the prior noise model when there is no sample at all', () => {
    expect(noiseFloor([], [])).toEqual(PRIOR_NOISE);
    expect(PRIOR_NOISE.p95 - PRIOR_NOISE.mean).toBeCloseTo(MIN_NOISE_MARGIN, 12);
  });
});

describe('syntheticNoiseSamples on real photos', () => {
  let cv: OpenCv;
  beforeAll(async () => {
    cv = await cvReady();
  });

  it('draws the same samples every time, one per pair, all at noise level', async () => {
    const raster = await photoRaster(cv, 'kphotoalbum__wayne.jpg');
    const first = syntheticNoiseSamples(cv, raster, raster);
    const again = syntheticNoiseSamples(cv, raster, raster);
    expect(first).toHaveLength(SYNTHETIC_PAIRS);
    expect(again).toEqual(first);
    // augmented retakes with no change stay under a just-noticeable difference (ΔE* ≈ 2.3)
    for (const s of first) expect(s).toBeLessThan(2.3);
    // the pairs differ (each draws its own capture noise)
    expect(new Set(first).size).toBe(first.length);
  });

  it('gives another photo other samples, and the asked number of pairs', async () => {
    const a = await photoRaster(cv, 'kphotoalbum__wayne.jpg');
    const b = await photoRaster(cv, 'python3-sklearn__china.jpg');
    const two = syntheticNoiseSamples(cv, b, b, 2);
    expect(two).toHaveLength(2);
    expect(two).not.toEqual(syntheticNoiseSamples(cv, a, a, 2));
    // the first pairs are the same draws whatever the count
    expect(syntheticNoiseSamples(cv, b, b, 3).slice(0, 2)).toEqual(two);
  });
});
