import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { API_PATHS } from '../../src/sync/contract.ts';
import { appOn, auth, newId, openTestStore, participant, sessionBody, unitVector } from './helpers.ts';

const APP_MODEL = 'mobilenet_v2-nsfwjs';

/** A session body whose only vector is a session embedding of `modelId` with `dims` dimensions. */
function withVector(modelId: string, dims: number) {
  return {
    ...sessionBody({ front: [], left_side: [] }),
    embeddings: [{ kind: 'session' as const, model_id: modelId, vector: unitVector(0, 0.1, dims) }],
  };
}

/**
 * Finding 2 of issue 10: model ids and their dimensions are registered by the deployment (`EMBEDDING_MODELS`), so
 * one participant's 1-dimensional vector cannot fix the dimension of the app's model for everybody.
 */
describe('server-side model registry (embedded store)', () => {
  let harness: Awaited<ReturnType<typeof openTestStore>>;
  let app: FastifyInstance;

  beforeAll(async () => {
    harness = await openTestStore();
    // The default registry: the app's own model only.
    app = await appOn(harness.store, harness.dataDir, { EMBEDDING_MODELS: '' });
  });
  afterAll(async () => {
    await app.close();
    await harness.close();
  });

  const put = (token: string, body: object) =>
    app.inject({ method: 'PUT', url: API_PATHS.session(newId()), headers: auth(token), payload: body });

  it('defaults to the model the app ships, and reads id:dims lists', () => {
    expect([...loadConfig({}).embeddingModels]).toEqual([[APP_MODEL, 1280]]);
    expect([...loadConfig({ EMBEDDING_MODELS: 'a:3, b.c-d:2000' }).embeddingModels]).toEqual([
      ['a', 3],
      ['b.c-d', 2000],
    ]);
    expect(() => loadConfig({ EMBEDDING_MODELS: 'a:0' })).toThrow(/EMBEDDING_MODELS/);
    expect(() => loadConfig({ EMBEDDING_MODELS: 'a' })).toThrow(/EMBEDDING_MODELS/);
  });

  it("a squatter's 1-dim vector is refused and a real 1280-d upload of another participant is stored", async () => {
    const squatter = await participant(app);
    const squat = await put(squatter.token, withVector(APP_MODEL, 1));
    expect(squat.statusCode).toBe(400);
    expect(squat.json().field).toBe('embeddings.0.vector');
    expect(squat.json().message).toMatch(/1280 dimensions/);

    const honest = await participant(app);
    const real = await put(honest.token, withVector(APP_MODEL, 1280));
    expect(real.statusCode, real.body).toBe(200);
    expect(real.json().embeddings_stored).toBe(1);
  });

  it('refuses a model id the server does not register with 422 unknown_model, storing nothing', async () => {
    const p = await participant(app);
    const response = await put(p.token, withVector('my-own-model', 8));
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ error: 'unknown_model', field: 'embeddings.0.model_id' });
    expect(response.json().message).toMatch(/mobilenet_v2-nsfwjs \(1280\)/);
    const [row] = await harness.store.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM embeddings WHERE participant_id = $1',
      [p.id],
    );
    expect(row!.n).toBe(0);
  });
});
