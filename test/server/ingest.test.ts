import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSessionRecord } from '../../server/repositories/session-record.ts';
import { fromVectorLiteral, nearestEmbeddings } from '../../server/repositories/embeddings.ts';
import { vectorBody } from '../../src/app/sync/payloads.ts';
import { API_PATHS, type AngleAnalysisBody } from '../../src/sync/contract.ts';
import {
  expectedChangeColumns,
  appOn,
  auth,
  awkwardUnitVector,
  cleanJpeg,
  DIMS,
  MODEL_ID,
  newId,
  openTestStore,
  participant,
  photo,
  preChangeEngineBody,
  putImage,
  sameFloat32Bits,
  sessionBody,
  sha256,
  unitVector,
} from './helpers.ts';
import { SERVER_TABLES } from '../support/server-tables.ts';

/** Rows, vectors and images as stored, against the real embedded database and image folder. */
describe('sync server ingest (embedded store)', () => {
  let harness: Awaited<ReturnType<typeof openTestStore>>;
  let app: FastifyInstance;

  const countRows = async (participantId: string) => {
    const counts: Record<string, number> = {};
    for (const table of SERVER_TABLES) {
      const column = table === 'participants' ? 'id' : 'participant_id';
      const [row] = await harness.store.database.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`,
        [participantId],
      );
      counts[table] = row!.n;
    }
    return counts;
  };

  const putSession = (token: string, sessionId: string, body: object) =>
    app.inject({ method: 'PUT', url: API_PATHS.session(sessionId), headers: auth(token), payload: body });

  beforeAll(async () => {
    harness = await openTestStore();
    app = await appOn(harness.store, harness.dataDir);
  });

  afterAll(async () => {
    await app?.close();
    await harness?.close();
  });

  it('stores a session once however often it is retried', async () => {
    const p = await participant(app);
    const sessionId = newId();
    const body = sessionBody({ front: ['f1', 'f2'], left_side: ['l1'] });
    const first = await putSession(p.token, sessionId, body);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      created: true,
      images_recorded: 3,
      analysis_recorded: true,
      angle_analyses_recorded: 2,
      embeddings_stored: 6,
      embeddings_unchanged: 0,
    });
    const afterFirst = await countRows(p.id);
    const [original] = await harness.store.database.query<{ created_at: Date }>(
      `SELECT created_at FROM embeddings WHERE session_id = $1 AND kind = 'session'`,
      [sessionId],
    );
    const createdAt = original!.created_at;

    const retry = await putSession(p.token, sessionId, body);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ created: false, embeddings_stored: 0, embeddings_unchanged: 6 });
    expect(await countRows(p.id)).toEqual(afterFirst);
    expect(afterFirst).toMatchObject({
      sessions: 1,
      images: 3,
      session_analysis: 1,
      angle_analysis: 2,
      embeddings: 6,
      consents: 1,
      participants: 1,
    });

    // A changed vector (re-embedded) updates its row in place and keeps its provenance time.
    const changed = structuredClone(body);
    changed.embeddings![5]!.vector = unitVector(3, 0.5);
    expect((await putSession(p.token, sessionId, changed)).json()).toMatchObject({
      embeddings_stored: 1,
      embeddings_unchanged: 5,
    });
    expect(await countRows(p.id)).toEqual(afterFirst);
    const [row] = await harness.store.database.query<{
      created_at: Date;
      updated_at: Date;
      idempotency_hash: string;
    }>(
      `SELECT created_at, updated_at, idempotency_hash FROM embeddings WHERE session_id = $1 AND kind = 'session'`,
      [sessionId],
    );
    expect(row!.created_at).toEqual(createdAt);
    expect(row!.idempotency_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("stores the change engine's per-angle fields as sent, and an earlier app's analysis without them", async () => {
    const p = await participant(app);
    const changeColumns = (sessionId: string) =>
      harness.store.database.query(
        `SELECT a.analysis_version, s.angle_aware_score, s.comparison_layers_used, a.angle, a.change_method,
                a.change_map_rows, a.change_map_cols, a.change_map_cells, a.changed_area_fraction, a.registration,
                a.noise_floor, a.reference_comparisons
         FROM angle_analysis a JOIN session_analysis s USING (session_id, model_id, analysis_version)
         WHERE a.session_id = $1 ORDER BY a.angle`,
        [sessionId],
      );
    const current = newId();
    const body = sessionBody({ front: ['f1'], left_side: ['l1'] });
    expect((await putSession(p.token, current, body)).statusCode).toBe(200);
    expect(await changeColumns(current)).toEqual(
      expectedChangeColumns(body).map((columns) => ({
        analysis_version: 'bcd-2.0.0',
        angle_aware_score: 0.1,
        comparison_layers_used: ['registered_local_change', 'angle_embedding', 'session_embedding'],
        ...columns,
      })),
    );

    // A retry with a re-analysis (another reference aligned) replaces the fields in place.
    const reanalysed = structuredClone(body);
    const side = reanalysed.angle_analyses![1]!;
    Object.assign(side, {
      change_method: 'registered_local_change',
      change_map: { rows: 2, cols: 3, cells: [0, 1, 2, 254, 255, 9] },
      changed_area_fraction: 0.2,
      registration: { ...side.registration!, method: 'features_homography', inliers: 87, overlap: 0.8 },
      noise_floor: { synthetic: 12, real: 3, delta_e: 2.5 },
    });
    expect((await putSession(p.token, current, reanalysed)).statusCode).toBe(200);
    const [, left] = await changeColumns(current);
    expect(left).toMatchObject({
      change_method: 'registered_local_change',
      change_map_rows: 2,
      change_map_cols: 3,
      change_map_cells: [0, 1, 2, 254, 255, 9],
      changed_area_fraction: 0.2,
      registration: {
        method: 'features_homography',
        inliers: 87,
        failure: body.angle_analyses![1]!.registration!.failure,
      },
      noise_floor: { synthetic: 12, real: 3, delta_e: 2.5 },
    });
    expect(await countRows(p.id)).toMatchObject({ session_analysis: 1, angle_analysis: 2 });

    const earlier = newId();
    expect((await putSession(p.token, earlier, preChangeEngineBody(body))).statusCode).toBe(200);
    const legacy = await changeColumns(earlier);
    expect(legacy.map((row) => row.angle)).toEqual(['front', 'left_side']);
    for (const row of legacy) {
      const { analysis_version, angle_aware_score, comparison_layers_used, angle, ...change } = row;
      expect({ analysis_version, angle_aware_score, comparison_layers_used, angle }).toMatchObject({
        analysis_version: 'bcd-1.0.0',
        angle_aware_score: null,
        comparison_layers_used: ['angle_embedding', 'session_embedding'],
      });
      expect(Object.values(change).every((value) => value === null)).toBe(true);
    }

    // The table's constraints hold for writers that skip the contract.
    const session = {
      id: current,
      participantId: p.id,
      capturedAt: body.captured_at,
      anglesExpected: body.angles_expected,
      imagesExpected: body.images_expected,
    };
    const front = body.angle_analyses![0]!;
    const refused: Partial<AngleAnalysisBody>[] = [
      { change_map: { rows: 2, cols: 2, cells: [1, 2, 3] } },
      { change_map: { rows: 1, cols: 2, cells: [1, 256] } },
      { change_map: { rows: 65, cols: 1, cells: Array<number>(65).fill(0) } },
      { change_method: 'guess' as 'angle_embedding' },
      { changed_area_fraction: 1.5 },
      { registration: { ...front.registration!, method: 'by_eye' as 'failed' } },
      { references: { session_id: 's' } as unknown as [] },
    ];
    for (const fields of refused) {
      await expect(
        writeSessionRecord(harness.store.database, {
          session,
          images: [],
          analysis: { session: body.analysis!, angles: [{ ...front, ...fields }] },
        }),
        JSON.stringify(fields).slice(0, 80),
      ).rejects.toThrow(/check constraint/);
    }
  });

  it('stores an image once, checks its sha256 and keeps the exact bytes', async () => {
    const p = await participant(app);
    const sessionId = newId();
    await putSession(p.token, sessionId, sessionBody({ front: ['f1'], left_side: [] }));
    const bytes = await cleanJpeg();
    const first = await putImage(app, p.token, sessionId, 'f1', bytes);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ stored: true, sha256: sha256(bytes), byte_size: bytes.byteLength });
    const retry = await putImage(app, p.token, sessionId, 'f1', bytes);
    expect(retry.json()).toMatchObject({ stored: false });
    const rows = await harness.store.database.query<{
      storage_path: string;
      sha256: string;
      image_quality_score: number;
    }>('SELECT storage_path, sha256, image_quality_score FROM images WHERE session_id = $1', [sessionId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.image_quality_score).toBe(0.8);
    expect(rows[0]!.storage_path).toMatch(new RegExp(`^${p.id}/${sessionId}/f1\\.[0-9a-f]{16}\\.jpg$`));
    const stored = await harness.store.images.get(rows[0]!.storage_path);
    expect(sha256(stored)).toBe(sha256(bytes));
  });

  it('reports sync status: processing, failed after a refused image, completed when all arrived', async () => {
    const p = await participant(app);
    const sessionId = newId();
    const status = async () =>
      (
        await app.inject({ method: 'GET', url: API_PATHS.sessionStatus(sessionId), headers: auth(p.token) })
      ).json();
    await putSession(p.token, sessionId, sessionBody({ front: ['f1'], left_side: ['l1'] }));
    expect(await status()).toMatchObject({
      status: 'processing',
      images_expected: 2,
      images_received: 0,
      analysis_received: true,
      embeddings: 5,
      error: null,
    });
    await putImage(app, p.token, sessionId, 'f1', await cleanJpeg());
    const gps = await putImage(app, p.token, sessionId, 'l1', await photo('exif/gps.jpg'), {
      angle: 'left_side',
    });
    expect(gps.statusCode).toBe(422);
    const failed = await status();
    expect(failed).toMatchObject({ status: 'failed', images_received: 1 });
    expect(failed.error).toContain('l1');
    await putImage(app, p.token, sessionId, 'l1', await cleanJpeg('exif/orient-6.jpg'), {
      angle: 'left_side',
    });
    expect(await status()).toMatchObject({ status: 'completed', images_received: 2, error: null });
  });

  it('keeps logs and feedback once per client id', async () => {
    const p = await participant(app);
    const entries = [
      {
        log_id: 'log-1',
        session_id: 's',
        created_at: '2025-03-01T10:00:00Z',
        level: 'info',
        backend: 'wasm',
        model_id: MODEL_ID,
        stage_timings_ms: { decode: 12.5, embed: 80 },
        confidence: 0.7,
        errors: [],
      },
      {
        log_id: 'log-2',
        created_at: '2025-03-01T10:00:01Z',
        level: 'error',
        stage_timings_ms: {},
        errors: ['decode failed'],
      },
    ];
    const post = (url: string, payload: object) =>
      app.inject({ method: 'POST', url, headers: auth(p.token), payload });
    expect((await post(API_PATHS.logs, { entries })).json()).toEqual({ received: 2, stored: 2 });
    expect((await post(API_PATHS.logs, { entries })).json()).toEqual({ received: 2, stored: 0 });
    const flag = {
      feedback_id: 'fb-1',
      session_id: 's',
      image_id: 'f1',
      kind: 'bad_photo',
      created_at: '2025-03-01T10:00:00Z',
    };
    expect((await post(API_PATHS.feedback, flag)).json()).toEqual({ received: 1, stored: 1 });
    expect((await post(API_PATHS.feedback, flag)).json()).toEqual({ received: 1, stored: 0 });
    expect(await countRows(p.id)).toMatchObject({ analysis_logs: 2, feedback: 1 });
  });

  it('changes consent by closing the old record; the same consent again changes nothing', async () => {
    const p = await participant(app, ['sessions']);
    const put = (payload: object) =>
      app.inject({ method: 'PUT', url: API_PATHS.consent, headers: auth(p.token), payload });
    const again = await put({ version: 'consent-v1', scopes: ['sessions'] });
    expect(again.statusCode).toBe(200);
    const widened = await put({ version: 'consent-v2', scopes: ['sessions', 'images'] });
    expect(widened.json()).toMatchObject({ version: 'consent-v2', scopes: ['sessions', 'images'] });
    const rows = await harness.store.database.query<{ consent_version: string; withdrawn_at: Date | null }>(
      'SELECT consent_version, withdrawn_at FROM consents WHERE participant_id = $1 ORDER BY id',
      [p.id],
    );
    expect(rows.map((r) => [r.consent_version, r.withdrawn_at === null])).toEqual([
      ['consent-v1', false],
      ['consent-v2', true],
    ]);
  });

  /** Stores three sessions through `on`; returns their participant and the 3 image vectors nearest a query. */
  const threeSessionsAndTheirNearest = async (on: FastifyInstance, query: number[]) => {
    const p = await participant(on);
    for (const [i, sessionId] of [newId(), newId(), newId()].entries()) {
      const response = await on.inject({
        method: 'PUT',
        url: API_PATHS.session(sessionId),
        headers: auth(p.token),
        payload: sessionBody({ front: [`f${i}`], left_side: [`l${i}`] }, i * 2),
      });
      expect(response.statusCode).toBe(200);
    }
    const stored = await harness.store.database.query<{ id: number; embedding: string }>(
      `SELECT id::int AS id, embedding::text AS embedding FROM embeddings WHERE participant_id = $1 AND kind = 'image'`,
      [p.id],
    );
    const cosineDistance = (text: string) =>
      1 - [...fromVectorLiteral(text)].reduce((sum, x, i) => sum + x * query[i]!, 0);
    const expected = stored
      .map((row) => ({ id: row.id, d: cosineDistance(row.embedding) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 3);
    const neighbours = await nearestEmbeddings(harness.store.database, {
      modelId: MODEL_ID,
      query: Float32Array.from(query),
      k: 3,
      participantId: p.id,
      kind: 'image',
    });
    return { neighbours, expected };
  };

  const hnswIndexes = () =>
    harness.store.database.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'embeddings' AND indexdef LIKE '%hnsw%'`,
    );

  /** The plan of a nearest-neighbour query with sequential scans discouraged, so an index is used if one fits. */
  const nearestPlan = (query: number[]) =>
    harness.store.database.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const plan = await tx.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id FROM embeddings WHERE dimensions = ${DIMS} AND model_id = $1
         ORDER BY embedding::vector(${DIMS}) <=> $2::vector(${DIMS}) LIMIT 3`,
        [MODEL_ID, `[${query.join(',')}]`],
      );
      return plan.map((row) => row['QUERY PLAN']).join('\n');
    });

  // Runs before the HNSW test below, which builds the index on this file's shared store.
  it('on the embedded default keeps no HNSW index and finds nearest neighbours by an exact scan', async () => {
    const query = unitVector(2, 0.12);
    const { neighbours, expected } = await threeSessionsAndTheirNearest(app, query);
    expect(neighbours.map((n) => n.embedding_id)).toEqual(expected.map((e) => e.id));
    neighbours.forEach((n, i) => expect(n.cosine_distance).toBeCloseTo(expected[i]!.d, 5));
    expect(await hnswIndexes()).toEqual([]);
    expect(await nearestPlan(query)).not.toContain('hnsw');
  });

  it('with EMBEDDING_INDEX=hnsw finds cosine nearest neighbours through the pgvector HNSW index', async () => {
    const indexed = await appOn(harness.store, harness.dataDir, { EMBEDDING_INDEX: 'hnsw' });
    try {
      const query = unitVector(2, 0.12);
      const { neighbours, expected } = await threeSessionsAndTheirNearest(indexed, query);
      expect(neighbours.map((n) => n.embedding_id)).toEqual(expected.map((e) => e.id));
      neighbours.forEach((n, i) => expect(n.cosine_distance).toBeCloseTo(expected[i]!.d, 5));
      expect(await hnswIndexes()).toEqual([
        expect.objectContaining({
          indexname: `embeddings_hnsw_cosine_${DIMS}`,
          indexdef: expect.stringContaining('vector_cosine_ops'),
        }),
      ]);
      expect(await nearestPlan(query)).toContain(`embeddings_hnsw_cosine_${DIMS}`);
    } finally {
      await indexed.close();
    }
  });

  it.each([
    ['vector_f32 (the app)', (v: number[]) => vectorBody(Float32Array.from(v))],
    ['numbers (earlier apps)', (v: number[]) => ({ vector: v })],
  ])('stores each vector sent as %s bit for bit, and finds it at cosine distance 0', async (_, form) => {
    const p = await participant(app);
    const sessionId = newId();
    const vector = awkwardUnitVector();
    const body = sessionBody({ front: [], left_side: [] });
    const response = await putSession(p.token, sessionId, {
      ...body,
      embeddings: [{ kind: 'session', model_id: MODEL_ID, ...form(vector) }],
    });
    expect(response.statusCode).toBe(200);
    const [row] = await harness.store.database.query<{ id: number; embedding: string }>(
      `SELECT id::int AS id, embedding::text AS embedding FROM embeddings WHERE session_id = $1`,
      [sessionId],
    );
    expect(sameFloat32Bits(fromVectorLiteral(row!.embedding), vector)).toBe(true);
    const [nearest] = await nearestEmbeddings(harness.store.database, {
      modelId: MODEL_ID,
      query: Float32Array.from(vector),
      k: 1,
      participantId: p.id,
    });
    expect(nearest?.embedding_id).toBe(row!.id);
    expect(nearest?.cosine_distance).toBeCloseTo(0, 6);
  });

  it('refuses a vector whose dimension is not the registered one of its model', async () => {
    const p = await participant(app);
    const response = await putSession(p.token, newId(), {
      ...sessionBody({ front: [], left_side: [] }),
      embeddings: [{ kind: 'session', model_id: MODEL_ID, vector: unitVector(0, 0, DIMS + 1) }],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().field).toBe('embeddings.0.vector');
  });

  it('withdrawal deletes every row and stored image of the participant, and says how many', async () => {
    const leaving = await participant(app);
    const staying = await participant(app);
    const sessionIds = [newId(), newId()];
    for (const [i, sessionId] of sessionIds.entries()) {
      await putSession(leaving.token, sessionId, sessionBody({ front: [`f${i}`], left_side: [`l${i}`] }));
      await putImage(app, leaving.token, sessionId, `f${i}`, await cleanJpeg());
      await putImage(app, leaving.token, sessionId, `l${i}`, await cleanJpeg('exif/orient-8.jpg'), {
        angle: 'left_side',
      });
    }
    await app.inject({
      method: 'POST',
      url: API_PATHS.feedback,
      headers: auth(leaving.token),
      payload: { feedback_id: 'x', kind: 'other', created_at: '2025-01-01T00:00:00Z' },
    });
    const stayingSession = newId();
    await putSession(staying.token, stayingSession, sessionBody({ front: ['f'], left_side: [] }));
    await putImage(app, staying.token, stayingSession, 'f', await cleanJpeg());
    const stayingBefore = await countRows(staying.id);
    const imagesDir = path.join(harness.dataDir, 'images');
    expect(existsSync(path.join(imagesDir, leaving.id))).toBe(true);

    const withdrawal = await app.inject({
      method: 'DELETE',
      url: API_PATHS.consent,
      headers: auth(leaving.token),
    });
    expect(withdrawal.statusCode).toBe(200);
    expect(withdrawal.json().deleted).toEqual({
      participants: 1,
      consents: 1,
      sessions: 2,
      images: 4,
      stored_images: 4,
      session_analyses: 2,
      angle_analyses: 4,
      embeddings: 10,
      analysis_logs: 0,
      feedback: 1,
    });
    expect(Object.values(await countRows(leaving.id)).every((n) => n === 0)).toBe(true);
    expect(existsSync(path.join(imagesDir, leaving.id))).toBe(false);
    expect(await readdir(imagesDir)).toContain(staying.id);
    expect(await countRows(staying.id)).toEqual(stayingBefore);

    const afterwards = await app.inject({
      method: 'GET',
      url: API_PATHS.sessionStatus(sessionIds[0]!),
      headers: auth(leaving.token),
    });
    expect(afterwards.statusCode).toBe(401);
  });
});
