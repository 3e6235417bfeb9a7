import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeUnconsented } from '../../server/services/purge-service.ts';
import { API_PATHS, HEADER_ENROLMENT_CODE } from '../../src/sync/contract.ts';
import { appOn, openTestStore, participant } from './helpers.ts';

/**
 * Finding 1 of issue 10 (enrolment half): enrolment is limited per IP address, can require a study's enrolment
 * code, and participants who never consent are purged after `UNCONSENTED_PURGE_HOURS`.
 */
describe('enrolment limits (embedded store)', () => {
  let harness: Awaited<ReturnType<typeof openTestStore>>;
  let limited: FastifyInstance;
  let closed: FastifyInstance;

  beforeAll(async () => {
    harness = await openTestStore();
    limited = await appOn(harness.store, harness.dataDir, { ENROLMENTS_PER_IP_PER_HOUR: '3' });
    closed = await appOn(harness.store, harness.dataDir, { ENROLMENT_CODE: 'study-2025-abc' });
  });
  afterAll(async () => {
    await limited.close();
    await closed.close();
    await harness.close();
  });

  const enrol = (app: FastifyInstance, remoteAddress: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: API_PATHS.participants, remoteAddress, headers });

  it('429 with Retry-After past the enrolments an IP address may make per hour; other addresses unaffected', async () => {
    for (let i = 0; i < 3; i++) expect((await enrol(limited, '203.0.113.7')).statusCode).toBe(201);
    const refused = await enrol(limited, '203.0.113.7');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toBe('enrolment_limit_reached');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(3600);
    expect((await enrol(limited, '198.51.100.1')).statusCode).toBe(201);
  });

  it('403 without the configured enrolment code, or with a wrong one; 201 with it', async () => {
    const without = await enrol(closed, '192.0.2.1');
    expect(without.statusCode).toBe(403);
    expect(without.json()).toMatchObject({ error: 'enrolment_code_required', field: HEADER_ENROLMENT_CODE });
    expect((await enrol(closed, '192.0.2.1', { [HEADER_ENROLMENT_CODE]: 'study-2025-abd' })).statusCode).toBe(
      403,
    );
    const ok = await enrol(closed, '192.0.2.1', { [HEADER_ENROLMENT_CODE]: 'study-2025-abc' });
    expect(ok.statusCode).toBe(201);
  });

  it('purges participants who never consented after the configured time, keeping those who did', async () => {
    const db = harness.store.database;
    const silent = (await enrol(limited, '198.51.100.2')).json().participant_id as string;
    const recent = (await enrol(limited, '198.51.100.3')).json().participant_id as string;
    const kept = await participant(limited, ['sessions']);
    await db.query(
      `UPDATE participants SET enrolled_at = now() - interval '25 hours' WHERE id = ANY($1::uuid[])`,
      [[silent, kept.id]],
    );
    const purged = await purgeUnconsented(db, 24);
    expect(purged).toBeGreaterThanOrEqual(1);
    const left = await db.query<{ id: string }>('SELECT id FROM participants WHERE id = ANY($1::uuid[])', [
      [silent, recent, kept.id],
    ]);
    expect(left.map((row) => row.id).sort()).toEqual([recent, kept.id].sort());
  });
});
