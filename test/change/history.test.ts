import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeEngine } from '../../src/cli/engine.ts';
import { angleLocalChange, CELL_OUTSIDE } from '../../src/core/change/index.ts';
import type { AngleLocalChange, CalibratedChange } from '../../src/core/change/index.ts';
import { noiseFloor } from '../../src/core/change/calibration.ts';
import {
  SYNTHETIC_PAIRS,
  syntheticNoiseSamples,
  withNoiseSamples,
} from '../../src/core/change/noise-floor.ts';
import { ANALYSIS_VERSION, DEFAULT_ANGLES } from '../../src/core/config.ts';
import { registrationQuality } from '../../src/core/scoring/confidence.ts';
import {
  cosineDistance,
  scoreHistory,
  scoreSession,
  toHistorySession,
} from '../../src/core/scoring/index.ts';
import type { AngleAnalysis, DatedSession, SessionAnalysis } from '../../src/core/scoring/index.ts';
import { CHANGED_ANGLE, loadSampleHistory, sharedPhoto } from './sample-history.ts';

// The whole change engine on samples/history (3 sessions × 6 angles of real photos; the second and third are
// retakes, shifted ≈ 1 % and re-exposed 3–4 %; the third's left_side carries a filled ellipse over its centre).

const OPTIONS = { expectedAngles: DEFAULT_ANGLES, baselineWindow: null };

let engine: NodeEngine;
let sessions: DatedSession[];
let analyses: readonly SessionAnalysis[];

beforeAll(async () => {
  ({ engine, sessions } = await loadSampleHistory());
  analyses = scoreHistory(engine.cv, sessions, OPTIONS).analyses;
});

afterAll(async () => {
  await engine.dispose();
});

const angleOf = (a: SessionAnalysis, angle: string): AngleAnalysis =>
  a.angles.find((x) => x.angle === angle)!;
/** The engine prepares these photos with their noise samples (`prepareImage`'s default). */
const changeOf = (s: DatedSession, angle: string): CalibratedChange =>
  s.images.find((i) => i.angle === angle)!.change! as CalibratedChange;

