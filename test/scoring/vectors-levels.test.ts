import { describe, expect, it } from 'vitest';
import { cosineDistance, l2Normalize, normalizedMean, variationLevel } from '../../src/core/scoring/index.ts';

describe('vectors', () => {
  it('normalises to unit length', () => {
    expect(Array.from(l2Normalize([3, 4]))).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
  });

  it('refuses a zero vector', () => {
    expect(() => l2Normalize([0, 0])).toThrow(/zero/);
  });

  it('averages then normalises', () => {
    // mean of (1,0) and (0,1) is (0.5,0.5); normalised (1/√2, 1/√2)
    const m = normalizedMean([[1, 0], new Float32Array([0, 1])]);
    expect(m[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(m[1]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('computes cosine distance by hand-checked values', () => {
    expect(cosineDistance([1, 0], [1, 0])).toBe(0);
    expect(cosineDistance([1, 0], [0, 1])).toBe(1);
    expect(cosineDistance([1, 0], [1, 1])).toBeCloseTo(1 - Math.SQRT1_2, 9);
    expect(cosineDistance([2, 0], [5, 0])).toBe(0); // scale-free
  });

  it('clamps opposite vectors into [0, 1]', () => {
    expect(cosineDistance([1, 0], [-1, 0])).toBe(1);
  });

  it('refuses vectors of different lengths', () => {
    expect(() => cosineDistance([1, 0], [1, 0, 0])).toThrow(/length/);
  });
});

describe('variation levels', () => {
  it.each([
    [0, 'stable'],
    [0.0999, 'stable'],
    [0.1, 'mild_variation'],
    [0.2499, 'mild_variation'],
    [0.25, 'moderate_variation'],
    [0.45, 'higher_variation'],
    [0.6999, 'higher_variation'],
    [0.7, 'strong_variation'],
    [1, 'strong_variation'],
  ])('%f is %s', (score, level) => {
    expect(variationLevel(score)).toBe(level);
  });

  it.each([-0.01, 1.01, Number.NaN])('refuses %f', (score) => {
    expect(() => variationLevel(score)).toThrow(RangeError);
  });
});
