import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { PGlite } from '@electric-sql/pglite';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { MIGRATIONS_DIR, MigrationError, runMigrations } from '../../server/db/migrate.ts';
import { openPglite } from '../../server/db/pglite.ts';
import { fromVectorLiteral, nearestEmbeddings } from '../../server/repositories/embeddings.ts';
import { openDataStore, type DataStore } from '../../server/store.ts';
import { API_PATHS } from '../../src/sync/contract.ts';
import { startFakeSupabase } from './fake-supabase.ts';
import {
  expectedChangeColumns,
  auth,
  awkwardUnitVector,
  cleanJpeg,
  DIMS,
  MODEL_ID,
  newId,
  putImage,
  sameFloat32Bits,
  sessionBody,
  sha256,
  tempDir,
  testConfig,
} from './helpers.ts';

const SERVICE_ROLE_KEY = 'service-role-key-for-the-supabase-mode-test';
const JWT_SECRET = 'legacy-jwt-secret-of-the-fake-project-32b';
const BUCKET = 'bcd-supabase-mode';

/**
 * Supabase mode as far as this machine allows: the SQL path through node-postgres to a Postgres wire-protocol
 * server on loopback (PGlite + pgvector behind @electric-sql/pglite-socket, with Supabase's `auth` schema,
 * `auth.uid()` and `authenticated` role recreated so the row-level-security migration runs), Storage through
 * supabase-js against the loopback fake, and Supabase-style access tokens (HS256 secret, or ES256 via JWKS).
 */
