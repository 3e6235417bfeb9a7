import { describe, expect, it } from 'vitest';
import { embeddingIdempotencyHash } from '../../server/services/embedding-hash.ts';
import { ANALYSIS_VERSION, DEFAULT_ANGLES } from '../../src/core/config.ts';
import type { ImageQuality } from '../../src/core/quality/index.ts';
import {
  analyzeSession,
  l2Normalize,
  toHistorySession,
  type ScoringSession,
} from '../../src/core/scoring/index.ts';
import {
  AnalysisLogSchema,
  CONSENT_SCOPES,
  EmbeddingSchema,
  embeddingVector,
  FeedbackSchema,
  MAX_ANALYSIS_TEXT,
  SessionAnalysisSchema,
  SessionUploadSchema,
} from '../../src/sync/contract.ts';
import type {
  AnalysisLogRow,
  AnalysisRow,
  AngleAnalysisRow,
  EmbeddingRow,
  ImageRow,
  SessionRow,
} from '../../src/app/db/schema.ts';
import {
  analysisBodies,
  feedbackBody,
  imageClientId,
  logEntry,
  sessionBody,
  vectorBody,
} from '../../src/app/sync/payloads.ts';

const DIMS = 1280;
const MODEL = 'mobilenet_v2-nsfwjs';
const OPTIONS = { expectedAngles: DEFAULT_ANGLES, baselineWindow: null } as const;

/** A deterministic pseudo-random unit vector. */
function unitVector(seed: number): Float32Array {
  let s = seed;
  const v = Float32Array.from({ length: DIMS }, () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5);
  return l2Normalize(v);
}

const QUALITY: ImageQuality = {
  blur_score: 120.5,
  brightness: 0.45,
  contrast: 0.2,
  clipped_fraction: 0.01,
  image_quality_score: 0.82,
  flags: [],
  hints: [],
  low_confidence: false,
};

const ANGLES = ['front', 'left_side', 'left_side', 'right_side'];

/** A stored session of four photos (two of one angle) with its analysis against one earlier session. */
function storedSession() {
  const session: SessionRow = {
    id: 'c0ffee00-0000-4000-8000-000000000002',
    created_at: '2025-06-01T10:00:00.000Z',
    // The photos' own date, earlier than the day the session was entered: the server gets it as captured_at.
    taken_at: '2024-11-23T08:30:00.000Z',
    angles: ['front', 'left_side', 'right_side'],
    image_count: ANGLES.length,
  };
  const images: ImageRow[] = ANGLES.map((angle, i) => ({
    id: 10 + i,
    session_id: session.id,
    angle,
    position: ANGLES.slice(0, i).filter((a) => a === angle).length,
    file_name: `IMG_${i}.jpg`,
    blob: new Blob([]),
    thumbnail: new Blob([]),
    width: 800,
    height: 600,
    sha256: 'a'.repeat(64),
    quality: QUALITY,
    created_at: session.created_at,
  }));
  const embeddings: EmbeddingRow[] = images.map((image, i) => ({
    id: 100 + i,
    image_id: image.id as number,
    session_id: session.id,
    angle: image.angle,
    model_id: MODEL,
    vector: unitVector(i + 1),
    created_at: session.created_at,
  }));
  const scoring = (id: string, seed: number): ScoringSession => ({
    session_id: id,
    model_id: MODEL,
    images: images.map((image, i) => ({
      image_id: imageClientId(image),
      angle: image.angle,
      embedding: unitVector(seed + i),
      quality: QUALITY,
    })),
  });
  const earlier = scoring('c0ffee00-0000-4000-8000-000000000001', 50);
  const earlierAnalysis = analyzeSession(earlier, [], OPTIONS);
  const { angles, ...analysis } = analyzeSession(
    scoring(session.id, 1),
    [toHistorySession(earlier, earlierAnalysis)],
    OPTIONS,
  );
  const stored = {
    analysis: { ...analysis, created_at: session.created_at } as AnalysisRow,
    angles: angles.map((a) => ({ ...a, session_id: session.id, model_id: MODEL })),
    embeddings,
  };
  return { session, images, stored };
}

