import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loggableError } from '../../server/plugins/error-handler.ts';
import type { DataStore } from '../../server/store.ts';
import { API_PATHS } from '../../src/sync/contract.ts';
import {
  cleanJpeg,
  newId,
  openTestStore,
  participant,
  putImage,
  putSession,
  sessionBody,
  testConfig,
} from './helpers.ts';

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/**
 * Finding 8 of issue 10 (store failures and logs): a full disk answers 507 (retry later) and `/ready` reports the
 * image store unwritable; a 5xx log line carries no request values (SQL parameters, free text).
 */
describe('a full disk, and what a failure logs', () => {
  let harness: Awaited<ReturnType<typeof openTestStore>>;
  let app: FastifyInstance;
  let full = false;

  beforeAll(async () => {
    harness = await openTestStore();
    const real = harness.store;
    const store: DataStore = {
      ...real,
      images: {
        ...real.images,
        put: (...args) => (full ? Promise.reject(enospc()) : real.images.put(...args)),
        check: () => (full ? Promise.reject(enospc()) : real.images.check()),
      },
    };
    app = await buildApp({ config: testConfig(harness.dataDir), store, logger: false });
  });
  afterAll(async () => {
    await app.close();
    await harness.close();
  });

  it('507 for an upload when the disk is full, /ready 503 with the image store unavailable; both recover', async () => {
    const p = await participant(app);
    const sessionId = newId();
    await putSession(app, p.token, sessionId, sessionBody({ front: ['f'], left_side: [] }));
    full = true;
    const refused = await putImage(app, p.token, sessionId, 'f', await cleanJpeg());
    expect(refused.statusCode).toBe(507);
    expect(refused.json().error).toBe('insufficient_storage');
    const ready = await app.inject({ method: 'GET', url: API_PATHS.ready });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ image_store: 'unavailable', database: 'ok' });
    full = false;
    expect((await putImage(app, p.token, sessionId, 'f', await cleanJpeg())).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: API_PATHS.ready })).statusCode).toBe(200);
  });

  it("logs a database error's code and routine, never its message, query or parameters", async () => {
    const secret = 'participant free text 4b1d';
    const error = await harness.store.database.query('SELECT $1::int', [secret]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const logged = JSON.stringify(loggableError(error));
    expect(logged).toContain('22P02');
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain('SELECT');
  });
});