describe('Supabase mode (Postgres wire protocol + Storage fake)', () => {
  let pglite: PGlite;
  let socket: PGLiteSocketServer;
  let fake: Awaited<ReturnType<typeof startFakeSupabase>>;
  /** The one stored object whose key starts with `prefix` (image paths carry an upload id: `<image>.<upload>.jpg`). */
  let objectKey: (prefix: string) => string | undefined;
  let store: DataStore;
  let app: FastifyInstance;
  let databaseUrl: string;
  let dataDir: Awaited<ReturnType<typeof tempDir>>;
  let env: Record<string, string>;

  const supabaseToken = (sub: string, claims: Record<string, unknown> = {}, issuer = `${fake.url}/auth/v1`) =>
    new SignJWT({ role: 'authenticated', is_anonymous: true, ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setIssuer(issuer)
      .setAudience(String(claims.aud ?? 'authenticated'))
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(JWT_SECRET));

  const withClient = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  const enrolAndConsent = async () => {
    const id = newId();
    const token = await supabaseToken(id);
    const consent = await app.inject({
      method: 'PUT',
      url: API_PATHS.consent,
      headers: auth(token),
      // `faces`: the test photos show people, and what is tested here is where their bytes go, not the face check.
      payload: { version: 'consent-v1', scopes: ['sessions', 'images', 'embeddings', 'faces'] },
    });
    expect(consent.statusCode).toBe(200);
    return { id, token };
  };

  beforeAll(async () => {
    ({ pglite } = await openPglite(null));
    // What a Supabase database provides before any migration of ours runs.
    await pglite.exec(`
      CREATE ROLE authenticated NOLOGIN;
      CREATE SCHEMA auth;
      CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE
        AS $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;
      GRANT USAGE ON SCHEMA auth TO authenticated;
    `);
    socket = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 32 });
    await socket.start();
    databaseUrl = `postgres://postgres@${socket.getServerConn()}/postgres`;
    fake = await startFakeSupabase(SERVICE_ROLE_KEY);
    objectKey = (prefix) => [...fake.objects.keys()].find((key) => key.startsWith(prefix));
    dataDir = await tempDir('supabase');
    env = {
      SUPABASE_URL: fake.url,
      SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
      DATABASE_URL: databaseUrl,
      SUPABASE_JWT_SECRET: JWT_SECRET,
      SUPABASE_STORAGE_BUCKET: BUCKET,
    };
    store = await openDataStore(testConfig(dataDir.dir, env));
    app = await buildApp({ config: testConfig(dataDir.dir, env), store, logger: false });
    // Supabase's default privileges grant the API roles access to new tables; RLS is what restricts them.
    await withClient((client) =>
      client.query('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO authenticated'),
    );
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await socket?.stop();
    await pglite?.close();
    await fake?.close();
    await dataDir?.remove();
  });

  it('runs the same migrations over the wire, records them, and adds row-level security', async () => {
    expect(store.mode).toBe('supabase');
    const applied = await withClient(async (client) => {
      const migrations = await client.query('SELECT filename FROM schema_migrations ORDER BY filename');
      const policies = await client.query(
        `SELECT tablename FROM pg_policies WHERE schemaname = 'public' ORDER BY 1`,
      );
      const secured = await client.query(
        `SELECT relname FROM pg_class WHERE relrowsecurity AND relnamespace = 'public'::regnamespace ORDER BY 1`,
      );
      return { migrations: migrations.rows, policies: policies.rows, secured: secured.rows };
    });
    expect(applied.migrations.map((row) => row.filename)).toEqual([
      '0001_participants_consents.sql',
      '0002_sessions_images.sql',
      '0003_analyses.sql',
      '0004_embeddings.sql',
      '0005_logs_feedback.sql',
      '0006_row_level_security.sql',
      '0007_angle_change_engine.sql',
      '0008_refresh_tokens.sql',
      '0009_image_faces.sql',
    ]);
    expect(applied.policies.map((row) => row.tablename)).toEqual([
      'analysis_logs',
      'angle_analysis',
      'consents',
      'embeddings',
      'feedback',
      'images',
      'participants',
      'session_analysis',
      'sessions',
    ]);
    expect(applied.secured.map((row) => row.relname)).toContain('schema_migrations');

    expect(await runMigrations(store.database)).toMatchObject({ applied: [], skipped: expect.any(Array) });
  });

  it('refuses to run when an applied migration file was edited', async () => {
    const copy = path.join(dataDir.dir, 'migrations');
    await cp(MIGRATIONS_DIR, copy, { recursive: true });
    const file = path.join(copy, '0005_logs_feedback.sql');
    await writeFile(file, `${await readFile(file, 'utf8')}\n-- edited\n`);
    await expect(runMigrations(store.database, copy)).rejects.toThrow(MigrationError);
    await expect(runMigrations(store.database, copy)).rejects.toThrow(/0005_logs_feedback.sql changed/);
  });

  it('has no enrolment route: participants sign in with Supabase Auth', async () => {
    expect((await app.inject({ method: 'POST', url: API_PATHS.participants })).statusCode).toBe(404);
    const health = await app.inject({ method: 'GET', url: API_PATHS.health });
    expect(health.json()).toMatchObject({ mode: 'supabase' });
    expect((await app.inject({ method: 'GET', url: API_PATHS.ready })).json()).toMatchObject({
      status: 'ok',
    });
  });

  it('refuses tokens with the wrong audience, issuer or no subject (anon key)', async () => {
    const id = newId();
    const tokens = [
      await supabaseToken(id, { aud: 'anon' }),
      await supabaseToken(id, {}, 'http://elsewhere.test/auth/v1'),
      await new SignJWT({ role: 'anon' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(`${fake.url}/auth/v1`)
        .setAudience('authenticated')
        .sign(new TextEncoder().encode(JWT_SECRET)),
    ];
    for (const token of tokens) {
      const response = await app.inject({
        method: 'PUT',
        url: API_PATHS.consent,
        headers: auth(token),
        payload: { version: 'v', scopes: ['sessions'] },
      });
      expect(response.statusCode).toBe(401);
    }
  });

  it('stores rows in Postgres and images in the Storage bucket, idempotently', async () => {
    const p = await enrolAndConsent();
    const sessionId = newId();
    const sessionVector = awkwardUnitVector();
    const plain = sessionBody({ front: ['f1'], left_side: ['l1'] });
    const body = {
      ...plain,
      embeddings: plain.embeddings!.map((e) => (e.kind === 'session' ? { ...e, vector: sessionVector } : e)),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await app.inject({
        method: 'PUT',
        url: API_PATHS.session(sessionId),
        headers: auth(p.token),
        payload: body,
      });
      expect(response.statusCode).toBe(200);
    }
    const front = await cleanJpeg();
    const side = await cleanJpeg('exif/orient-6.jpg');
    for (let attempt = 0; attempt < 2; attempt++) {
      expect((await putImage(app, p.token, sessionId, 'f1', front)).statusCode).toBe(200);
      expect((await putImage(app, p.token, sessionId, 'l1', side, { angle: 'left_side' })).statusCode).toBe(
        200,
      );
    }
    const status = await app.inject({
      method: 'GET',
      url: API_PATHS.sessionStatus(sessionId),
      headers: auth(p.token),
    });
    expect(status.json()).toMatchObject({ status: 'completed', images_received: 2, embeddings: 5 });

    const object = fake.objects.get(objectKey(`${BUCKET}/${p.id}/${sessionId}/f1.`)!);
    expect(object?.contentType).toBe('image/jpeg');
    expect(sha256(object!.bytes)).toBe(sha256(front));
    const uploads = fake.requests.filter(
      (r) => r.method === 'POST' && r.path.startsWith(`/object/${BUCKET}/${p.id}/`),
    );
    expect(uploads).toHaveLength(2);

    const counts = await withClient(async (client) => {
      const result = await client.query(
        `SELECT (SELECT count(*)::int FROM sessions WHERE participant_id = $1) AS sessions,
                (SELECT count(*)::int FROM images WHERE participant_id = $1) AS images,
                (SELECT count(*)::int FROM embeddings WHERE participant_id = $1) AS embeddings`,
        [p.id],
      );
      return result.rows[0];
    });
    expect(counts).toEqual({ sessions: 1, images: 2, embeddings: 5 });

    // The change engine's fields come back over the wire (node-postgres types) as they were sent.
    const angles = await withClient(
      async (client) =>
        (
          await client.query(
            `SELECT angle, change_method, change_map_rows, change_map_cols, change_map_cells,
                    changed_area_fraction, registration, noise_floor, reference_comparisons
             FROM angle_analysis WHERE session_id = $1 ORDER BY angle`,
            [sessionId],
          )
        ).rows,
    );
    expect(angles).toEqual(expectedChangeColumns(body));

    const neighbours = await nearestEmbeddings(store.database, {
      modelId: MODEL_ID,
      query: Float32Array.from(sessionVector),
      k: 1,
      participantId: p.id,
      kind: 'session',
    });
    expect(neighbours[0]?.cosine_distance).toBeCloseTo(0, 6);
    // Supabase mode keeps pgvector's HNSW index by default (EMBEDDING_INDEX unset).
    const indexes = await withClient((client) =>
      client.query(
        `SELECT indexname FROM pg_indexes WHERE tablename = 'embeddings' AND indexdef LIKE '%hnsw%'`,
      ),
    );
    expect(indexes.rows).toEqual([{ indexname: `embeddings_hnsw_cosine_${DIMS}` }]);
    // node-postgres sends the vector in pgvector's binary form: it must arrive bit for bit.
    const stored = await withClient((client) =>
      client.query(
        `SELECT embedding::text AS embedding FROM embeddings WHERE session_id = $1 AND kind = 'session'`,
        [sessionId],
      ),
    );
    expect(sameFloat32Bits(fromVectorLiteral(stored.rows[0].embedding), sessionVector)).toBe(true);
  });

  it('row-level security: a signed-in participant reads only their own rows and writes none', async () => {
    const a = await enrolAndConsent();
    const b = await enrolAndConsent();
    for (const p of [a, b]) {
      await app.inject({
        method: 'PUT',
        url: API_PATHS.session(newId()),
        headers: auth(p.token),
        payload: sessionBody({ front: ['f'], left_side: [] }),
      });
    }
    const seen = await withClient(async (client) => {
      await client.query('BEGIN');
      try {
        await client.query('SET LOCAL ROLE authenticated');
        await client.query(`SELECT set_config('request.jwt.claim.sub', $1, true)`, [a.id]);
        const sessions = await client.query('SELECT DISTINCT participant_id FROM sessions');
        const embeddings = await client.query('SELECT DISTINCT participant_id FROM embeddings');
        const participants = await client.query('SELECT id FROM participants');
        const write = await client
          .query(
            `INSERT INTO sessions (id, participant_id, captured_at, angles_expected, images_expected)
             VALUES ('direct', $1, now(), '{}', 0)`,
            [a.id],
          )
          .then(
            () => 'written',
            (error: Error) => error.message,
          );
        return {
          sessions: sessions.rows,
          embeddings: embeddings.rows,
          participants: participants.rows,
          write,
        };
      } finally {
        await client.query('ROLLBACK');
      }
    });
    expect(seen.sessions).toEqual([{ participant_id: a.id }]);
    expect(seen.embeddings).toEqual([{ participant_id: a.id }]);
    expect(seen.participants).toEqual([{ id: a.id }]);
    expect(seen.write).toMatch(/row-level security/);
  });

  it('verifies tokens against the project JWKS when no JWT secret is configured', async () => {
    const { SUPABASE_JWT_SECRET: _secret, ...jwksEnv } = env;
    expect(_secret).toBe(JWT_SECRET);
    const jwksApp = await buildApp({ config: testConfig(dataDir.dir, jwksEnv), store, logger: false });
    try {
      const id = newId();
      const signed = await fake.signWithJwks({ role: 'authenticated' }, id);
      const ok = await jwksApp.inject({
        method: 'PUT',
        url: API_PATHS.consent,
        headers: auth(signed),
        payload: { version: 'v1', scopes: ['sessions'] },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().participant_id).toBe(id);
      const hs256 = await supabaseToken(id);
      expect(
        (await jwksApp.inject({ method: 'DELETE', url: API_PATHS.consent, headers: auth(hs256) })).statusCode,
      ).toBe(401);
      expect(fake.requests.some((r) => r.path === '/auth/v1/.well-known/jwks.json')).toBe(true);
    } finally {
      await jwksApp.close();
    }
  });

  it('withdrawal deletes the rows in Postgres and the objects in the bucket', async () => {
    const p = await enrolAndConsent();
    const sessionId = newId();
    await app.inject({
      method: 'PUT',
      url: API_PATHS.session(sessionId),
      headers: auth(p.token),
      payload: sessionBody({ front: ['f1'], left_side: [] }),
    });
    await putImage(app, p.token, sessionId, 'f1', await cleanJpeg());
    const key = objectKey(`${BUCKET}/${p.id}/${sessionId}/f1.`);
    expect(key).toMatch(/\/f1\.[0-9a-f]{16}\.jpg$/);
    const withdrawal = await app.inject({ method: 'DELETE', url: API_PATHS.consent, headers: auth(p.token) });
    expect(withdrawal.statusCode).toBe(200);
    expect(withdrawal.json().deleted).toMatchObject({
      participants: 1,
      sessions: 1,
      images: 1,
      stored_images: 1,
      embeddings: 4,
    });
    expect(fake.objects.has(key!)).toBe(false);
    const left = await withClient((client) =>
      client.query('SELECT count(*)::int AS n FROM sessions WHERE participant_id = $1', [p.id]),
    );
    expect(left.rows[0].n).toBe(0);
  });
});
