import { describe, expect, it } from 'vitest';
import { ANALYSIS_VERSION } from '../../src/core/config.ts';
import { analyzeSession, compareSessions, toHistorySession } from '../../src/core/scoring/index.ts';
import type { HistorySession, ScoredImage, ScoringSession } from '../../src/core/scoring/index.ts';

const OPTIONS = { expectedAngles: ['front', 'side', 'back', 'a', 'b', 'c'], baselineWindow: null };

function image(
  angle: string,
  embedding: number[],
  quality = 0.8,
  brightness = 0.5,
  contrast = 0.2,
): ScoredImage {
  return {
    image_id: `${angle}-${embedding.join(',')}`,
    angle,
    embedding,
    quality: { image_quality_score: quality, brightness, contrast, flags: [] },
  };
}

function session(id: string, images: readonly ScoredImage[], model_id = 'm1'): ScoringSession {
  return { session_id: id, model_id, images };
}

const first = session('s1', [image('front', [1, 0]), image('side', [0, 1])]);
const second = session('s2', [image('front', [0.8, 0.6]), image('side', [0, 1])]);

function history(...sessions: ScoringSession[]): HistorySession[] {
  const out: HistorySession[] = [];
  for (const s of sessions) out.push(toHistorySession(s, analyzeSession(s, out, OPTIONS)));
  return out;
}

