import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeEngine } from '../../src/cli/engine.ts';
import { CELL_OUTSIDE } from '../../src/core/change/index.ts';
import { MAX_FACE_SHARE, faceMask, facesLeftOut } from '../../src/core/change/face-mask.ts';
import { COMPARISON_REACH_PX } from '../../src/core/change/compare-pair.ts';
import type { FaceRegion } from '../../src/core/faces/change-faces.ts';
import { FACE_MARGIN } from '../../src/core/faces/region.ts';
import { DEFAULT_ANGLES } from '../../src/core/config.ts';
import { scoreHistory } from '../../src/core/scoring/index.ts';
import type { AngleAnalysis, DatedSession, SessionAnalysis } from '../../src/core/scoring/index.ts';
import { CHANGED_ANGLE, loadSampleHistory } from './sample-history.ts';

// The change engine with faces given: samples/history's third session has a dark ellipse over the centre of its
// left_side photo (x ≈ 0.28–0.72, y ≈ 0.26–0.64 of the frame); a face box over its centre must hide that part
// (a face small enough to be left out, `MAX_FACE_SHARE`, cannot cover all of it), one elsewhere must hide nothing of
// it, and no face at all must change nothing.

const OPTIONS = { expectedAngles: DEFAULT_ANGLES, baselineWindow: null };
/** A face box over the planted ellipse's centre (widened, ≈ 6 % of the frame: small enough to be left out). */
const OVER_CHANGE: FaceRegion = { x: 0.44, y: 0.39, width: 0.12, height: 0.12, score: 0.9 };
/** A face box in the top left corner, far from the ellipse. */
const IN_CORNER: FaceRegion = { x: 0.03, y: 0.03, width: 0.12, height: 0.14, score: 0.9 };

let engine: NodeEngine;
let sessions: DatedSession[];
let plain: readonly SessionAnalysis[];

beforeAll(async () => {
  ({ engine, sessions } = await loadSampleHistory());
  plain = scoreHistory(engine.cv, sessions, OPTIONS).analyses;
});

afterAll(async () => {
  await engine.dispose();
});

/** The history with `faces` given to the `angle` photo of the sessions at `indices`. */
function withFaces(
  indices: readonly number[],
  angle: string,
  faces: readonly FaceRegion[] | null,
): DatedSession[] {
  return sessions.map((s, i) => ({
    ...s,
    images: s.images.map((image) =>
      image.change && (indices.includes(i) || faces === null) && (image.angle === angle || faces === null)
        ? { ...image, change: { ...image.change, faces } }
        : image,
    ),
  }));
}

const changedAngle = (analyses: readonly SessionAnalysis[]): AngleAnalysis =>
  analyses[2]!.angles.find((a) => a.angle === CHANGED_ANGLE)!;

/** Cells of a `rows × cols` map whose centre lies inside a relative box. */
function cellsInside(box: FaceRegion, rows: number, cols: number): number[] {
  const inside: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = (c + 0.5) / cols;
      const y = (r + 0.5) / rows;
      if (x > box.x && x < box.x + box.width && y > box.y && y < box.y + box.height)
        inside.push(r * cols + c);
    }
  }
  return inside;
}

describe('faces left out of the change measure', () => {
  it('measures the planted change as Higher Variation or more without faces', () => {
    expect(changedAngle(plain).change_score).toBeGreaterThanOrEqual(0.45);
  });

  it('changes nothing, bit for bit, when no face was found (null or []) on any photo', () => {
    expect(scoreHistory(engine.cv, withFaces([], '', null), OPTIONS).analyses).toEqual(plain);
    const empty = sessions.map((s) => ({
      ...s,
      images: s.images.map((i) => (i.change ? { ...i, change: { ...i.change, faces: [] } } : i)),
    }));
    expect(scoreHistory(engine.cv, empty, OPTIONS).analyses).toEqual(plain);
  });

  it('ignores the change inside a face of the photo: its cells are not measured and the angle scores lower', () => {
    const angle = changedAngle(
      scoreHistory(engine.cv, withFaces([2], CHANGED_ANGLE, [OVER_CHANGE]), OPTIONS).analyses,
    );
    expect(angle.change_method).toBe('registered_local_change');
    expect(angle.change_score).toBeLessThan(changedAngle(plain).change_score);
    const map = angle.change_map!;
    for (const k of cellsInside(OVER_CHANGE, map.rows, map.cols)) expect(map.cells[k]).toBe(CELL_OUTSIDE);
    expect(map.cells.filter((v) => v !== CELL_OUTSIDE).length).toBeGreaterThan(map.cells.length / 3);
  });

  it('ignores it too when the face is in the references, mapped onto them through the registration', () => {
    const angle = changedAngle(
      scoreHistory(engine.cv, withFaces([0, 1], CHANGED_ANGLE, [OVER_CHANGE]), OPTIONS).analyses,
    );
    expect(angle.change_score).toBeLessThan(changedAngle(plain).change_score);
    for (const k of cellsInside(OVER_CHANGE, angle.change_map!.rows, angle.change_map!.cols)) {
      expect(angle.change_map!.cells[k]).toBe(CELL_OUTSIDE);
    }
  });

  it('still finds the change outside a face, and leaves only the face region unmeasured', () => {
    const analyses = scoreHistory(engine.cv, withFaces([2], CHANGED_ANGLE, [IN_CORNER]), OPTIONS).analyses;
    const angle = changedAngle(analyses);
    expect(angle.change_score).toBeGreaterThanOrEqual(0.45);
    const map = angle.change_map!;
    const before = changedAngle(plain).change_map!;
    for (const k of cellsInside(IN_CORNER, map.rows, map.cols)) expect(map.cells[k]).toBe(CELL_OUTSIDE);
    // The cells over the change are measured as before (the face is far from them).
    for (const k of cellsInside(OVER_CHANGE, map.rows, map.cols)) expect(map.cells[k]).not.toBe(CELL_OUTSIDE);
    // Every cell it no longer measures lies within a cell of the face's widened region (`faceMask`).
    const { width, height } = sessions[2]!.images.find((i) => i.angle === CHANGED_ANGLE)!.change!.raster;
    const margin =
      Math.max(IN_CORNER.width * width, IN_CORNER.height * height) * FACE_MARGIN + COMPARISON_REACH_PX;
    const right = ((IN_CORNER.x + IN_CORNER.width) * width + margin) / width + 1 / map.cols;
    const bottom = ((IN_CORNER.y + IN_CORNER.height) * height + margin) / height + 1 / map.rows;
    const lost = map.cells.flatMap((v, k) =>
      v === CELL_OUTSIDE && before.cells[k] !== CELL_OUTSIDE ? [k] : [],
    );
    expect(lost.length).toBeGreaterThan(0);
    for (const k of lost) {
      expect((k % map.cols) / map.cols).toBeLessThan(right);
      expect(Math.floor(k / map.cols) / map.rows).toBeLessThan(bottom);
    }
    // The other angles are untouched.
    for (const [s, analysis] of analyses.entries()) {
      for (const a of analysis.angles.filter((x) => x.angle !== CHANGED_ANGLE)) {
        expect(a).toEqual(plain[s]!.angles.find((x) => x.angle === a.angle));
      }
    }
  });
});

