import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS } from '../../src/sync/contract.ts';
import {
  appOn,
  auth,
  cleanJpeg,
  newId,
  openTestStore,
  participant,
  putImage,
  putSession,
  sessionBody,
} from './helpers.ts';

/**
 * Finding 1 of issue 10 (storage exhaustion across participants): the stored photos of all participants together are
 * capped by `STORE_MAX_IMAGE_BYTES` (counted from the rows, so a restart keeps it); past it a new photo answers 507
 * `store_full` and `/ready` says `image_store: "full"`, while everything else is still taken.
 */
describe('store-wide image cap (embedded store)', () => {
  let harness: Awaited<ReturnType<typeof openTestStore>>;
  let app: FastifyInstance;
  let first: Uint8Array;
  let second: Uint8Array;

  beforeAll(async () => {
    harness = await openTestStore();
    first = await cleanJpeg('exif/gps.jpg');
    second = await cleanJpeg('npm-exif-parser__starfish.jpg');
    // Room for either photo alone, not for both.
    const cap = second.byteLength + Math.floor(first.byteLength / 2);
    app = await appOn(harness.store, harness.dataDir, { STORE_MAX_IMAGE_BYTES: String(cap) });
  });
  afterAll(async () => {
    await app.close();
    await harness.close();
  });

  const ready = async () => {
    const response = await app.inject({ method: 'GET', url: API_PATHS.ready });
    return { status: response.statusCode, body: response.json() as Record<string, unknown> };
  };

  it('507 store_full once the photos of all participants reach the cap; /ready says so; withdrawal makes room', async () => {
    const a = await participant(app);
    const b = await participant(app);
    const sessionA = newId();
    const sessionB = newId();
    await putSession(app, a.token, sessionA, sessionBody({ front: ['f'], left_side: [] }));
    await putSession(app, b.token, sessionB, sessionBody({ front: ['f'], left_side: [] }));
    expect((await ready()).body).toMatchObject({ image_store: 'ok', stored_image_bytes: 0 });

    expect((await putImage(app, a.token, sessionA, 'f', first)).statusCode).toBe(200);
    const refused = await putImage(app, b.token, sessionB, 'f', second);
    expect(refused.statusCode).toBe(507);
    expect(refused.json()).toMatchObject({ error: 'store_full' });
    expect(refused.json().message).toMatch(/store limit is reached/);
    const [row] = await harness.store.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM images WHERE participant_id = $1 AND storage_path IS NOT NULL',
      [b.id],
    );
    expect(row!.n).toBe(0);
    // Refused before its bytes were written: nothing of it is on disk.
    const folder = path.join(harness.dataDir, 'images', b.id);
    expect(await readdir(folder, { recursive: true }).catch(() => [])).toEqual([]);

    // A retry of stored bytes needs no room; other uploads than photos go on.
    expect((await putImage(app, a.token, sessionA, 'f', first)).json()).toMatchObject({ stored: false });
    expect(
      (
        await app.inject({
          method: 'POST',
          url: API_PATHS.feedback,
          headers: auth(b.token),
          payload: {
            feedback_id: 'n1',
            session_id: sessionB,
            kind: 'result_looks_wrong',
            created_at: '2025-03-01T10:00:00Z',
          },
        })
      ).statusCode,
    ).toBe(200);

    const almost = await ready();
    expect(almost.status).toBe(200);
    expect(almost.body).toMatchObject({ image_store: 'ok', stored_image_bytes: first.byteLength });

    const full = await appOn(harness.store, harness.dataDir, {
      STORE_MAX_IMAGE_BYTES: String(first.byteLength),
    });
    try {
      const answer = await full.inject({ method: 'GET', url: API_PATHS.ready });
      expect(answer.statusCode).toBe(200);
      expect(answer.json()).toMatchObject({
        status: 'ok',
        image_store: 'full',
        stored_image_bytes: first.byteLength,
        max_stored_image_bytes: first.byteLength,
      });
    } finally {
      await full.close();
    }

    expect(
      (await app.inject({ method: 'DELETE', url: API_PATHS.consent, headers: auth(a.token) })).statusCode,
    ).toBe(200);
    expect((await putImage(app, b.token, sessionB, 'f', second)).statusCode).toBe(200);
  });
});
