import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_PATHS,
  HEADER_ANGLE,
  HEADER_FACES,
  HEADER_SHA256,
  type ConsentScope,
} from '../../src/sync/contract.ts';
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
  sha256,
} from './helpers.ts';

/**
 * Finding 8 of issue 10 (consent): consent records are limited per participant per day (`DAILY_CONSENT_LIMIT`), and
 * narrowing consent deletes what the dropped scopes had shared.
 */
describe('consent changes (embedded store)', () => {
  let harness: Awaited<ReturnType<typeof openTestStore>>;
  let app: FastifyInstance;

  beforeAll(async () => {
    harness = await openTestStore();
    app = await appOn(harness.store, harness.dataDir, { DAILY_CONSENT_LIMIT: '4' });
  });
  afterAll(async () => {
    await app.close();
    await harness.close();
  });

  const consent = (token: string, scopes: ConsentScope[], version = 'consent-v1') =>
    app.inject({ method: 'PUT', url: API_PATHS.consent, headers: auth(token), payload: { version, scopes } });

  it('429 past the consent records a participant may make per day; withdrawal is never limited', async () => {
    const p = await participant(app, []);
    for (let i = 0; i < 4; i++) expect((await consent(p.token, ['sessions'], `v${i}`)).statusCode).toBe(200);
    const limited = await consent(p.token, ['sessions'], 'v9');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toBe('consent_limit_reached');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const [row] = await harness.store.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM consents WHERE participant_id = $1',
      [p.id],
    );
    expect(row!.n).toBe(4);
    expect(
      (await app.inject({ method: 'DELETE', url: API_PATHS.consent, headers: auth(p.token) })).statusCode,
    ).toBe(200);
  });

  it('narrowing consent deletes the rows and files of the dropped scopes and keeps the rest', async () => {
    const p = await participant(app);
    const other = await participant(app);
    const otherSession = newId();
    await putSession(app, other.token, otherSession, sessionBody({ front: ['f'], left_side: [] }));
    expect((await putImage(app, other.token, otherSession, 'f', await cleanJpeg())).statusCode).toBe(200);
    const sessionId = newId();
    await putSession(app, p.token, sessionId, sessionBody({ front: ['f'], left_side: [] }));
    expect((await putImage(app, p.token, sessionId, 'f', await cleanJpeg())).statusCode).toBe(200);
    await app.inject({
      method: 'POST',
      url: API_PATHS.logs,
      headers: auth(p.token),
      payload: {
        entries: [
          {
            log_id: 'l',
            created_at: '2025-01-01T00:00:00Z',
            level: 'info',
            stage_timings_ms: {},
            errors: [],
          },
        ],
      },
    });
    const db = harness.store.database;
    const state = async () => {
      const [row] = await db.query<Record<string, number>>(
        `SELECT (SELECT count(*)::int FROM embeddings WHERE participant_id = $1) AS embeddings,
                (SELECT count(*)::int FROM analysis_logs WHERE participant_id = $1) AS logs,
                (SELECT count(*)::int FROM images WHERE participant_id = $1 AND storage_path IS NOT NULL) AS stored,
                (SELECT count(*)::int FROM images WHERE participant_id = $1) AS images,
                (SELECT count(*)::int FROM sessions WHERE participant_id = $1) AS sessions`,
        [p.id],
      );
      return row!;
    };
    const [photoPath] = (
      await db.query<{ storage_path: string }>('SELECT storage_path FROM images WHERE participant_id = $1', [
        p.id,
      ])
    ).map((row) => row.storage_path);
    expect(await state()).toEqual({ embeddings: 4, logs: 1, stored: 1, images: 1, sessions: 1 });

    const jpeg = await cleanJpeg();
    expect((await consent(p.token, ['sessions', 'images', 'feedback'])).statusCode).toBe(200);
    expect(await state()).toEqual({ embeddings: 0, logs: 0, stored: 1, images: 1, sessions: 1 });
    // The photo's file stays while `images` is consented to.
    expect(sha256(await harness.store.images.get(photoPath!))).toBe(sha256(jpeg));

    expect((await consent(p.token, ['sessions', 'feedback'])).statusCode).toBe(200);
    expect(await state()).toEqual({ embeddings: 0, logs: 0, stored: 0, images: 1, sessions: 1 });
    await expect(harness.store.images.get(photoPath!)).rejects.toThrow(/no image/);

    expect((await consent(p.token, ['feedback'])).statusCode).toBe(200);
    expect(await state()).toEqual({ embeddings: 0, logs: 0, stored: 0, images: 0, sessions: 0 });
    // Dropping `sessions` removes the participant's whole image folder, even a file a crash left without a row.
    const folder = path.join(harness.dataDir, 'images', p.id);
    expect(await readdir(folder).catch(() => 'gone')).toBe('gone');

    // Another participant's rows and file are untouched.
    const [kept] = await db.query<{ storage_path: string; n: number }>(
      `SELECT storage_path, (SELECT count(*)::int FROM embeddings WHERE participant_id = $1) AS n
       FROM images WHERE participant_id = $1`,
      [other.id],
    );
    expect(kept!.n).toBe(4);
    expect(sha256(await harness.store.images.get(kept!.storage_path))).toBe(sha256(jpeg));
  });

  it('dropping `faces` deletes only the photos stored with faces unblurred, so the phone can send them blurred', async () => {
    const p = await participant(app);
    const sessionId = newId();
    await putSession(app, p.token, sessionId, sessionBody({ front: ['u', 'n'], left_side: [] }));
    const bytes = await cleanJpeg();
    for (const [imageId, faces] of [
      ['u', 'unblurred'],
      ['n', 'none'],
    ] as const) {
      const stored = await app.inject({
        method: 'PUT',
        url: API_PATHS.image(sessionId, imageId),
        headers: {
          ...auth(p.token),
          'content-type': 'image/jpeg',
          [HEADER_ANGLE]: 'front',
          [HEADER_SHA256]: sha256(bytes),
          [HEADER_FACES]: faces,
        },
        payload: Buffer.from(bytes),
      });
      expect(stored.statusCode, stored.body).toBe(200);
    }
    const rows = () =>
      harness.store.database.query<{ id: string; storage_path: string | null; faces: string | null }>(
        'SELECT id, storage_path, faces FROM images WHERE session_id = $1 ORDER BY id',
        [sessionId],
      );
    const before = await rows();
    expect(
      (await consent(p.token, ['sessions', 'images', 'embeddings', 'logs', 'feedback'])).statusCode,
    ).toBe(200);
    const after = await rows();
    expect(after).toEqual([before[0], { id: 'u', storage_path: null, faces: null }]);
    await expect(harness.store.images.get(before[1]!.storage_path!)).rejects.toThrow(/no image/);
    expect(sha256(await harness.store.images.get(before[0]!.storage_path!))).toBe(sha256(bytes));
    // The blurred photo the phone makes next is taken under the same image id.
    expect(
      (await putImage(app, p.token, sessionId, 'u', await cleanJpeg('npm-exif-parser__starfish.jpg')))
        .statusCode,
    ).toBe(200);
  });

  it("dropping `sessions` also removes a file a crash left without a row in the participant's folder", async () => {
    const p = await participant(app);
    const sessionId = newId();
    await putSession(app, p.token, sessionId, sessionBody({ front: ['f'], left_side: [] }));
    expect((await putImage(app, p.token, sessionId, 'f', await cleanJpeg())).statusCode).toBe(200);
    const stray = path.join(harness.dataDir, 'images', p.id, sessionId, 'f.crashed.jpg');
    await writeFile(stray, 'bytes of an upload whose row never committed');
    expect((await consent(p.token, ['logs'])).statusCode).toBe(200);
    await expect(stat(stray)).rejects.toThrow(/ENOENT/);
    expect(await readdir(path.join(harness.dataDir, 'images', p.id)).catch(() => 'gone')).toBe('gone');
  });
});