describe('upload bodies', () => {
  it('names photos as the scoring core and the export do: <angle>__<position>', () => {
    const { images } = storedSession();
    expect(images.map(imageClientId)).toEqual(['front__0', 'left_side__0', 'left_side__1', 'right_side__0']);
  });

  it('builds a session body the contract accepts, expecting photos only when they are shared', () => {
    const { session, images } = storedSession();
    const all = SessionUploadSchema.parse(sessionBody(session, images, CONSENT_SCOPES));
    expect(all.images_expected).toBe(4);
    expect(all.captured_at).toBe(session.taken_at);
    expect(all.images?.map((i) => i.quality.image_quality_score)).toEqual([0.82, 0.82, 0.82, 0.82]);
    expect(sessionBody(session, images, ['sessions']).images_expected).toBe(0);
  });

  it('sends the analysis first, then image vectors in batches, all valid, every vector once', () => {
    const { session, images, stored } = storedSession();
    const base = sessionBody(session, images, CONSENT_SCOPES);
    const bodies = analysisBodies(base, stored, images, CONSENT_SCOPES, 3);
    for (const body of bodies) SessionUploadSchema.parse(body);
    expect(bodies[0]?.analysis?.model_id).toBe(MODEL);
    expect(bodies[0]?.angle_analyses?.map((a) => a.angle)).toEqual(['front', 'left_side', 'right_side']);
    expect(bodies.slice(1).every((b) => b.analysis === undefined)).toBe(true);
    const vectors = bodies.flatMap((b) => b.embeddings ?? []);
    const subjects = vectors.map((e) => `${e.kind}:${e.image_id ?? e.angle ?? ''}`);
    expect(subjects.sort()).toEqual(
      [
        'session:',
        'angle:front',
        'angle:left_side',
        'angle:right_side',
        'image:front__0',
        'image:left_side__0',
        'image:left_side__1',
        'image:right_side__0',
      ].sort(),
    );
    expect(bodies.map((b) => b.embeddings?.length)).toEqual([4, 3, 1]);
  });

  it("sends each angle's change-engine fields, kept within the contract's bounds", () => {
    const { session, images, stored } = storedSession();
    const [front, left, right] = stored.angles as AngleAnalysisRow[];
    const map = { rows: 14, cols: 14, cells: Array.from({ length: 196 }, (_, i) => (i < 14 ? 255 : i % 9)) };
    const registration = {
      method: 'ecc_homography' as const,
      // A photo registered to itself: the correlation rounds just past 1.
      ecc_correlation: 1.0000000000000002,
      inliers: null,
      overlap: 0.97,
      failure: null,
      reference_session_id: 'c0ffee00-0000-4000-8000-000000000001',
      hint: null,
    };
    const failure = `the photo could not be aligned (${'OpenCV error text '.repeat(200)})`;
    const angles: AngleAnalysisRow[] = [
      {
        ...front!,
        change_method: 'registered_local_change',
        change_map: map,
        changed_area_fraction: 0.04,
        registration,
        noise_floor: { synthetic: 24, real: 2, delta_e: 3.1 },
        references: [
          { session_id: 'c0ffee00-0000-4000-8000-000000000001', raw_delta_e: 4.2 },
          { session_id: 'c0ffee00-0000-4000-8000-000000000003', raw_delta_e: null },
        ],
      },
      {
        ...left!,
        change_method: 'angle_embedding',
        registration: {
          ...registration,
          method: 'failed',
          ecc_correlation: 0.3,
          overlap: 0,
          failure,
          hint: failure,
        },
        references: [{ session_id: 'c0ffee00-0000-4000-8000-000000000001', raw_delta_e: null }],
      },
      right!,
    ];
    const [body] = analysisBodies(
      sessionBody(session, images, CONSENT_SCOPES),
      { ...stored, angles },
      images,
      CONSENT_SCOPES,
    );
    const sent = SessionUploadSchema.parse(JSON.parse(JSON.stringify(body))).angle_analyses!;
    expect(sent[0]).toMatchObject({
      change_method: 'registered_local_change',
      change_map: map,
      changed_area_fraction: 0.04,
      registration: { ...registration, ecc_correlation: 1 },
      noise_floor: { synthetic: 24, real: 2, delta_e: 3.1 },
      references: angles[0]!.references,
    });
    expect(sent[1]?.registration?.method).toBe('failed');
    expect(sent[1]?.registration?.failure).toHaveLength(MAX_ANALYSIS_TEXT);
    expect(sent[1]?.registration?.hint?.startsWith('the photo could not be aligned')).toBe(true);
    expect(sent[2]).toMatchObject({
      change_method: right!.change_method,
      change_map: null,
      registration: null,
      references: [],
    });
  });

  it('sends a first session as the core scores it: every score 0.0, no baseline', () => {
    const { session, images, stored } = storedSession();
    const first = analyzeSession(
      {
        session_id: session.id,
        model_id: MODEL,
        images: images.map((image, i) => ({
          image_id: imageClientId(image),
          angle: image.angle,
          embedding: unitVector(i + 1),
          quality: QUALITY,
        })),
      },
      [],
      OPTIONS,
    );
    const { angles, ...analysis } = first;
    const [body] = analysisBodies(
      sessionBody(session, images, CONSENT_SCOPES),
      {
        ...stored,
        analysis: { ...analysis, created_at: session.created_at },
        angles: angles.map((a) => ({ ...a, session_id: session.id, model_id: MODEL })),
      },
      images,
      CONSENT_SCOPES,
    );
    const parsed = SessionUploadSchema.parse(body);
    expect(parsed.analysis).toMatchObject({
      analysis_version: ANALYSIS_VERSION,
      angle_aware_score: 0,
      overall_score: 0,
      baseline_used: { sessions: 0 },
    });
    expect(parsed.angle_analyses?.every((a) => a.change_score === 0 && a.change_method === null)).toBe(true);
  });

  it('sends an analysis stored before bcd-2.0.0 as the database upgrade left it: its version, no measured change', () => {
    const { session, images, stored } = storedSession();
    const upgraded = stored.angles.map((a): AngleAnalysisRow => ({
      ...a,
      change_method: 'angle_embedding',
      change_map: null,
      changed_area_fraction: 0,
      registration: null,
      noise_floor: null,
      references: [],
    }));
    const [body] = analysisBodies(
      sessionBody(session, images, CONSENT_SCOPES),
      { ...stored, analysis: { ...stored.analysis, analysis_version: 'bcd-1.0.0' }, angles: upgraded },
      images,
      CONSENT_SCOPES,
    );
    const parsed = SessionUploadSchema.parse(JSON.parse(JSON.stringify(body)));
    expect(parsed.analysis?.analysis_version).toBe('bcd-1.0.0');
    expect(parsed.angle_analyses?.[0]).toMatchObject({
      change_map: null,
      registration: null,
      references: [],
    });
  });

  it('takes a null angle_aware_score only from analyses before bcd-2.0.0, which left a first session unscored', () => {
    const { stored } = storedSession();
    const [body] = analysisBodies(
      { captured_at: '2025-06-01T10:00:00.000Z', angles_expected: [], images_expected: 0 },
      stored,
      [],
      ['sessions'],
    );
    const analysis = { ...body!.analysis!, angle_aware_score: null };
    expect(SessionAnalysisSchema.safeParse({ ...analysis, analysis_version: 'bcd-1.0.0' }).success).toBe(
      true,
    );
    const current = SessionAnalysisSchema.safeParse({ ...analysis, analysis_version: ANALYSIS_VERSION });
    expect(current.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['angle_aware_score']);
  });

  it('sends no vector without the embeddings scope', () => {
    const { session, images, stored } = storedSession();
    const bodies = analysisBodies(sessionBody(session, images, ['sessions']), stored, images, ['sessions']);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]?.embeddings).toBeUndefined();
    expect(bodies[0]?.analysis).toBeDefined();
  });

  it('keeps a full batch of 1280-d vectors under the server’s 2 MiB body limit', () => {
    const { session, images, stored } = storedSession();
    const many = Array.from({ length: 60 }, (_, i) => ({
      ...stored.embeddings[0]!,
      vector: unitVector(i + 7),
    }));
    const bodies = analysisBodies(
      sessionBody(session, images, CONSENT_SCOPES),
      { ...stored, embeddings: many },
      images,
      CONSENT_SCOPES,
    );
    for (const body of bodies) expect(JSON.stringify(body).length).toBeLessThan(2 * 1024 * 1024);
  });

  it('writes vectors that give the server the same float32 values, so a retry has the same idempotency hash', () => {
    for (let seed = 1; seed < 20; seed++) {
      const vector = unitVector(seed);
      const body = { kind: 'session' as const, model_id: MODEL, ...vectorBody(vector) };
      const received = EmbeddingSchema.parse(JSON.parse(JSON.stringify(body)));
      const sent = embeddingVector(received);
      expect(Buffer.from(sent.buffer).equals(Buffer.from(vector.buffer))).toBe(true);
      const key = { modelId: MODEL, sessionId: 's', kind: 'image', subject: 'front__0' };
      expect(embeddingIdempotencyHash({ ...key, vector: sent })).toBe(
        embeddingIdempotencyHash({ ...key, vector }),
      );
    }
    // base64 of 4 bytes per value, against about 11 characters per value as 9-digit numbers.
    expect(vectorBody(unitVector(3)).vector_f32.length).toBe(Math.ceil((DIMS * 4) / 3) * 4);
  });

  it('an earlier app’s vector as JSON numbers reads as the same float32 values as the app’s vector_f32', () => {
    const vector = unitVector(5);
    const asNumbers = EmbeddingSchema.parse({
      kind: 'session',
      model_id: MODEL,
      vector: Array.from(vector, (x) => Number(x.toPrecision(9))),
    });
    const asBase64 = EmbeddingSchema.parse({ kind: 'session', model_id: MODEL, ...vectorBody(vector) });
    expect(embeddingVector(asNumbers)).toEqual(embeddingVector(asBase64));
  });

  it('decodes an embedding once: the check’s values are the ones the server reads', () => {
    const received = EmbeddingSchema.parse({
      kind: 'session',
      model_id: MODEL,
      ...vectorBody(unitVector(2)),
    });
    expect(embeddingVector(received)).toBe(embeddingVector(received));
    expect(embeddingVector({ ...received })).not.toBe(embeddingVector(received));
    expect(embeddingVector({ ...received })).toEqual(embeddingVector(received));
  });

  it('refuses a vector_f32 that is not whole float32 values, not unit length, or sent beside vector', () => {
    const issue = (embedding: object) => {
      const result = EmbeddingSchema.safeParse({ kind: 'session', model_id: MODEL, ...embedding });
      return result.success ? null : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    const unit = vectorBody(unitVector(1)).vector_f32;
    expect(issue({ vector_f32: unit })).toBeNull();
    expect(issue({ vector_f32: 'AAAAAAA=' })?.[0]).toMatch(/^vector_f32: holds 5 bytes, not a whole number/);
    expect(issue({ vector_f32: 'not base64!' })?.[0]).toMatch(/^vector_f32: /);
    // Only the padded standard form: `atob` alone would take whitespace and a missing `=`.
    expect(issue({ vector_f32: `${unit.slice(0, 8)} ${unit.slice(8)}` })?.[0]).toBe(
      'vector_f32: is not padded standard base64',
    );
    expect(issue({ vector_f32: btoa('\0\0\x80?').replace(/=+$/, '') })?.[0]).toBe(
      'vector_f32: is not padded standard base64',
    );
    expect(issue({ vector_f32: btoa('\0\0\0\0') })?.[0]).toMatch(/^vector_f32: must be L2-normalised/);
    // NaN as float32 bytes (0x7fc00000, little-endian).
    expect(issue({ vector_f32: btoa('\0\0\xc0\x7f') })?.[0]).toMatch(/^vector_f32: must be L2-normalised/);
    expect(issue({ vector_f32: unit, vector: [1] })?.[0]).toBe(
      'vector: send exactly one of vector and vector_f32',
    );
    expect(issue({})?.[0]).toBe('vector: send exactly one of vector and vector_f32');
  });

  it('sends logs with timings and error codes but never a file name', () => {
    const log: AnalysisLogRow = {
      id: 7,
      session_id: 's1',
      created_at: '2025-06-01T10:00:00.000Z',
      model_id: MODEL,
      analysis_version: ANALYSIS_VERSION,
      backend: 'wasm',
      threads: 2,
      images: [
        {
          file_name: 'holiday-anna.jpg',
          angle: 'front',
          decode_ms: 10,
          quality_ms: 5,
          preprocess_ms: 7,
          embed_ms: 90,
        },
        {
          file_name: 'IMG_2.jpg',
          angle: 'left_side',
          decode_ms: 12,
          quality_ms: 6,
          preprocess_ms: 8,
          embed_ms: 80,
        },
      ],
      scoring_ms: 3,
      total_ms: 240,
      confidence: 0.7,
      errors: [
        {
          stage: 'image',
          code: 'truncated',
          message: 'holiday-anna.jpg is cut',
          file_name: 'holiday-anna.jpg',
        },
      ],
    };
    const entry = AnalysisLogSchema.parse(logEntry(log));
    expect(entry.log_id).toBe('s1_log7');
    expect(entry.stage_timings_ms).toEqual({
      decode: 22,
      quality: 11,
      preprocess: 15,
      embed: 170,
      scoring: 3,
      total: 240,
    });
    expect(entry.level).toBe('error');
    expect(entry.errors).toEqual(['image: truncated']);
    expect(JSON.stringify(entry)).not.toMatch(/holiday|IMG_/);
  });

  it('sends a bad-photo note with the photo’s server id and angle', () => {
    const { images } = storedSession();
    const note = {
      id: 3,
      kind: 'bad_photo' as const,
      session_id: 's1',
      image_id: 12,
      model_id: MODEL,
      analysis_version: ANALYSIS_VERSION,
      created_at: '2025-06-01T10:05:00.000Z',
    };
    const body = FeedbackSchema.parse(feedbackBody(note, images[2]));
    expect(body).toEqual({
      feedback_id: 's1_fb3',
      session_id: 's1',
      image_id: 'left_side__1',
      angle: 'left_side',
      kind: 'bad_photo',
      created_at: '2025-06-01T10:05:00.000Z',
    });
    expect(
      FeedbackSchema.parse(feedbackBody({ ...note, kind: 'result_looks_wrong', image_id: null }, undefined)),
    ).not.toHaveProperty('image_id');
  });
});
