import { describe, expect, it } from 'vitest';
import type { AngleLocalChange, AngleRegistrationFailure } from '../../src/core/change/index.ts';
import { MIN_ECC_CORRELATION } from '../../src/core/change/registration.ts';
import { analysisConfidenceScore, registrationQuality } from '../../src/core/scoring/confidence.ts';
import { analyzeSession, toHistorySession } from '../../src/core/scoring/index.ts';
import type { HistorySession, ScoredImage, ScoringSession } from '../../src/core/scoring/index.ts';

// How analyzeSession folds the change engine's per-angle results into a session's analysis. The engine itself runs
// on real photos in test/change; here its results are given, so the assembly rules can be checked by hand.

const OPTIONS = { expectedAngles: ['front', 'side'], baselineWindow: null };

function image(angle: string, embedding: number[]): ScoredImage {
  return {
    image_id: `${angle}-${embedding.join(',')}`,
    angle,
    embedding,
    quality: { image_quality_score: 0.8, brightness: 0.5, contrast: 0.2, flags: [] },
  };
}

function session(id: string, images: readonly ScoredImage[]): ScoringSession {
  return { session_id: id, model_id: 'm1', images };
}

const first = session('s1', [image('front', [1, 0]), image('side', [0, 1])]);
// front moved by embedding (cosine distance 0.2), side did not
const second = session('s2', [image('front', [0.8, 0.6]), image('side', [0, 1])]);
const history: HistorySession[] = [toHistorySession(first, analyzeSession(first, [], OPTIONS))];

const ECC_OK = {
  method: 'ecc_homography',
  ecc_correlation: 0.95,
  inliers: null,
  overlap: 0.9,
  failure: null,
  reference_session_id: 's1',
  hint: null,
} as const;

function measured(score: number, raw: number): AngleLocalChange {
  return {
    score,
    raw_delta_e: raw,
    change_map: { rows: 2, cols: 2, cells: [0, 12, 200, 255] },
    changed_area_fraction: 1 / 3,
    registration: ECC_OK,
    noise_floor: { synthetic: 4, real: 0, delta_e: 1.5 },
    references: [{ session_id: 's1', raw_delta_e: raw }],
  };
}

const FAILED: AngleRegistrationFailure = {
  registration: {
    method: 'failed',
    ecc_correlation: 0.3,
    inliers: 4,
    overlap: 0,
    failure: 'too few details match the earlier photo of this angle',
    reference_session_id: 's1',
    hint: 'This photo could not be lined up with the earlier one: too few details match the earlier photo of this angle. Retake it.',
  },
  references: [{ session_id: 's1', raw_delta_e: null }],
};

describe('analyzeSession with the change engine’s results', () => {
  it('takes a registered angle’s calibrated local change as its change score, in place of the embedding', () => {
    const a = analyzeSession(second, history, OPTIONS, new Map([['side', measured(0.5, 7.5)]]));
    const side = a.angles.find((x) => x.angle === 'side')!;
    expect(side.change_score).toBe(0.5);
    expect(side.variation_level).toBe('higher_variation');
    expect(side).toMatchObject({
      change_method: 'registered_local_change',
      change_map: { rows: 2, cols: 2, cells: [0, 12, 200, 255] },
      changed_area_fraction: 1 / 3,
      registration: ECC_OK,
      noise_floor: { synthetic: 4, real: 0, delta_e: 1.5 },
      references: [{ session_id: 's1', raw_delta_e: 7.5 }],
    });
    // front had no local result: still the embedding's cosine distance
    const front = a.angles.find((x) => x.angle === 'front')!;
    expect(front.change_method).toBe('angle_embedding');
    expect(front.change_score).toBeCloseTo(0.2, 6);
    expect(a.angle_aware_score).toBeCloseTo((0.5 + 0.2) / 2, 6);
    expect(a.comparison_layers_used).toEqual([
      'registered_local_change',
      'angle_embedding',
      'session_embedding',
    ]);
  });

  it('falls back to the embedding for an angle that could not be registered, keeping the failure and hint', () => {
    const a = analyzeSession(second, history, OPTIONS, new Map([['front', FAILED]]));
    const front = a.angles.find((x) => x.angle === 'front')!;
    expect(front.change_method).toBe('angle_embedding');
    expect(front.change_score).toBeCloseTo(0.2, 6);
    expect(front.registration).toEqual(FAILED.registration);
    expect(front.references).toEqual(FAILED.references);
    expect(front.change_map).toBeNull();
    expect(front.noise_floor).toBeNull();
    expect(front.changed_area_fraction).toBe(0);
    // no angle was measured locally, so the layer is not claimed
    expect(a.comparison_layers_used).toEqual(['angle_embedding', 'session_embedding']);
  });

  it('lowers confidence by the registration weight when a photo does not line up', () => {
    const good = analyzeSession(second, history, OPTIONS, new Map([['front', measured(0.05, 1)]]));
    const bad = analyzeSession(second, history, OPTIONS, new Map([['front', FAILED]]));
    // registration qualities: good → [0.9 × (0.95 − 0.7)/(0.95 − 0.7)] = [0.9]; failed → [0]; weight 0.15
    expect(good.analysis_confidence_score - bad.analysis_confidence_score).toBeCloseTo(0.15 * 0.9, 6);
  });

  it('gives an angle with no reference yet its own noise floor and no method', () => {
    const floor = { synthetic: 4, real: 0, delta_e: 1.2 };
    const a = analyzeSession(first, [], OPTIONS, new Map(), new Map([['front', floor]]));
    const front = a.angles.find((x) => x.angle === 'front')!;
    expect(front).toMatchObject({ change_score: 0, change_method: null, noise_floor: floor });
    expect(a.angle_aware_score).toBe(0);
  });

  it('records each angle’s raw scores against its references as the real noise samples of later sessions', () => {
    const local = new Map<string, AngleLocalChange | AngleRegistrationFailure>([
      ['side', { ...measured(0.02, 0.4), references: [{ session_id: 's1', raw_delta_e: 0.4 }] }],
      ['front', FAILED],
    ]);
    const h = toHistorySession(second, analyzeSession(second, history, OPTIONS, local));
    expect(h.local_change_samples).toEqual({ front: [], side: [0.4] });
    expect(h.angle_aware_score).not.toBeNull();
    // the first session has no reference: no samples, and no angle-aware score to steady the history with
    expect(history[0]!.local_change_samples).toEqual({ front: [], side: [] });
    expect(history[0]!.angle_aware_score).toBeNull();
  });

  it('keeps as noise samples only the comparisons within the noise floor they were scored against', () => {
    // floor 1.5 ΔE*: s0's 0.4 and 1.5 were noise; 6.2 (vs the first session) showed a change and is left out
    const references = [
      { session_id: 's0', raw_delta_e: 6.2 },
      { session_id: 's1', raw_delta_e: 0.4 },
      { session_id: 's1b', raw_delta_e: 1.5 },
    ];
    const local = new Map([['side', { ...measured(0.3, 1.5), references }]]);
    const h = toHistorySession(second, analyzeSession(second, history, OPTIONS, local));
    expect(h.local_change_samples.side).toEqual([0.4, 1.5]);
  });
});

