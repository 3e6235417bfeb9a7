import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { API_PATHS, HEADER_ANGLE, MAX_ANALYSIS_TEXT, MAX_REFERENCES } from '../../src/sync/contract.ts';
import {
  appOn,
  auth,
  cleanJpeg,
  newId,
  openTestStore,
  participant,
  photo,
  preChangeEngineBody,
  putImage,
  sessionBody,
  testConfig,
  unitVector,
  MODEL_ID,
} from './helpers.ts';

/**
 * Session uploads whose change-engine fields have the wrong type, size or value: each must get a 4xx, none may
 * reach the database's constraints (a 500).
 */
function changeEngineFuzz(sessionId: string): InjectOptions[] {
  const body = sessionBody({ front: ['a'], left_side: [] });
  const angle = body.angle_analyses![0]!;
  const values: Record<string, unknown>[] = [
    { change_map: 'x' },
    { change_map: [] },
    { change_map: { rows: 1e308, cols: 1e308, cells: [] } },
    { change_map: { rows: 64, cols: 64, cells: Array<number>(64 * 64 + 1).fill(0) } },
    { change_map: { rows: 2, cols: 2, cells: ['1', '2', '3', '4'] } },
    { change_map: { rows: 2, cols: 2, cells: [1, 2, 3, null] } },
    { change_map: { rows: '2', cols: 2, cells: [1, 2, 3, 4] } },
    { change_map: { rows: 2, cols: 2, cells: { 0: 1, 1: 2, 2: 3, 3: 4 } } },
    { change_method: 7 },
    { changed_area_fraction: '0.5' },
    { changed_area_fraction: 1e308 },
    { registration: [] },
    { registration: { method: 'failed' } },
    { registration: { ...angle.registration!, failure: { text: 'x' } } },
    { registration: { ...angle.registration!, inliers: 1e308 } },
    { registration: { ...angle.registration!, hint: 'x'.repeat(100_000) } },
    { noise_floor: 3 },
    { noise_floor: { synthetic: -1e308, real: 0, delta_e: 1 } },
    { references: null },
    { references: 'all' },
    { references: [null] },
    { references: [{ session_id: '', raw_delta_e: 1 }] },
    { references: [{ session_id: 's', raw_delta_e: 'none' }] },
  ];
  return values.map((fields) => ({
    method: 'PUT' as const,
    url: API_PATHS.session(sessionId),
    payload: { ...body, angle_analyses: [{ ...angle, ...fields }] },
  }));
}