describe('scoreHistory on samples/history', () => {
  it('scores the first session 0 everywhere, with an empty baseline and its own noise floor', () => {
    const first = analyses[0]!;
    expect(first.analysis_version).toBe(ANALYSIS_VERSION);
    expect(first).toMatchObject({ overall_score: 0, angle_aware_score: 0, comparison_layers_used: [] });
    expect(first.baseline_used).toEqual({ sessions: 0, session_ids: [], window: null });
    expect(first.angles).toHaveLength(6);
    for (const a of first.angles) {
      expect(a).toMatchObject({
        change_score: 0,
        change_method: null,
        change_map: null,
        changed_area_fraction: 0,
        registration: null,
        references: [],
      });
      // the floor of the photo's own augmented retakes
      const samples = changeOf(sessions[0]!, a.angle).noise_samples;
      expect(samples).toHaveLength(SYNTHETIC_PAIRS);
      expect(a.noise_floor).toEqual({
        synthetic: SYNTHETIC_PAIRS,
        real: 0,
        delta_e: noiseFloor(samples, []).p95,
      });
    }
  });

  it('scores the planted change Higher Variation or more, and every other angle of sessions 2–3 Stable', () => {
    for (const s of [1, 2]) {
      const a = analyses[s]!;
      expect(a.comparison_layers_used).toEqual([
        'registered_local_change',
        'angle_embedding',
        'session_embedding',
      ]);
      expect(a.baseline_used.sessions).toBe(s);
      for (const angle of a.angles) {
        expect(angle.change_method, angle.angle).toBe('registered_local_change');
        expect(angle.registration?.method, angle.angle).toBe('ecc_homography');
        expect(angle.registration?.hint).toBeNull();
        if (s === 2 && angle.angle === CHANGED_ANGLE) continue;
        expect(angle.change_score, `session ${s + 1} ${angle.angle}`).toBeLessThan(0.1);
        expect(angle.changed_area_fraction).toBeLessThan(0.02);
      }
    }
    const changed = angleOf(analyses[2]!, CHANGED_ANGLE);
    expect(changed.change_score).toBeGreaterThanOrEqual(0.45);
    expect(changed.variation_level).toMatch(/^(higher|strong)_variation$/);
    expect(analyses[2]!.angle_aware_score).toBeGreaterThan(analyses[1]!.angle_aware_score);
    // against both earlier sessions, with the second one's real samples and both references' synthetic ones
    expect(changed.references.map((r) => r.session_id)).toEqual(['2026-01-05', '2026-02-02']);
    expect(changed.noise_floor).toMatchObject({ synthetic: 2 * SYNTHETIC_PAIRS, real: 1 });
    expect(changed.registration?.reference_session_id).toBe('2026-02-02');
  });

  it('maps the change where the ellipse is, and only there', () => {
    const changed = angleOf(analyses[2]!, CHANGED_ANGLE);
    const map = changed.change_map!;
    expect([map.rows, map.cols, map.cells.length]).toEqual([14, 14, 196]);
    expect(map.cells.every((c) => Number.isInteger(c) && c >= 0 && c <= CELL_OUTSIDE)).toBe(true);
    // The ellipse: centre (0.5, 0.45) of the frame, half-axes 0.22 × 0.17 turned by 20° (scripts/sample-history),
    // ≈ 12 % of the frame. Cells at or over the Stable bound (0.10 × 254) lie within its bounding box grown by a cell.
    const box = { x0: 0.5 - 0.23, x1: 0.5 + 0.23, y0: 0.45 - 0.2, y1: 0.45 + 0.2 };
    const inBox = (row: number, col: number) =>
      (col + 1) / 14 > box.x0 - 1 / 14 &&
      col / 14 < box.x1 + 1 / 14 &&
      (row + 1) / 14 > box.y0 - 1 / 14 &&
      row / 14 < box.y1 + 1 / 14;
    let over = 0;
    for (let k = 0; k < 196; k++) {
      const c = map.cells[k]!;
      if (c === CELL_OUTSIDE || c < 26) continue;
      over++;
      expect(inBox(Math.floor(k / 14), k % 14), `cell ${k}`).toBe(true);
    }
    // the ellipse's centre cell is itself strongly changed
    expect(map.cells[Math.floor(0.45 * 14) * 14 + 7]).toBeGreaterThanOrEqual(Math.round(0.45 * 254));
    expect(over).toBeGreaterThan(5);
    expect(changed.changed_area_fraction).toBeGreaterThan(0.05);
    expect(changed.changed_area_fraction).toBeLessThan(0.35);
    // an unchanged angle's map is clear
    const calm = angleOf(analyses[2]!, 'front').change_map!;
    expect(Math.max(...calm.cells.filter((c) => c !== CELL_OUTSIDE))).toBeLessThan(26);
  });

  it('sorts its input by taken_at, not by id or by the order it is given, and reports progress', () => {
    // ids that sort the other way round, given in a shuffled order
    const renamed = sessions.map((s, i) => ({ ...s, session_id: `visit-${'cba'[i]}` }));
    const shuffled = [renamed[2]!, renamed[0]!, renamed[1]!];
    const progress: [number, number][] = [];
    const again = scoreHistory(engine.cv, shuffled, OPTIONS, (done, total) => progress.push([done, total]));
    expect(progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(again.sessions.map((s) => s.session_id)).toEqual(['visit-c', 'visit-b', 'visit-a']);
    expect(again.analyses.map((a) => a.session_id)).toEqual(['visit-c', 'visit-b', 'visit-a']);
    for (const [i, a] of again.analyses.entries()) {
      expect(a.angles.map((x) => x.change_score)).toEqual(analyses[i]!.angles.map((x) => x.change_score));
      expect(a.angle_aware_score).toBe(analyses[i]!.angle_aware_score);
    }
    expect(again.analyses[2]!.baseline_used.session_ids).toEqual(['visit-c', 'visit-b']);
  });

  it('gives a photo the same noise samples in the pipeline as on their own (deterministic, no hidden state)', () => {
    const change = changeOf(sessions[2]!, 'right_side');
    expect(syntheticNoiseSamples(engine.cv, change.raster, change.raster)).toEqual(change.noise_samples);
  });

  it('scores the same when every photo’s noise samples were left for later (computed where they are read)', () => {
    const deferred = sessions.map((s) => ({
      ...s,
      images: s.images.map((i) => ({ ...i, change: { ...i.change!, noise_samples: null } })),
    }));
    expect(scoreHistory(engine.cv, deferred, OPTIONS).analyses).toEqual(analyses);
    // One new session against a stored history whose photos have no samples yet, as the app may have it.
    const history = deferred.slice(0, 2).map((s, i) => toHistorySession(s, analyses[i]!));
    expect(scoreSession(engine.cv, deferred[2]!, history, OPTIONS)).toEqual(analyses[2]);
    const change = changeOf(sessions[0]!, 'front');
    expect(withNoiseSamples(engine.cv, change)).toBe(change);
    expect(withNoiseSamples(engine.cv, { ...change, noise_samples: null })).toEqual(change);
  });
});

describe('a photo that does not line up', () => {
  it('falls back to the embedding score, says why with a retake hint, and costs confidence', async () => {
    const history = sessions.map((s, i) => toHistorySession(s, analyses[i]!));
    const retake = sessions[1]!;
    const original = retake.images.find((i) => i.angle === CHANGED_ANGLE)!;
    // an unrelated photo in the left_side slot, with the original's quality figures, so only alignment differs
    const stranger = {
      ...(await sharedPhoto(engine, 'opencv-doc__baboon.jpg', CHANGED_ANGLE)),
      quality: original.quality,
    };
    const fourth = {
      ...retake,
      session_id: '2026-04-06',
      images: retake.images.map((i) => (i === original ? stranger : i)),
    };
    const bad = scoreSession(engine.cv, fourth, history, OPTIONS);
    const good = scoreSession(engine.cv, { ...retake, session_id: '2026-04-06' }, history, OPTIONS);

    const left = angleOf(bad, CHANGED_ANGLE);
    expect(left.change_method).toBe('angle_embedding');
    expect(left.registration?.method).toBe('failed');
    expect(left.registration?.failure).toMatch(/^[a-z][a-z ]+$/);
    expect(left.registration?.hint).toMatch(
      /^This photo could not be lined up with the earlier one: [a-z ]+\. Retake it/,
    );
    expect(left.registration?.reference_session_id).toBe('2026-03-02');
    expect(left).toMatchObject({ change_map: null, noise_floor: null, changed_area_fraction: 0 });
    // tried against each of the three earlier sessions, none registered
    expect(left.references).toEqual(
      ['2026-01-05', '2026-02-02', '2026-03-02'].map((session_id) => ({ session_id, raw_delta_e: null })),
    );
    // the embedding's cosine distance to the angle's baseline (the mean of its three earlier embeddings)
    const base = history.map(
      (h) => h.images.find((i) => i.angle === CHANGED_ANGLE)!.embedding as Float32Array,
    );
    const mean = base[0]!.map((_, d) => base.reduce((s, v) => s + v[d]!, 0));
    expect(left.change_score).toBeCloseTo(cosineDistance(stranger.embedding, mean), 5);
    expect(left.change_score).toBeGreaterThan(0.1);

    // the other angles are still measured locally
    expect(bad.comparison_layers_used).toContain('registered_local_change');
    expect(bad.angles.filter((a) => a.change_method === 'registered_local_change')).toHaveLength(5);
    // confidence: the failed angle's registration quality (0 instead of the good one's) over the six, × 0.15
    const lost = (0.15 * registrationQuality(angleOf(good, CHANGED_ANGLE).registration!)) / 6;
    expect(lost).toBeGreaterThan(0.01);
    expect(good.analysis_confidence_score - bad.analysis_confidence_score).toBeCloseTo(lost, 6);
  });
});

describe('angleLocalChange', () => {
  const ref = (session_id: string, change: CalibratedChange) => ({ session_id, change });

  it('needs at least one reference', () => {
    const photo = changeOf(sessions[2]!, CHANGED_ANGLE);
    expect(() => angleLocalChange(engine.cv, { photo, recent: [], first: null, realSamples: [] })).toThrow(
      RangeError,
    );
  });

  it('compares with the first session too, first in its references, and counts the real samples it is given', () => {
    const [s1, s2, s3] = sessions.map((s) => changeOf(s, CHANGED_ANGLE));
    const out = angleLocalChange(engine.cv, {
      photo: s3!,
      recent: [ref('s2', s2!)],
      first: ref('s1', s1!),
      realSamples: [-0.5, -0.4, -0.6],
    }) as AngleLocalChange;
    expect(out.references.map((r) => r.session_id)).toEqual(['s1', 's2']);
    expect(out.noise_floor).toMatchObject({ synthetic: 2 * SYNTHETIC_PAIRS, real: 3 });
    expect(out.score).toBeGreaterThanOrEqual(0.45);
    expect(out.registration.reference_session_id).toBe('s2');
  });
});
