import { describe, expect, it } from 'vitest';
import { chooseReduction, reducedSize } from '../../src/core/image/reduction.ts';
import { analysisLargeEnough } from '../../src/core/pipeline/analysis-size.ts';

describe('chooseReduction', () => {
  it('takes the largest of 1/8, 1/4, 1/2 whose copy is still large enough, else 1', () => {
    const atLeast = (side: number) => (w: number, h: number) => Math.min(w, h) >= side;
    expect(chooseReduction(4000, 3000, atLeast(375))).toBe(8);
    expect(chooseReduction(4000, 3000, atLeast(376))).toBe(4);
    expect(chooseReduction(4000, 3000, atLeast(1500))).toBe(2);
    expect(chooseReduction(4000, 3000, atLeast(1501))).toBe(1);
    expect(chooseReduction(4000, 3000, atLeast(5000))).toBe(1);
  });

  it('rounds sides up, as libjpeg does', () => {
    expect(reducedSize(1920, 1537, 8)).toEqual({ width: 240, height: 193 });
    expect(reducedSize(6028, 3391, 4)).toEqual({ width: 1507, height: 848 });
  });
});

describe('analysisLargeEnough', () => {
  const square = analysisLargeEnough({ width: 224, height: 224 });

  it('needs a 448-px crop of the model’s aspect (2 × 224) and a 512-px long side (quality)', () => {
    expect(square(597, 448)).toBe(true);
    expect(square(597, 447)).toBe(false);
    expect(square(448, 800)).toBe(true);
    expect(square(447, 800)).toBe(false);
    // Square: 448 px would be enough for the model, but quality is measured at a 512-px long side.
    expect(square(511, 511)).toBe(false);
    expect(square(512, 512)).toBe(true);
  });

  it('follows the model’s aspect', () => {
    // A 320 × 224 input: the crop of a 4:3 copy is its full height at 10:7, so the height must be ≥ 448.
    const wide = analysisLargeEnough({ width: 320, height: 224 });
    expect(wide(800, 448)).toBe(true);
    expect(wide(800, 447)).toBe(false);
    // A tall copy is cropped to its full width, which must be ≥ 640.
    expect(wide(640, 1000)).toBe(true);
    expect(wide(639, 1000)).toBe(false);
  });
});
