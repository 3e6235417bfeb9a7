import { describe, expect, it } from 'vitest';
import {
  MAX_GAMMA,
  MIN_GAMMA,
  centreCrop,
  exposureGamma,
  gammaLut,
  modelTensor,
} from '../../src/core/preprocess/index.ts';

const histogramOf = (levels: Record<number, number>): number[] => {
  const h = new Array<number>(256).fill(0);
  for (const [v, n] of Object.entries(levels)) h[Number(v)] = n;
  return h;
};

describe('centreCrop', () => {
  it('takes the largest centred square, or the model aspect', () => {
    expect(centreCrop(4032, 3024, 1)).toEqual({ x: 504, y: 0, width: 3024, height: 3024 });
    expect(centreCrop(3024, 4032, 1)).toEqual({ x: 0, y: 504, width: 3024, height: 3024 });
    expect(centreCrop(5, 3, 1)).toEqual({ x: 1, y: 0, width: 3, height: 3 });
    expect(centreCrop(6, 3, 1)).toEqual({ x: 1, y: 0, width: 3, height: 3 });
    expect(centreCrop(100, 100, 2)).toEqual({ x: 0, y: 25, width: 100, height: 50 });
    expect(centreCrop(100, 100, 0.5)).toEqual({ x: 25, y: 0, width: 50, height: 100 });
    expect(centreCrop(1, 1, 1)).toEqual({ x: 0, y: 0, width: 1, height: 1 });
  });

  it('refuses empty images and bad aspects', () => {
    expect(() => centreCrop(0, 10, 1)).toThrow(RangeError);
    expect(() => centreCrop(10, 10, 0)).toThrow(RangeError);
  });
});

describe('exposureGamma', () => {
  const band = [0.1, 0.79] as const;

  it('leaves a mean inside the band alone', () => {
    expect(exposureGamma(histogramOf({ 100: 10 }), band)).toBe(1);
    expect(exposureGamma(histogramOf({ 0: 5, 255: 5 }), band)).toBe(1);
  });

  it('lifts a single dark level exactly to the lower edge: (13/255)^γ = 0.1', () => {
    expect(exposureGamma(histogramOf({ 13: 7 }), band)).toBeCloseTo(Math.log(0.1) / Math.log(13 / 255), 9);
  });

  it('lowers a single bright level exactly to the upper edge: (240/255)^γ = 0.79', () => {
    expect(exposureGamma(histogramOf({ 240: 3 }), band)).toBeCloseTo(Math.log(0.79) / Math.log(240 / 255), 9);
  });

  it('solves for the mean of the corrected levels, not the corrected mean: ½·(20/255)^γ = 0.1', () => {
    expect(exposureGamma(histogramOf({ 0: 50, 20: 50 }), band)).toBeCloseTo(
      Math.log(0.2) / Math.log(20 / 255),
      9,
    );
  });

  it('stops at the gamma bounds when no curve reaches the band', () => {
    expect(exposureGamma(histogramOf({ 0: 9 }), band)).toBe(MIN_GAMMA);
    expect(exposureGamma(histogramOf({ 255: 9 }), band)).toBe(MAX_GAMMA);
  });

  it('refuses a malformed histogram or band', () => {
    expect(() => exposureGamma([1, 2, 3], band)).toThrow(RangeError);
    expect(() => exposureGamma(histogramOf({}), band)).toThrow(RangeError);
    expect(() => exposureGamma(histogramOf({ 9: 1 }), [0.5, 0.4])).toThrow(RangeError);
  });

  it('gammaLut maps v to round(255·(v/255)^γ)', () => {
    expect(Array.from(gammaLut(1))).toEqual(Array.from({ length: 256 }, (_, v) => v));
    const half = gammaLut(0.5);
    expect([half[0], half[64], half[255]]).toEqual([0, 128, 255]); // 255·√(64/255) = 127.75
  });
});

describe('modelTensor: a 2×2 pattern [red, green; blue, (51,102,153)]', () => {
  const rgb = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 51, 102, 153]);
  const normalization = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.25, 0.5] } as {
    mean: [number, number, number];
    std: [number, number, number];
  };
  // (v/255 − 0.5)/0.5 for R and B, (v/255 − 0.5)/0.25 for G; 51, 102, 153 are 0.2, 0.4, 0.6 of 255.
  const R = [1, -1, -1, -0.6];
  const G = [-2, 2, -2, -0.4];
  const B = [-1, -1, 1, 0.2];

  it('NCHW: three planes, R then G then B, each row-major', () => {
    const t = modelTensor(rgb, 2, 2, 'NCHW', normalization);
    expect(t).toHaveLength(12);
    [...R, ...G, ...B].forEach((v, i) => expect(t[i]).toBeCloseTo(v, 6));
  });

  it('NHWC: pixels row-major, channels interleaved', () => {
    const t = modelTensor(rgb, 2, 2, 'NHWC', normalization);
    R.flatMap((r, p) => [r, G[p]!, B[p]!]).forEach((v, i) => expect(t[i]).toBeCloseTo(v, 6));
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => modelTensor(rgb.subarray(3), 2, 2, 'NCHW', normalization)).toThrow(RangeError);
  });
});