/** Every status code of the API against the real embedded store (PGlite + pgvector, files on disk). */
describe('sync server status codes (embedded store)', () => {
  let harness: Awaited<ReturnType<typeof openTestStore>>;
  let app: FastifyInstance;
  let strict: FastifyInstance;
  let clean: Uint8Array;

  beforeAll(async () => {
    harness = await openTestStore();
    app = await appOn(harness.store, harness.dataDir, { APP_ORIGIN: 'http://app.test' });
    // Same store, tight limits: 3 uploads a day, 4 KiB bodies, 60 kB images.
    strict = await appOn(harness.store, harness.dataDir, {
      DAILY_UPLOAD_LIMIT: '3',
      MAX_BODY_BYTES: '4096',
      MAX_IMAGE_BYTES: '60000',
    });
    clean = await cleanJpeg();
  });

  afterAll(async () => {
    await app?.close();
    await strict?.close();
    await harness?.close();
  });

  it('200 on /health, /ready and the OpenAPI description', async () => {
    const health = await app.inject({ method: 'GET', url: API_PATHS.health });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', mode: 'embedded' });
    expect(health.headers['x-request-id']).toBeTruthy();

    const ready = await app.inject({ method: 'GET', url: API_PATHS.ready });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ok',
      database: 'ok',
      image_store: 'ok',
      stored_image_bytes: expect.any(Number),
      max_stored_image_bytes: 100 * 1024 ** 3,
    });

    const openapi = (await app.inject({ method: 'GET', url: API_PATHS.openapi })).json();
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/participants',
        '/api/participants/refresh',
        '/api/consent',
        '/api/sessions/{sessionId}',
        '/api/sessions/{sessionId}/images/{imageId}',
        '/api/sessions/{sessionId}/status',
        '/api/logs',
        '/api/feedback',
      ]),
    );
    expect(openapi.components.securitySchemes.bearerAuth.scheme).toBe('bearer');
  });

  it('503 from /ready when the image store is unreachable', async () => {
    const unreachable = { ...harness.store.images, check: () => Promise.reject(new Error('unreachable')) };
    const degraded = await buildApp({
      config: testConfig(harness.dataDir),
      store: { ...harness.store, images: unreachable },
      logger: false,
    });
    try {
      const ready = await degraded.inject({ method: 'GET', url: API_PATHS.ready });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({
        status: 'unavailable',
        database: 'ok',
        image_store: 'unavailable',
      });
      expect((await degraded.inject({ method: 'GET', url: API_PATHS.health })).statusCode).toBe(200);
    } finally {
      await degraded.close();
    }
  });

  it('201 enrols a pseudonymous participant with a JWT', async () => {
    const response = await app.inject({ method: 'POST', url: API_PATHS.participants });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.participant_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.token.split('.')).toHaveLength(3);
  });

  it('401 without a token, with a malformed one, or one signed by another key', async () => {
    const foreign = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(newId())
      .setIssuer('bcd-sync')
      .setAudience('bcd-participant')
      .sign(new TextEncoder().encode('not the server secret, 32 bytes long!'));
    for (const headers of [
      {},
      { authorization: 'Bearer nonsense' },
      { authorization: 'Basic abc' },
      auth(foreign),
    ]) {
      const response = await app.inject({
        method: 'PUT',
        url: API_PATHS.session('s'),
        headers,
        payload: sessionBody({ front: ['a'], left_side: [] }),
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toBe('unauthorized');
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('403 for every upload whose consent scope is missing', async () => {
    const none = await participant(app, []);
    const noConsent = await app.inject({
      method: 'PUT',
      url: API_PATHS.session(newId()),
      headers: auth(none.token),
      payload: sessionBody({ front: ['a'], left_side: [] }),
    });
    expect(noConsent.statusCode).toBe(403);
    expect(noConsent.json().error).toBe('consent_required');

    const sessionsOnly = await participant(app, ['sessions']);
    const sessionId = newId();
    const withVectors = await app.inject({
      method: 'PUT',
      url: API_PATHS.session(sessionId),
      headers: auth(sessionsOnly.token),
      payload: sessionBody({ front: ['a'], left_side: [] }),
    });
    expect(withVectors.statusCode).toBe(403);
    expect(withVectors.json().message).toContain('embeddings');
    const withoutVectors = { ...sessionBody({ front: ['a'], left_side: [] }), embeddings: undefined };
    const metadataOnly = await app.inject({
      method: 'PUT',
      url: API_PATHS.session(sessionId),
      headers: auth(sessionsOnly.token),
      payload: withoutVectors,
    });
    expect(metadataOnly.statusCode).toBe(200);
    expect((await putImage(app, sessionsOnly.token, sessionId, 'a', clean)).statusCode).toBe(403);
    const logs = await app.inject({
      method: 'POST',
      url: API_PATHS.logs,
      headers: auth(sessionsOnly.token),
      payload: {
        entries: [
          {
            log_id: 'l1',
            created_at: new Date().toISOString(),
            level: 'info',
            stage_timings_ms: {},
            errors: [],
          },
        ],
      },
    });
    expect(logs.statusCode).toBe(403);
    const feedback = await app.inject({
      method: 'POST',
      url: API_PATHS.feedback,
      headers: auth(sessionsOnly.token),
      payload: { feedback_id: 'f1', kind: 'bad_photo', created_at: new Date().toISOString() },
    });
    expect(feedback.statusCode).toBe(403);
  });

  it('400 naming the field for malformed bodies, parameters and headers', async () => {
    const p = await participant(app);
    const put = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      app.inject({
        method: 'PUT',
        url,
        headers: { ...auth(p.token), ...headers },
        payload: payload as object,
      });
    const body = sessionBody({ front: ['a'], left_side: [] });

    const cases: [
      Promise<{ statusCode: number; json: () => { field?: string; message: string } }>,
      string,
    ][] = [
      [put(API_PATHS.session('s1'), { ...body, captured_at: undefined }), 'captured_at'],
      [put(API_PATHS.session('s1'), { ...body, captured_at: 'yesterday' }), 'captured_at'],
      [put(API_PATHS.session('s1'), { ...body, images_expected: -1 }), 'images_expected'],
      [
        put(API_PATHS.session('s1'), {
          ...body,
          embeddings: [{ kind: 'session', model_id: MODEL_ID, vector: [3, 4] }],
        }),
        'embeddings.0.vector',
      ],
      [
        put(API_PATHS.session('s1'), {
          ...body,
          embeddings: [{ kind: 'image', model_id: MODEL_ID, vector: [1] }],
        }),
        'embeddings.0.image_id',
      ],
      [
        put(API_PATHS.session('s1'), { ...body, analysis: { ...body.analysis, overall_score: 1.5 } }),
        'analysis.overall_score',
      ],
      [put('/api/sessions/bad.id', body), 'sessionId'],
      [put(API_PATHS.consent, { version: 'v1', scopes: ['everything'] }), 'scopes.0'],
      [put(API_PATHS.consent, { version: '', scopes: ['sessions'] }), 'version'],
      [
        put(API_PATHS.session('s1'), {
          ...body,
          embeddings: [body.embeddings![0], body.embeddings![0]],
        }),
        'embeddings.1',
      ],
    ];
    for (const [pending, field] of cases) {
      const response = await pending;
      expect(response.statusCode, field).toBe(400);
      expect(response.json().field, field).toBe(field);
      expect(response.json().message).toContain(field);
    }

    const invalidJson = await app.inject({
      method: 'PUT',
      url: API_PATHS.session('s1'),
      headers: { ...auth(p.token), 'content-type': 'application/json' },
      payload: '{"captured_at": ',
    });
    expect(invalidJson.statusCode).toBe(400);

    await put(API_PATHS.session('s1'), body);
    const noAngle = await app.inject({
      method: 'PUT',
      url: API_PATHS.image('s1', 'a'),
      headers: { ...auth(p.token), 'content-type': 'image/jpeg', 'x-sha256': 'ab'.repeat(32) },
      payload: Buffer.from(clean),
    });
    expect(noAngle.statusCode).toBe(400);
    expect(noAngle.json().field).toBe(HEADER_ANGLE);
    const wrongSha = await putImage(app, p.token, 's1', 'a', clean, { sha: '0'.repeat(64) });
    expect(wrongSha.statusCode).toBe(400);
    expect(wrongSha.json().field).toBe('x-sha256');
  });

  it("400 naming the field for bad values of the change engine's fields, and no row written", async () => {
    const p = await participant(app);
    const body = sessionBody({ front: ['a'], left_side: ['b'] });
    /** `body` with the first angle analysis's fields overridden. */
    const front = (fields: Record<string, unknown>) => ({
      ...body,
      angle_analyses: [{ ...body.angle_analyses![0]!, ...fields }, body.angle_analyses![1]!],
    });
    const map = body.angle_analyses![0]!.change_map!;
    const registration = body.angle_analyses![0]!.registration!;
    const cases: [object, string][] = [
      [front({ change_method: 'guess' }), 'angle_analyses.0.change_method'],
      [front({ change_map: { ...map, cells: map.cells.slice(1) } }), 'angle_analyses.0.change_map.cells'],
      [front({ change_map: { ...map, cells: [...map.cells, 0] } }), 'angle_analyses.0.change_map.cells'],
      [
        front({ change_map: { ...map, cells: [256, ...map.cells.slice(1)] } }),
        'angle_analyses.0.change_map.cells.0',
      ],
      [
        front({ change_map: { ...map, cells: [-1, ...map.cells.slice(1)] } }),
        'angle_analyses.0.change_map.cells.0',
      ],
      [
        front({ change_map: { ...map, cells: [0.5, ...map.cells.slice(1)] } }),
        'angle_analyses.0.change_map.cells.0',
      ],
      [front({ change_map: { rows: 0, cols: 14, cells: [] } }), 'angle_analyses.0.change_map.rows'],
      [
        front({ change_map: { rows: 65, cols: 1, cells: Array<number>(65).fill(0) } }),
        'angle_analyses.0.change_map.rows',
      ],
      [front({ change_map: { rows: 14, cols: 14.5, cells: map.cells } }), 'angle_analyses.0.change_map.cols'],
      [front({ changed_area_fraction: 1.01 }), 'angle_analyses.0.changed_area_fraction'],
      [front({ changed_area_fraction: -0.1 }), 'angle_analyses.0.changed_area_fraction'],
      [
        front({ registration: { ...registration, method: 'by_eye' } }),
        'angle_analyses.0.registration.method',
      ],
      [
        front({ registration: { ...registration, ecc_correlation: 1.5 } }),
        'angle_analyses.0.registration.ecc_correlation',
      ],
      [front({ registration: { ...registration, inliers: -3 } }), 'angle_analyses.0.registration.inliers'],
      [front({ registration: { ...registration, overlap: 2 } }), 'angle_analyses.0.registration.overlap'],
      [
        front({ registration: { ...registration, hint: 'x'.repeat(MAX_ANALYSIS_TEXT + 1) } }),
        'angle_analyses.0.registration.hint',
      ],
      [
        front({ registration: { ...registration, reference_session_id: '../other' } }),
        'angle_analyses.0.registration.reference_session_id',
      ],
      [
        front({ noise_floor: { synthetic: 1.5, real: 0, delta_e: 2 } }),
        'angle_analyses.0.noise_floor.synthetic',
      ],
      [
        front({ noise_floor: { synthetic: 4, real: 0, delta_e: -2000 } }),
        'angle_analyses.0.noise_floor.delta_e',
      ],
      [front({ noise_floor: { synthetic: 4, real: 0 } }), 'angle_analyses.0.noise_floor.delta_e'],
      [
        front({ references: [{ session_id: 's', raw_delta_e: 1e6 }] }),
        'angle_analyses.0.references.0.raw_delta_e',
      ],
      [
        front({
          references: Array.from({ length: MAX_REFERENCES + 1 }, (_, i) => ({
            session_id: `s${i}`,
            raw_delta_e: 1,
          })),
        }),
        'angle_analyses.0.references',
      ],
      [
        {
          ...body,
          analysis: { ...body.analysis!, comparison_layers_used: ['registered_local_change', 'x'] },
        },
        'analysis.comparison_layers_used.1',
      ],
      [{ ...body, analysis: { ...body.analysis!, angle_aware_score: null } }, 'analysis.angle_aware_score'],
    ];
    for (const [payload, field] of cases) {
      const sessionId = newId();
      const response = await app.inject({
        method: 'PUT',
        url: API_PATHS.session(sessionId),
        headers: auth(p.token),
        payload,
      });
      expect(response.statusCode, field).toBe(400);
      expect(response.json().field, field).toBe(field);
      expect(response.json().message, field).toContain(field);
    }
    const [written] = await harness.store.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM angle_analysis WHERE participant_id = $1',
      [p.id],
    );
    expect(written!.n).toBe(0);

    // An earlier app's first session (analysis before bcd-2.0.0) may leave angle_aware_score null.
    const earlier = preChangeEngineBody(body);
    const accepted = await app.inject({
      method: 'PUT',
      url: API_PATHS.session(newId()),
      headers: auth(p.token),
      payload: earlier,
    });
    expect(accepted.statusCode).toBe(200);
  });

  it("404 for another participant's session, and for unknown routes", async () => {
    const owner = await participant(app);
    const other = await participant(app);
    const sessionId = newId();
    const body = sessionBody({ front: ['a'], left_side: [] });
    const own = await app.inject({
      method: 'PUT',
      url: API_PATHS.session(sessionId),
      headers: auth(owner.token),
      payload: body,
    });
    expect(own.statusCode).toBe(200);

    const takeover = await app.inject({
      method: 'PUT',
      url: API_PATHS.session(sessionId),
      headers: auth(other.token),
      payload: body,
    });
    expect(takeover.statusCode).toBe(404);
    const status = await app.inject({
      method: 'GET',
      url: API_PATHS.sessionStatus(sessionId),
      headers: auth(other.token),
    });
    expect(status.statusCode).toBe(404);
    expect((await putImage(app, other.token, sessionId, 'a', clean)).statusCode).toBe(404);
    expect((await putImage(app, owner.token, newId(), 'a', clean)).statusCode).toBe(404);
    expect(
      (await app.inject({ method: 'GET', url: '/api/nothing-here', headers: auth(owner.token) })).statusCode,
    ).toBe(404);
  });

  it('409 when an image id is reused for other bytes or another angle', async () => {
    const p = await participant(app);
    const sessionId = newId();
    await app.inject({
      method: 'PUT',
      url: API_PATHS.session(sessionId),
      headers: auth(p.token),
      payload: sessionBody({ front: ['a'], left_side: [] }),
    });
    expect((await putImage(app, p.token, sessionId, 'a', clean)).statusCode).toBe(200);
    const otherBytes = await cleanJpeg('exif/orient-3.jpg');
    const replaced = await putImage(app, p.token, sessionId, 'a', otherBytes);
    expect(replaced.statusCode).toBe(409);
    expect(replaced.json().field).toBe('x-sha256');
    const otherAngle = await putImage(app, p.token, sessionId, 'a', clean, { angle: 'left_side' });
    expect(otherAngle.statusCode).toBe(409);
  });

  it('413 for a body or an image over the configured size', async () => {
    const p = await participant(strict);
    const sessionId = newId();
    const big = sessionBody({ front: ['a'], left_side: [] });
    big.embeddings = Array.from({ length: 40 }, (_, i) => ({
      kind: 'angle' as const,
      model_id: MODEL_ID,
      angle: `angle_${i}`,
      vector: unitVector(i, 0.123456789),
    }));
    const tooBig = await strict.inject({
      method: 'PUT',
      url: API_PATHS.session(sessionId),
      headers: auth(p.token),
      payload: big,
    });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error).toBe('payload_too_large');

    const small = sessionBody({ front: ['a'], left_side: [] });
    delete small.embeddings;
    delete small.angle_analyses;
    delete small.analysis;
    expect(
      (
        await strict.inject({
          method: 'PUT',
          url: API_PATHS.session(sessionId),
          headers: auth(p.token),
          payload: small,
        })
      ).statusCode,
    ).toBe(200);
    const large = await cleanJpeg('kphotoalbum__wayne.jpg');
    expect(large.byteLength).toBeGreaterThan(60000);
    const tooLarge = await putImage(strict, p.token, sessionId, 'a', large);
    expect(tooLarge.statusCode).toBe(413);
  });

  it('415 for an image type the server does not take', async () => {
    const p = await participant(app);
    const sessionId = newId();
    await app.inject({
      method: 'PUT',
      url: API_PATHS.session(sessionId),
      headers: auth(p.token),
      payload: sessionBody({ front: ['a'], left_side: [] }),
    });
    const gif = await putImage(app, p.token, sessionId, 'a', clean, { contentType: 'image/gif' });
    expect(gif.statusCode).toBe(415);
  });

  it('422 for any image still carrying metadata, or bytes that are not the declared image', async () => {
    const p = await participant(app);
    const sessionId = newId();
    await app.inject({
      method: 'PUT',
      url: API_PATHS.session(sessionId),
      headers: auth(p.token),
      payload: sessionBody({ front: ['a'], left_side: [] }),
    });
    const refused: [string, Uint8Array, string][] = [
      ['EXIF with GPS', await photo('exif/gps.jpg'), 'image/jpeg'],
      ['GPS in XMP only', await photo('exif/gps-xmp.jpg'), 'image/jpeg'],
      ['JPEG comment', await photo('opencv-doc__baboon.jpg'), 'image/jpeg'],
      ['PNG text chunks', await photo('python3-skimage__astronaut.png'), 'image/png'],
      ['PNG bytes declared as JPEG', await photo('python3-skimage__coffee.png'), 'image/jpeg'],
      ['truncated JPEG', clean.subarray(0, 2000), 'image/jpeg'],
      ['random bytes', new Uint8Array(1000).fill(7), 'image/jpeg'],
    ];
    for (const [label, bytes, contentType] of refused) {
      const response = await putImage(app, p.token, sessionId, 'a', bytes, { contentType });
      expect(response.statusCode, label).toBe(422);
      expect(response.json().error, label).toBe('image_refused');
    }
    const gps = await putImage(app, p.token, sessionId, 'a', await photo('exif/gps.jpg'));
    expect(gps.json().message).toMatch(/exif/);
  });

  it('429 with Retry-After over the daily limit, counted per participant', async () => {
    const heavy = await participant(strict);
    const light = await participant(strict);
    const upload = (token: string) =>
      strict.inject({
        method: 'POST',
        url: API_PATHS.feedback,
        headers: auth(token),
        payload: { feedback_id: newId(), kind: 'other', created_at: new Date().toISOString() },
      });
    for (let i = 0; i < 3; i++) expect((await upload(heavy.token)).statusCode).toBe(200);
    const limited = await upload(heavy.token);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toBe('daily_limit_reached');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect((await upload(light.token)).statusCode).toBe(200);
    // Reading is not limited.
    expect(
      (
        await strict.inject({
          method: 'GET',
          url: API_PATHS.sessionStatus('none'),
          headers: auth(heavy.token),
        })
      ).statusCode,
    ).toBe(404);
  });

  it('CORS only for the configured app origin', async () => {
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: API_PATHS.session('s'),
        headers: {
          origin,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'authorization',
        },
      });
    const allowed = await preflight('http://app.test');
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://app.test');
    const refused = await preflight('http://elsewhere.test');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    const sameOriginOnly = await strict.inject({
      method: 'GET',
      url: API_PATHS.health,
      headers: { origin: 'http://app.test' },
    });
    expect(sameOriginOnly.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('never answers 500 to bad input', async () => {
    const p = await participant(app);
    const sessionId = newId();
    await app.inject({
      method: 'PUT',
      url: API_PATHS.session(sessionId),
      headers: auth(p.token),
      payload: sessionBody({ front: ['a'], left_side: [] }),
    });
    const requests: InjectOptions[] = [
      {
        method: 'PUT',
        url: API_PATHS.session(sessionId),
        payload: '[]',
        headers: { 'content-type': 'application/json' },
      },
      {
        method: 'PUT',
        url: API_PATHS.session(sessionId),
        payload: 'null',
        headers: { 'content-type': 'application/json' },
      },
      {
        method: 'PUT',
        url: API_PATHS.session(sessionId),
        payload: 'x',
        headers: { 'content-type': 'text/plain' },
      },
      { method: 'PUT', url: API_PATHS.session(sessionId) },
      {
        method: 'PUT',
        url: API_PATHS.session(sessionId),
        payload: { captured_at: 1e308, angles_expected: 'front' },
      },
      ...changeEngineFuzz(sessionId),
      { method: 'PUT', url: API_PATHS.consent, payload: { version: 'v'.repeat(10_000), scopes: [] } },
      { method: 'POST', url: API_PATHS.logs, payload: { entries: [] } },
      { method: 'POST', url: API_PATHS.feedback, payload: { feedback_id: '../../etc', kind: 'x' } },
      {
        method: 'PUT',
        url: API_PATHS.image(sessionId, 'a'),
        headers: {
          'content-type': 'image/jpeg',
          'x-angle': 'front',
          'x-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        },
      },
      {
        method: 'PUT',
        url: API_PATHS.image(sessionId, 'a'),
        payload: Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff]),
        headers: { 'content-type': 'image/jpeg', 'x-angle': 'FRONT', 'x-sha256': 'x' },
      },
    ];
    for (const request of requests) {
      const response = await app.inject({ ...request, headers: { ...auth(p.token), ...request.headers } });
      expect(response.statusCode, `${request.method} ${request.url}`).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, `${request.method} ${request.url}`).toBeLessThan(500);
    }
  });

  it('serves a static PWA root, cross-origin isolated, with index.html for client-side routes, keeping API 404s', async () => {
    const root = path.join(harness.dataDir, 'pwa');
    await mkdir(root, { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>BCD</title>');
    await writeFile(path.join(root, 'app.js'), 'console.log(1)');
    const withPwa = await buildApp({
      config: testConfig(harness.dataDir),
      store: harness.store,
      staticRoot: root,
      logger: false,
    });
    try {
      const page = await withPwa.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<title>BCD</title>');
      // onnxruntime-web's WASM threads need SharedArrayBuffer, which only a cross-origin isolated page gets.
      expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(page.headers['cross-origin-embedder-policy']).toBe('require-corp');
      expect((await withPwa.inject({ method: 'GET', url: '/app.js' })).body).toBe('console.log(1)');
      const route = await withPwa.inject({
        method: 'GET',
        url: '/history/123',
        headers: { accept: 'text/html' },
      });
      expect(route.body).toContain('<title>BCD</title>');
      expect(route.headers['cross-origin-embedder-policy']).toBe('require-corp');
      const api = await withPwa.inject({
        method: 'GET',
        url: '/api/unknown',
        headers: { accept: 'text/html' },
      });
      expect(api.statusCode).toBe(404);
    } finally {
      await withPwa.close();
    }
  });
});
