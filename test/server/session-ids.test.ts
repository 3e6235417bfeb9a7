import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadIds, withUploadIds } from '../../src/app/sync/upload-ids.ts';
import { API_PATHS } from '../../src/sync/contract.ts';
import { appOn, auth, openTestStore, participant, sessionBody } from './helpers.ts';

/**
 * Issue 10, a phone enrolled again: the server keys sessions by their id alone and refuses (404) an id another
 * participant holds, so a phone whose refresh was refused while its earlier participant still exists must send its
 * sessions under ids of the new participant (`uploadIds`). On the real embedded store (PGlite).
 */
describe('a phone enrolled again sends its sessions under the new participant’s ids', () => {
  let harness: Awaited<ReturnType<typeof openTestStore>>;
  let app: FastifyInstance;

  beforeAll(async () => {
    harness = await openTestStore();
    app = await appOn(harness.store, harness.dataDir);
  });
  afterAll(async () => {
    await app.close();
    await harness.close();
  });

  const put = (
    token: string,
    sessionId: string,
    body = sessionBody({ front: ['front__0'], left_side: [] }),
  ) => app.inject({ method: 'PUT', url: API_PATHS.session(sessionId), headers: auth(token), payload: body });
  const sessionsOf = async (participantId: string) =>
    (
      await harness.store.database.query<{ id: string }>(
        'SELECT id FROM sessions WHERE participant_id = $1 ORDER BY id',
        [participantId],
      )
    ).map((r) => r.id);

  it('refuses the earlier participant’s ids to the new one, and takes the new one’s own, idempotently', async () => {
    const earlier = await participant(app, ['sessions', 'embeddings']);
    const later = await participant(app, ['sessions', 'embeddings']);
    const local = ['0190f3c1-7a10-7cc1-9e2b-5d2a0f1e0a01', '0190f3c1-7a10-7cc1-9e2b-5d2a0f1e0a02'];
    for (const id of local) expect((await put(earlier.token, id)).statusCode).toBe(200);

    // What an enrolment without per-participant ids did: every session refused, for good.
    for (const id of local) expect((await put(later.token, id)).statusCode).toBe(404);

    const ids = uploadIds({ participant_id: later.id, session_ids: 'participant' });
    const first = await put(later.token, ids(local[0]!));
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ session_id: ids(local[0]!), created: true });
    expect((await put(later.token, ids(local[0]!))).json()).toMatchObject({ created: false });
    expect((await put(later.token, ids(local[1]!))).statusCode).toBe(200);

    expect(await sessionsOf(earlier.id)).toEqual([...local].sort());
    expect(await sessionsOf(later.id)).toEqual(local.map(ids).sort());
  });

  it('stores the baseline and reference sessions of an analysis under the participant’s own ids', async () => {
    const me = await participant(app, ['sessions', 'embeddings']);
    const ids = uploadIds({ participant_id: me.id, session_ids: 'participant' });
    const body = withUploadIds(sessionBody({ front: ['front__0'], left_side: ['left_side__0'] }), ids);
    expect((await put(me.token, ids('this-session'), body)).statusCode).toBe(200);
    const [analysis] = await harness.store.database.query<{ baseline_used: { session_ids: string[] } }>(
      'SELECT baseline_used FROM session_analysis WHERE participant_id = $1',
      [me.id],
    );
    expect(analysis?.baseline_used.session_ids).toEqual([ids('earlier-session')]);
    const angles = await harness.store.database.query<{
      registration: { reference_session_id: string } | null;
    }>("SELECT registration FROM angle_analysis WHERE participant_id = $1 AND angle = 'front'", [me.id]);
    expect(angles[0]?.registration?.reference_session_id).toBe(ids('earlier-session'));
  });
});
