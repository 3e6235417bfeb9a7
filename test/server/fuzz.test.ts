import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS, HEADER_ANGLE, HEADER_SHA256, type ConsentScope } from '../../src/sync/contract.ts';
import { craftPng, jpegClaiming, jpegWithoutFrame } from './crafted-images.ts';
import {
  fuzzId,
  HOSTILE_VALUES,
  mutateBody,
  mutateImage,
  pick,
  seededRandom,
  type Random,
} from './fuzz-values.ts';
import {
  appOn,
  auth,
  cleanJpeg,
  openTestStore,
  participant,
  putImage,
  sessionBody,
  sha256,
} from './helpers.ts';

const REQUESTS = 10_000;
const SEED = 20_251_201;

const log = (id: string) => ({
  log_id: id,
  session_id: 'fz-1',
  created_at: '2025-01-01T00:00:00Z',
  level: 'warn',
  backend: 'wasm',
  model_id: 'test-model-8',
  stage_timings_ms: { decode: 12.5, embed: 40 },
  confidence: 0.7,
  errors: ['slow'],
  message: 'ok',
});
const feedback = (id: string) => ({
  feedback_id: id,
  session_id: 'fz-1',
  image_id: 'a',
  angle: 'front',
  kind: 'bad_photo',
  note: 'blurred',
  created_at: '2025-01-01T00:00:00Z',
});

/** Everything of one participant, as rows, plus the sha256 of each stored file. */
async function snapshot(harness: Awaited<ReturnType<typeof openTestStore>>, participantId: string) {
  const db = harness.store.database;
  const tables = [
    'consents',
    'sessions',
    'images',
    'session_analysis',
    'angle_analysis',
    'analysis_logs',
    'feedback',
  ];
  const rows: Record<string, unknown> = {};
  for (const table of tables) {
    rows[table] = await db.query(`SELECT * FROM ${table} WHERE participant_id = $1 ORDER BY 1, 2`, [
      participantId,
    ]);
  }
  rows.embeddings = await db.query(
    'SELECT kind, subject, model_id, embedding::text, idempotency_hash FROM embeddings WHERE participant_id = $1 ORDER BY 1, 2',
    [participantId],
  );
  const files: Record<string, string> = {};
  for (const image of rows.images as { storage_path: string | null }[]) {
    if (image.storage_path)
      files[image.storage_path] = sha256(await harness.store.images.get(image.storage_path));
  }
  return { rows, files };
}

/**
 * The fuzz test of issue 10: 10,000 generated requests (fixed seed) over every route, with mutated bodies, ids,
 * headers, sizes, content types and crafted images, against the real embedded store. No answer may be a 5xx, every
 * error answer is `{error, message}`, another participant's data stays exactly as it was, and the store stays
 * consistent (every stored row's file exists with its sha256, no file without a row, no partial file).
 */