describe('faceMask', () => {
  it('is undefined without a face, so the comparison takes every pixel', () => {
    expect(faceMask({ width: 256, height: 192 }, null)).toBeUndefined();
    expect(faceMask({ width: 256, height: 192 }, [])).toBeUndefined();
    expect(facesLeftOut({ width: 4032, height: 3024 }, null)).toBe(false);
  });

  it('is undefined too when the faces take more than MAX_FACE_SHARE of the frame (a portrait, a group, a close-up)', () => {
    const closeUp: FaceRegion = { x: 0.1, y: 0.05, width: 0.8, height: 0.9, score: 0.93 };
    const portrait: FaceRegion = { x: 0.35, y: 0.2, width: 0.25, height: 0.35, score: 0.99 };
    // A head as the framing guide draws it (20 × 25 of 100 × 160), as the detector boxes a face inside it.
    const guideHead: FaceRegion = { x: 0.43, y: 0.1, width: 0.14, height: 0.12, score: 0.95 };
    for (const faces of [[closeUp], [portrait]]) {
      expect(faceMask({ width: 256, height: 192 }, faces)).toBeUndefined();
      expect(facesLeftOut({ width: 4032, height: 3024 }, faces)).toBe(false);
    }
    const mask = faceMask({ width: 192, height: 256 }, [guideHead])!;
    expect(mask).toBeInstanceOf(Uint8Array);
    expect(mask.filter((v) => v === 0).length).toBeLessThanOrEqual(MAX_FACE_SHARE * mask.length);
    expect(facesLeftOut({ width: 3024, height: 4032 }, [guideHead])).toBe(true);
    // Faces that are each small enough may together take too much.
    const left: FaceRegion = { x: 0.05, y: 0.1, width: 0.1, height: 0.15, score: 0.9 };
    const right: FaceRegion = { ...left, x: 0.55 };
    const third: FaceRegion = { ...left, x: 0.3, y: 0.5 };
    expect(faceMask({ width: 256, height: 192 }, [left])).toBeInstanceOf(Uint8Array);
    expect(faceMask({ width: 256, height: 192 }, [left, right, third])).toBeUndefined();
  });

  it('leaves out the box widened by FACE_MARGIN of its longer side and the comparison reach, clipped', () => {
    const mask = faceMask({ width: 200, height: 100 }, [
      { x: 0.5, y: 0.05, width: 0.1, height: 0.4, score: 0.8 },
    ])!;
    // 20 × 40 px at (100, 5): margin 0.25 · 40 + reach.
    const margin = 40 * FACE_MARGIN + COMPARISON_REACH_PX;
    const at = (x: number, y: number) => mask[y * 200 + x];
    expect(at(100, 40)).toBe(0);
    expect(at(Math.floor(100 - margin), 40)).toBe(0);
    expect(at(Math.floor(100 - margin) - 1, 40)).toBe(255);
    expect(at(Math.ceil(120 + margin) - 1, 40)).toBe(0);
    expect(at(Math.ceil(120 + margin), 40)).toBe(255);
    expect(at(110, 0)).toBe(0); // clipped at the top edge
    expect(at(110, Math.ceil(45 + margin) - 1)).toBe(0);
    expect(at(110, Math.ceil(45 + margin))).toBe(255);
    expect(mask.filter((v) => v === 0).length).toBeLessThanOrEqual(MAX_FACE_SHARE * mask.length);
  });
});