describe('registrationQuality', () => {
  it('is 0 for a failed registration, whatever its figures', () => {
    expect(registrationQuality({ method: 'failed', ecc_correlation: 0.99, inliers: 500, overlap: 1 })).toBe(
      0,
    );
  });

  it('ramps the ECC correlation from the acceptance bar (0) to 0.95 (1), times the overlap', () => {
    const ecc = (c: number, overlap = 1) =>
      registrationQuality({ method: 'ecc_affine', ecc_correlation: c, inliers: null, overlap });
    expect(ecc(MIN_ECC_CORRELATION)).toBe(0);
    expect(ecc(0.95)).toBe(1);
    expect(ecc(0.99)).toBe(1);
    expect(ecc((MIN_ECC_CORRELATION + 0.95) / 2)).toBeCloseTo(0.5, 9);
    expect(ecc(0.95, 0.6)).toBeCloseTo(0.6, 9);
  });

  it('caps the feature fallback at 0.8, reached at 100 inliers', () => {
    const feat = (inliers: number) =>
      registrationQuality({ method: 'features_homography', ecc_correlation: null, inliers, overlap: 1 });
    expect(feat(50)).toBeCloseTo(0.4, 9);
    expect(feat(100)).toBeCloseTo(0.8, 9);
    expect(feat(1000)).toBeCloseTo(0.8, 9);
  });
});

describe('analysisConfidenceScore weights', () => {
  const base = {
    sessionQuality: 1,
    angleQualities: [1, 1],
    imagesPerAngle: [2, 2],
    expectedAngles: 2,
    baselineSessions: 0,
    earlierScores: [],
    registrationQualities: [],
  };

  it('weighs quality 0.30, coverage 0.15, depth 0.10, history 0.20 and registration 0.15 (cross-angle 0.10)', () => {
    const all = analysisConfidenceScore(base);
    // everything at 1 but history (0.5 with no baseline): 1 − 0.20 × 0.5
    expect(all).toBeCloseTo(0.9, 9);
    expect(all - analysisConfidenceScore({ ...base, sessionQuality: 0 })).toBeCloseTo(0.3, 9);
    expect(all - analysisConfidenceScore({ ...base, expectedAngles: 4 })).toBeCloseTo(0.15 * 0.5, 9);
    expect(all - analysisConfidenceScore({ ...base, imagesPerAngle: [1, 1] })).toBeCloseTo(0.1 * 0.25, 9);
    expect(all - analysisConfidenceScore({ ...base, registrationQualities: [0, 0] })).toBeCloseTo(0.15, 9);
    expect(all - analysisConfidenceScore({ ...base, angleQualities: [0.5, 1] })).toBeCloseTo(0.1 * 1, 9);
  });
});