describe('fuzz: every route, fixed seed (embedded store)', () => {
  let harness: Awaited<ReturnType<typeof openTestStore>>;
  let app: FastifyInstance;
  let baseline: { id: string; token: string };
  let before: Awaited<ReturnType<typeof snapshot>>;
  let clean: Uint8Array;
  let crafted: Uint8Array[];

  beforeAll(async () => {
    harness = await openTestStore();
    app = await appOn(harness.store, harness.dataDir, {
      DAILY_UPLOAD_LIMIT: '1000000000',
      DAILY_CONSENT_LIMIT: '1000000000',
      MAX_BODY_BYTES: String(512 * 1024),
      MAX_IMAGE_BYTES: String(256 * 1024),
    });
    clean = await cleanJpeg();
    crafted = [
      jpegWithoutFrame(4000),
      Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]),
      jpegClaiming(clean, 9000, 9000),
      craftPng(100, 100),
      craftPng(100, 100, { idat: new Uint8Array(64).fill(1) }),
      craftPng(100, 100, { headerSize: { width: 50_000, height: 50_000 } }),
      craftPng(10, 10),
    ];
    baseline = await participant(app);
    await app.inject({
      method: 'PUT',
      url: API_PATHS.session('base'),
      headers: auth(baseline.token),
      payload: sessionBody({ front: ['a'], left_side: ['b'] }),
    });
    expect((await putImage(app, baseline.token, 'base', 'a', clean)).statusCode).toBe(200);
    await app.inject({
      method: 'POST',
      url: API_PATHS.logs,
      headers: auth(baseline.token),
      payload: { entries: [log('l')] },
    });
    await app.inject({
      method: 'POST',
      url: API_PATHS.feedback,
      headers: auth(baseline.token),
      payload: feedback('f'),
    });
    before = await snapshot(harness, baseline.id);
  });
  afterAll(async () => {
    await app.close();
    await harness.close();
  });

  it(
    `answers ${REQUESTS} generated requests without a 5xx and leaves the store intact`,
    { timeout: 600_000 },
    async () => {
      const random: Random = seededRandom(SEED);
      const scopeSets: ConsentScope[][] = [
        ['sessions', 'images', 'embeddings', 'logs', 'feedback'],
        ['sessions', 'images', 'embeddings', 'logs', 'feedback'],
        ['sessions'],
        ['logs', 'feedback'],
      ];
      const pool = await Promise.all(scopeSets.map((scopes) => participant(app, scopes)));
      const sessionIds = ['base', 'fz-1', 'fz-2', 'p0-1', 'p1-2'];
      for (const [slot, p] of pool.entries()) {
        for (const id of [`p${slot}-1`, `p${slot}-2`]) {
          await app.inject({
            method: 'PUT',
            url: API_PATHS.session(id),
            headers: auth(p.token),
            payload: sessionBody({ front: ['a', 'i1'], left_side: ['b'] }),
          });
        }
      }
      const failures: string[] = [];
      const statuses = new Map<number, number>();

      const tokenFor = (p: { token: string }) => {
        const choice = random();
        if (choice < 0.9) return auth(p.token);
        if (choice < 0.93) return {};
        if (choice < 0.96) return { authorization: 'Bearer not.a.jwt' };
        if (choice < 0.98) return auth(baseline.token.slice(0, -2) + 'xx');
        return { authorization: pick(random, ['Basic eDp5', 'Bearer', 'bearer  ' + p.token, '\u00ff']) };
      };
      const jsonType = () =>
        random() < 0.93
          ? { 'content-type': 'application/json' }
          : {
              'content-type': pick(random, [
                'text/plain',
                'application/json; charset=utf-16',
                'image/jpeg',
                '',
                'application/x-www-form-urlencoded',
              ]),
            };

      for (let n = 0; n < REQUESTS; n++) {
        const who = pick(random, pool);
        const slot = pool.indexOf(who);
        const route = random();
        let request: InjectOptions;
        // Mostly the participant's own sessions (slot-named, so a replacement participant recreates them), sometimes
        // another's.
        const sessionId = fuzzId(random, random() < 0.8 ? [`p${slot}-1`, `p${slot}-2`] : sessionIds);
        if (route < 0.3) {
          const body = sessionBody(
            { front: ['a', `i${Math.floor(random() * 5)}`], left_side: ['b'] },
            Math.floor(random() * 8),
          );
          request = {
            method: 'PUT',
            url: API_PATHS.session(sessionId),
            headers: { ...tokenFor(who), ...jsonType() },
            payload: JSON.stringify(random() < 0.15 ? body : mutateBody(random, body)),
          };
        } else if (route < 0.45) {
          const bytes = mutateImage(random, clean, crafted);
          const headers: Record<string, string> = {
            ...tokenFor(who),
            'content-type':
              random() < 0.85
                ? pick(random, ['image/jpeg', 'image/png'])
                : pick(random, ['image/gif', 'application/json', 'image/webp']),
            [HEADER_ANGLE]:
              random() < 0.9 ? pick(random, ['front', 'left_side']) : String(pick(random, HOSTILE_VALUES)),
            [HEADER_SHA256]:
              random() < 0.9
                ? createHash('sha256').update(bytes).digest('hex')
                : pick(random, ['', '0'.repeat(64), 'ABC']),
          };
          if (random() < 0.03) delete headers[HEADER_SHA256];
          request = {
            method: 'PUT',
            url: API_PATHS.image(sessionId, fuzzId(random, ['a', 'b', 'i1'])),
            headers,
            payload: Buffer.from(bytes),
          };
        } else if (route < 0.57) {
          const body = { entries: [log(fuzzId(random, ['l1'])), log(`l${n}`)] };
          request = {
            method: 'POST',
            url: API_PATHS.logs,
            headers: { ...tokenFor(who), ...jsonType() },
            payload: JSON.stringify(mutateBody(random, body)),
          };
        } else if (route < 0.67) {
          request = {
            method: 'POST',
            url: API_PATHS.feedback,
            headers: { ...tokenFor(who), ...jsonType() },
            payload: JSON.stringify(mutateBody(random, feedback(`f${n % 40}`))),
          };
        } else if (route < 0.75) {
          const body = { version: 'consent-v1', scopes: scopeSets[slot]! };
          request = {
            method: 'PUT',
            url: API_PATHS.consent,
            headers: { ...tokenFor(who), ...jsonType() },
            payload: JSON.stringify(random() < 0.2 ? body : mutateBody(random, body)),
          };
        } else if (route < 0.8) {
          request = { method: 'GET', url: API_PATHS.sessionStatus(sessionId), headers: tokenFor(who) };
        } else if (route < 0.815) {
          const body = random() < 0.5 ? { refresh_token: who.refreshToken } : { legacy_token: who.token };
          request = {
            method: 'POST',
            url: API_PATHS.refresh,
            headers: jsonType(),
            payload: JSON.stringify(random() < 0.2 ? body : mutateBody(random, body)),
          };
        } else if (route < 0.83) {
          request = {
            method: 'POST',
            url: API_PATHS.participants,
            headers:
              random() < 0.5
                ? {}
                : {
                    'content-type': 'application/json',
                    'x-enrolment-code': String(pick(random, HOSTILE_VALUES)),
                  },
            ...(random() < 0.5 ? {} : { payload: JSON.stringify(pick(random, HOSTILE_VALUES)) }),
          };
        } else if (route < 0.835) {
          request = { method: 'DELETE', url: API_PATHS.consent, headers: auth(who.token) };
        } else if (route < 0.92) {
          const raw = pick(random, [
            '{',
            '{"captured_at":',
            '[]',
            'null',
            '"x"',
            '{"__proto__":{"polluted":1}}',
            '{"constructor":{"prototype":{"polluted":1}}}',
            '['.repeat(5000) + ']'.repeat(5000),
            '{"a":'.repeat(2000) + '1' + '}'.repeat(2000),
            'x'.repeat(600 * 1024),
            Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]).toString('latin1'),
          ]);
          const method = pick(random, ['PUT', 'POST'] as const);
          const url = pick(random, [
            API_PATHS.session(sessionId),
            API_PATHS.logs,
            API_PATHS.feedback,
            API_PATHS.consent,
            API_PATHS.participants,
            API_PATHS.refresh,
          ]);
          request = { method, url, headers: { ...tokenFor(who), ...jsonType() }, payload: raw };
        } else {
          request = {
            method: pick(random, ['GET', 'GET', 'POST', 'PATCH', 'OPTIONS', 'HEAD'] as const),
            url: pick(random, [
              API_PATHS.health,
              API_PATHS.ready,
              '/api/unknown',
              '/api/sessions/',
              '/api/sessions/x/images/',
              '/%',
              '/api/sessions/%zz/status',
              '/api/consent?x=%00',
            ]),
            headers: pick(random, [{}, { origin: 'http://evil.test' }, { 'x-request-id': 'x'.repeat(3000) }]),
          };
        }
        const response = await app.inject(request);
        // A refresh that passed replaced the participant's refresh token: keep the new one for later tries.
        if (request.url === API_PATHS.refresh && response.statusCode === 200) {
          pool[slot] = { ...who, refreshToken: response.json().refresh_token as string };
        }
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        if (response.statusCode >= 500) {
          failures.push(
            `#${n} ${request.method} ${request.url} → ${response.statusCode} ${response.body.slice(0, 300)}`,
          );
        } else if (response.statusCode >= 400 && request.method !== 'HEAD') {
          const body = response.json() as { error?: unknown; message?: unknown };
          if (typeof body.error !== 'string' || typeof body.message !== 'string') {
            failures.push(
              `#${n} ${request.method} ${request.url} → ${response.statusCode} without {error, message}`,
            );
          }
        }
        if (request.method === 'DELETE' && response.statusCode === 200) {
          pool[slot] = await participant(app, scopeSets[slot]!);
          for (const id of [`p${slot}-1`, `p${slot}-2`]) {
            await app.inject({
              method: 'PUT',
              url: API_PATHS.session(id),
              headers: auth(pool[slot]!.token),
              payload: sessionBody({ front: ['a', 'i1'], left_side: ['b'] }),
            });
          }
        }
      }
      console.log(
        `fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
      );
      expect(failures.slice(0, 20)).toEqual([]);
      // Most requests must be refused for the right reason, and some accepted: the generator reaches every layer.
      expect(statuses.get(200) ?? 0).toBeGreaterThan(500);
      expect(statuses.get(400) ?? 0).toBeGreaterThan(2000);
      expect(statuses.get(422) ?? 0).toBeGreaterThan(50);

      expect(await snapshot(harness, baseline.id)).toEqual(before);
      const stored = await harness.store.database.query<{ storage_path: string; sha256: string }>(
        'SELECT storage_path, sha256 FROM images WHERE storage_path IS NOT NULL',
      );
      for (const row of stored)
        expect(sha256(await harness.store.images.get(row.storage_path))).toBe(row.sha256);
      const imagesDir = path.join(harness.dataDir, 'images');
      const files = (await readdir(imagesDir, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(imagesDir, path.join(entry.parentPath, entry.name)));
      expect(files.filter((file) => file.endsWith('.partial'))).toEqual([]);
      expect(files.sort()).toEqual(stored.map((row) => row.storage_path).sort());
    },
  );
});
