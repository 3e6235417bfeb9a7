import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorOfDatabase } from '../../server/db/database-errors.ts';
import { API_PATHS, INT4_MAX } from '../../src/sync/contract.ts';
import { appOn, auth, openTestStore, participant, putSession, sessionBody } from './helpers.ts';

/** Row counts of every table the uploads below could touch. */
async function counts(harness: Awaited<ReturnType<typeof openTestStore>>) {
  const [row] = await harness.store.database.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM consents) AS consents, (SELECT count(*)::int FROM sessions) AS sessions,
            (SELECT count(*)::int FROM images) AS images, (SELECT count(*)::int FROM analysis_logs) AS logs,
            (SELECT count(*)::int FROM feedback) AS feedback, (SELECT count(*)::int FROM embeddings) AS embeddings`,
  );
  return row!;
}

/**
 * Finding 3 of issue 10: values the database cannot store (NUL, unpaired surrogates, year 0000, offsets beyond
 * ±14:00, integers beyond int4) are refused by the contract with a 400 naming the field, and nothing is written;
 * database errors caused by values, and an upload racing a withdrawal, answer 4xx, never 500.
 */
describe('values the database cannot store (embedded store)', () => {
  let harness: Awaited<ReturnType<typeof openTestStore>>;
  let app: FastifyInstance;
  let token: string;

  beforeAll(async () => {
    harness = await openTestStore();
    app = await appOn(harness.store, harness.dataDir);
    ({ token } = await participant(app));
  });
  afterAll(async () => {
    await app.close();
    await harness.close();
  });

  const session = sessionBody({ front: ['a'], left_side: [] });
  const angle = session.angle_analyses![0]!;
  const log = {
    log_id: 'l1',
    created_at: '2025-01-01T00:00:00Z',
    level: 'info',
    stage_timings_ms: { decode: 1 },
    errors: [],
  };
  const feedback = { feedback_id: 'f1', kind: 'other', created_at: '2025-01-01T00:00:00Z' };
  const cases: [string, string, string, unknown, string][] = [
    [
      'NUL in consent version',
      'PUT',
      API_PATHS.consent,
      { version: 'v\u0000', scopes: ['sessions'] },
      'version',
    ],
    [
      'lone surrogate in consent version',
      'PUT',
      API_PATHS.consent,
      { version: 'v\ud800', scopes: ['sessions'] },
      'version',
    ],
    [
      'NUL in a quality flag',
      'PUT',
      API_PATHS.session('s1'),
      {
        ...session,
        images: [{ ...session.images![0]!, quality: { ...session.images![0]!.quality, flags: ['a\u0000'] } }],
      },
      'images.0.quality.flags.0',
    ],
    [
      'lone surrogate in a registration hint (jsonb)',
      'PUT',
      API_PATHS.session('s1'),
      {
        ...session,
        angle_analyses: [{ ...angle, registration: { ...angle.registration!, hint: '\udc00x' } }],
      },
      'angle_analyses.0.registration.hint',
    ],
    [
      'NUL in a flag_counts key (jsonb)',
      'PUT',
      API_PATHS.session('s1'),
      {
        ...session,
        analysis: {
          ...session.analysis!,
          image_quality_summary: {
            ...session.analysis!.image_quality_summary,
            flag_counts: { 'a\u0000': 1 },
          },
        },
      },
      'analysis.image_quality_summary.flag_counts',
    ],
    [
      'year 0000',
      'PUT',
      API_PATHS.session('s1'),
      { ...session, captured_at: '0000-01-01T00:00:00Z' },
      'captured_at',
    ],
    [
      'offset +16:00',
      'PUT',
      API_PATHS.session('s1'),
      { ...session, captured_at: '2024-01-01T00:00:00+16:00' },
      'captured_at',
    ],
    [
      'offset -14:30',
      'POST',
      API_PATHS.logs,
      { entries: [{ ...log, created_at: '2024-01-01T00:00:00-14:30' }] },
      'entries.0.created_at',
    ],
    [
      'image_count beyond int4',
      'PUT',
      API_PATHS.session('s1'),
      { ...session, angle_analyses: [{ ...angle, image_count: INT4_MAX + 1 }] },
      'angle_analyses.0.image_count',
    ],
    [
      'baseline_sessions 2^53',
      'PUT',
      API_PATHS.session('s1'),
      { ...session, angle_analyses: [{ ...angle, baseline_sessions: 2 ** 53 }] },
      'angle_analyses.0.baseline_sessions',
    ],
    [
      'NUL in a log message',
      'POST',
      API_PATHS.logs,
      { entries: [{ ...log, message: '\u0000' }] },
      'entries.0.message',
    ],
    [
      'lone surrogate in a log error (jsonb)',
      'POST',
      API_PATHS.logs,
      { entries: [{ ...log, errors: ['\ud83d'] }] },
      'entries.0.errors.0',
    ],
    [
      'lone surrogate in a stage name (jsonb key)',
      'POST',
      API_PATHS.logs,
      { entries: [{ ...log, stage_timings_ms: { '\ud83d': 1 } }] },
      'entries.0.stage_timings_ms',
    ],
    ['NUL in a feedback note', 'POST', API_PATHS.feedback, { ...feedback, note: 'x\u0000y' }, 'note'],
    [
      'year 0000 in feedback',
      'POST',
      API_PATHS.feedback,
      { ...feedback, created_at: '0000-12-31T23:59:59Z' },
      'created_at',
    ],
  ];

  it.each(cases)(
    '400 for %s, naming the field, nothing written',
    async (_label, method, url, payload, field) => {
      const before = await counts(harness);
      const response = await app.inject({
        method: method as 'PUT' | 'POST',
        url,
        headers: auth(token),
        payload: payload as object,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('bad_request');
      // A record key's issue names the key too (`….flag_counts.<key>`).
      expect(response.json().field.startsWith(field)).toBe(true);
      expect(await counts(harness)).toEqual(before);
    },
  );

  it('keeps paired surrogates (emoji), offsets up to ±14:00 and years 0001 and 9999', async () => {
    const ok = await app.inject({
      method: 'POST',
      url: API_PATHS.logs,
      headers: auth(token),
      payload: {
        entries: [
          { ...log, log_id: 'emoji', message: 'ok 😀', created_at: '0001-01-01T00:00:00+14:00' },
          { ...log, log_id: 'late', created_at: '9999-12-31T23:59:59-14:00' },
        ],
      },
    });
    expect(ok.statusCode).toBe(200);
    const [row] = await harness.store.database.query<{ message: string }>(
      "SELECT message FROM analysis_logs WHERE id = 'emoji'",
    );
    expect(row!.message).toBe('ok 😀');
  });

  it('maps database errors caused by values to 4xx: class 22 → 400, 23503 / 23505 → 409, 53100 → 507', () => {
    const dbError = (code: string) => Object.assign(new Error('x'), { code, severity: 'ERROR' });
    expect(apiErrorOfDatabase(dbError('22P05'))?.status).toBe(400);
    expect(apiErrorOfDatabase(dbError('22008'))?.status).toBe(400);
    expect(apiErrorOfDatabase(dbError('23503'))?.status).toBe(409);
    expect(apiErrorOfDatabase(dbError('23505'))?.status).toBe(409);
    expect(apiErrorOfDatabase(dbError('23514'))?.status).toBe(400);
    expect(apiErrorOfDatabase(dbError('53100'))?.status).toBe(507);
    expect(apiErrorOfDatabase(dbError('XX000'))).toBeNull();
    expect(apiErrorOfDatabase(new Error('plain'))).toBeNull();
  });

  it('uploads racing a withdrawal answer 4xx (never 500), and the withdrawal leaves nothing', async () => {
    const p = await participant(app);
    const uploads = Array.from({ length: 12 }, (_, i) =>
      putSession(app, p.token, `race-${i}`, sessionBody({ front: [`f${i}`], left_side: [] })),
    );
    const withdrawal = app.inject({ method: 'DELETE', url: API_PATHS.consent, headers: auth(p.token) });
    const responses = await Promise.all([...uploads.slice(0, 6), withdrawal, ...uploads.slice(6)]);
    for (const response of responses) expect(response.statusCode, response.body).toBeLessThan(500);
    const left = await harness.store.database.query(
      'SELECT 1 FROM sessions WHERE participant_id = $1 UNION ALL SELECT 1 FROM participants WHERE id = $1',
      [p.id],
    );
    expect(left).toHaveLength(0);
  });

  it('a raw value the database refuses (jsonb with an unpaired surrogate escape) answers 400, not 500', async () => {
    // The contract refuses it first; this checks the mapping on the real PGlite error too.
    const error = await harness.store.database.query(`SELECT '"\\ud800"'::jsonb`).then(
      () => null,
      (e: unknown) => e,
    );
    expect(apiErrorOfDatabase(error)?.status).toBe(400);
  });
});