describe('analyzeSession', () => {
  it('scores the first session 0 with an empty baseline', () => {
    const a = analyzeSession(first, [], OPTIONS);
    expect(a.overall_score).toBe(0);
    // bcd-2.0.0 (seed phase 3): the first session's angle change is 0.0, not null.
    expect(a.angle_aware_score).toBe(0);
    expect(a.angles.map((x) => x.change_score)).toEqual([0, 0]);
    for (const angle of a.angles) {
      expect(angle).toMatchObject({
        change_method: null,
        change_map: null,
        changed_area_fraction: 0,
        registration: null,
        // no change raster on these images, so no noise floor either
        noise_floor: null,
        references: [],
        baseline_sessions: 0,
      });
    }
    expect(a.baseline_used).toEqual({ sessions: 0, session_ids: [], window: null });
    expect(a.comparison_layers_used).toEqual([]);
    expect(a.variation_level).toBe('stable');
    expect(a.analysis_version).toBe(ANALYSIS_VERSION);
  });

  it('computes per-angle, angle-aware and structural scores by hand-checked values', () => {
    const a = analyzeSession(second, history(first), OPTIONS);
    const front = a.angles.find((x) => x.angle === 'front');
    // cos((1,0),(0.8,0.6)) = 0.8
    expect(front?.change_score).toBeCloseTo(0.2, 6);
    expect(front?.variation_level).toBe('mild_variation');
    expect(a.angles.find((x) => x.angle === 'side')?.change_score).toBeCloseTo(0, 6);
    expect(a.angle_aware_score).toBeCloseTo(0.1, 6);
    // session embeddings: norm((1,0)+(0,1)) = (0.7071, 0.7071); norm((0.8,0.6)+(0,1)) = (0.4472, 0.8944)
    expect(a.overall_score).toBeCloseTo(1 - (Math.SQRT1_2 * (0.4 + 0.8)) / Math.hypot(0.4, 0.8), 6);
    expect(a.baseline_used.sessions).toBe(1);
    // images without a change raster are scored by embedding, and say so
    expect(a.angles.map((x) => x.change_method)).toEqual(['angle_embedding', 'angle_embedding']);
    expect(a.angles.every((x) => x.change_map === null && x.registration === null)).toBe(true);
    expect(a.comparison_layers_used).toEqual(['angle_embedding', 'session_embedding']);
  });

  it('gives a new angle no change score and leaves it out of the angle-aware mean', () => {
    const third = session('s3', [image('front', [0.8, 0.6]), image('back', [0.6, 0.8])]);
    const a = analyzeSession(third, history(first), OPTIONS);
    const back = a.angles.find((x) => x.angle === 'back');
    expect(back?.change_score).toBe(0);
    expect(back?.baseline_sessions).toBe(0);
    expect(a.angle_aware_score).toBeCloseTo(0.2, 6); // front only
    // structural over the shared angle only: same as front's change
    expect(a.overall_score).toBeCloseTo(0.2, 6);
  });

  it('uses only the most recent sessions inside the window', () => {
    const old = session('s0', [image('front', [0, 1])]);
    const h = history(old, session('s1', [image('front', [1, 0])]));
    const current = session('s2', [image('front', [1, 0])]);
    expect(analyzeSession(current, h, { ...OPTIONS, baselineWindow: 1 }).overall_score).toBeCloseTo(0, 6);
    const all = analyzeSession(current, h, OPTIONS);
    // baseline front = norm((0,1)+(1,0)) → distance 1 − 1/√2
    expect(all.overall_score).toBeCloseTo(1 - Math.SQRT1_2, 6);
    expect(all.baseline_used.session_ids).toEqual(['s0', 's1']);
  });

  it('never mixes vectors of another model into the baseline', () => {
    const other = session('s0', [image('front', [0, 1])], 'other-model');
    const a = analyzeSession(session('s1', [image('front', [1, 0])]), history(other), OPTIONS);
    expect(a.baseline_used.sessions).toBe(0);
    expect(a.overall_score).toBe(0);
  });

  it('computes session quality from angle qualities and capture consistency', () => {
    const s = session('q', [image('front', [1, 0], 0.8, 0.4, 0.2), image('side', [0, 1], 0.6, 0.6, 0.2)]);
    const a = analyzeSession(s, [], OPTIONS);
    // mean quality 0.7 × brightness consistency (1 − 0.1/0.2) × contrast consistency 1
    expect(a.session_quality_score).toBeCloseTo(0.35, 6);
    expect(a.image_quality_summary).toMatchObject({
      images: 2,
      mean_image_quality: 0.7,
      min_image_quality: 0.6,
    });
  });

  it('computes the confidence score by its documented formula', () => {
    const s = session('c', [image('front', [1, 0]), image('front', [1, 0.1]), image('side', [0, 1])]);
    const a = analyzeSession(s, [], OPTIONS);
    // quality 0.8 (consistent capture); cross-angle 1; coverage 2/6; depth mean(1, 0.75); history 0.5;
    // registration 1 (no angle was compared with a reference)
    const expected = 0.3 * 0.8 + 0.1 * 1 + 0.15 * (2 / 6) + 0.1 * 0.875 + 0.2 * 0.5 + 0.15 * 1;
    expect(a.analysis_confidence_score).toBeCloseTo(expected, 6);
  });

  it('gains confidence as the baseline grows', () => {
    const repeats = Array.from({ length: 4 }, (_, i) => session(`r${i}`, [image('front', [1, 0])]));
    const scores = repeats.map((s, i) => analyzeSession(s, history(...repeats.slice(0, i)), OPTIONS));
    const confidences = scores.map((x) => x.analysis_confidence_score);
    expect(confidences).toEqual([...confidences].sort((x, y) => x - y));
    expect(confidences[3]).toBeGreaterThan(confidences[0] as number);
  });

  it('refuses a session without images', () => {
    expect(() => analyzeSession(session('e', []), [], OPTIONS)).toThrow(/no analysable image/);
  });
});

describe('compareSessions', () => {
  it('gives overall delta, stability index and trend', () => {
    const c = compareSessions(first, second);
    const delta = 1 - (Math.SQRT1_2 * (0.4 + 0.8)) / Math.hypot(0.4, 0.8);
    expect(c.overall_delta).toBeCloseTo(delta, 6);
    expect(c.stability_index).toBeCloseTo(1 - delta, 6);
    expect(c.overall_trend).toBe('stable');
    expect(c.angle_deltas.map((d) => d.angle)).toEqual(['front', 'side']);
    expect(c.angle_deltas[0]?.delta).toBeCloseTo(0.2, 6);
  });

  it('calls a large delta a significant shift', () => {
    const c = compareSessions(session('a', [image('front', [1, 0])]), session('b', [image('front', [0, 1])]));
    expect(c.overall_trend).toBe('significant_shift');
    expect(c.stability_index).toBe(0);
  });

  it('refuses sessions of different models or without a shared angle', () => {
    expect(() => compareSessions(first, session('x', second.images, 'm2'))).toThrow(/different models/);
    expect(() => compareSessions(first, session('y', [image('back', [1, 0])]))).toThrow(/no angle in common/);
  });
});
