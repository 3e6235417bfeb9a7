import { describe, expect, it } from 'vitest';
import { cellColour, changeMapPixels, colouredCells } from '../../src/app/components/change-scale.ts';
import { withChangeFields, withNumericAngleAware } from '../../src/app/db/upgrade-rows.ts';
import { captureAlignmentHint } from '../../src/app/text/change.ts';

const FAILED = {
  method: 'failed',
  ecc_correlation: null,
  inliers: 3,
  overlap: 0,
  failure: 'the photo does not line up with the earlier one of this angle',
} as const;

describe('the change engine’s words and colours', () => {
  it('gives a capture hint only for a photo that will not line up', () => {
    expect(captureAlignmentHint(null)).toBeNull();
    expect(captureAlignmentHint({ ...FAILED, method: 'ecc_homography', failure: null })).toBeNull();
    const hint = captureAlignmentHint(FAILED);
    expect(hint).toMatch(
      /^This photo may not line up with your last photo of this angle: the photo does not line up with the earlier one of this angle\. /,
    );
  });

  it('leaves unchanged cells and cells outside the overlap clear, and colours the rest by level', () => {
    expect(cellColour(0)).toEqual([0, 0, 0, 0]);
    expect(cellColour(255)).toEqual([0, 0, 0, 0]);
    // Below the Stable/Mild bound (0.10 × 254 ≈ 25) the colour fades in; above it the opacity grows with change.
    expect(cellColour(5)[3]).toBeLessThan(cellColour(25)[3]);
    expect(cellColour(26)[3]).toBeLessThan(cellColour(254)[3]);
    expect(cellColour(254)).toEqual([106, 0, 168, Math.round(255 * 0.6)]);
    const pixels = changeMapPixels({ rows: 1, cols: 3, cells: [0, 254, 255] });
    expect([...pixels.slice(4, 8)]).toEqual([...cellColour(254)]);
    expect(colouredCells([0, 1, 254, 255])).toBe(2);
  });
});

describe('rows stored before the change engine', () => {
  it('gain the new per-angle fields with their “not measured” values, keeping what they had', () => {
    const first = { angle: 'front', change_score: 0, baseline_sessions: 0 };
    const later = { angle: 'front', change_score: 0.2, baseline_sessions: 2 };
    withChangeFields(first);
    withChangeFields(later);
    expect(first).toMatchObject({
      change_method: null,
      change_map: null,
      registration: null,
      references: [],
    });
    expect(later).toMatchObject({
      change_score: 0.2,
      change_method: 'angle_embedding',
      changed_area_fraction: 0,
      noise_floor: null,
    });
    const current = {
      change_method: 'registered_local_change',
      change_map: { rows: 1, cols: 1, cells: [9] },
    };
    withChangeFields(current);
    expect(current.change_map.cells).toEqual([9]);
  });

  it('get a numeric angle change (0 where it was null) and ignore what is not a row', () => {
    const analysis = { angle_aware_score: null };
    withNumericAngleAware(analysis);
    expect(analysis.angle_aware_score).toBe(0);
    expect(() => [null, 3, 'x', []].forEach(withChangeFields)).not.toThrow();
  });
});
