import { spawn, type ChildProcess } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataStore } from '../../server/store.ts';
import { API_PATHS, HEADER_ANGLE, HEADER_SHA256 } from '../../src/sync/contract.ts';
import { cleanJpeg, sessionBody, sha256, tempDir, testConfig } from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ROUNDS = 5;
const BURST = 16;

/** Starts `server/main.ts` on a free port over `dataDir`; resolves with the process and its base URL. */
function startServer(dataDir: string): Promise<{ child: ChildProcess; base: string }> {
  // Node itself with tsx's loader (not the tsx CLI, which runs the server in a child process that a kill would miss).
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      BCD_DATA_DIR: dataDir,
      BCD_PWA_DIR: path.join(dataDir, 'no-pwa'),
      PORT: '0',
      LOG_LEVEL: 'info',
      EMBEDDING_MODELS: 'test-model-8:8',
      DAILY_UPLOAD_LIMIT: '100000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve({ child, base: match[1]! });
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) =>
      reject(new Error(`server exited (${code}) before listening: ${out.slice(-2000)}`)),
    );
  });
}

/** Resolves when the first of `uploads` is answered 2xx (never, if none is). */
const firstStored = (uploads: Promise<Response | null>[]) =>
  Promise.race(uploads.map((upload) => upload.then((r) => (r?.ok ? r : new Promise<never>(() => {})))));

const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));

async function json(base: string, method: string, url: string, token: string | null, body?: unknown) {
  const response = await fetch(base + url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Every file under the store's image folder, relative to it. */
async function imageFiles(dataDir: string): Promise<string[]> {
  const dir = path.join(dataDir, 'images');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

/**
 * The fault test of issue 10: five rounds of a burst of image uploads cut by `kill -9`, each followed by a restart
 * of the real server process on the same embedded store. Afterwards no `.partial` file and no file without a row
 * are left, every stored row's file holds its sha256, and withdrawal leaves nothing of the participants.
 */
describe('kill -9 during uploads, then restart', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanups.reverse()) await step();
  });

  it(
    `leaves a consistent store after ${ROUNDS} rounds of kill -9 mid-burst`,
    { timeout: 600_000 },
    async () => {
      const { dir, remove } = await tempDir('crash');
      cleanups.push(remove);
      const photo = await cleanJpeg();
      const tokens: string[] = [];
      let stored = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const { child, base } = await startServer(dir);
        cleanups.push(async () => void child.kill('SIGKILL'));
        const enrolled = await json(base, 'POST', API_PATHS.participants, null);
        const token = enrolled.body.token as string;
        tokens.push(token);
        expect(
          (
            await json(base, 'PUT', API_PATHS.consent, token, {
              version: 'v1',
              // `faces`: the photo shows a person; the face check is not what this test is about.
              scopes: ['sessions', 'images', 'faces'],
            })
          ).status,
        ).toBe(200);
        const sessionId = `round-${round}`;
        const ids = Array.from({ length: BURST }, (_, i) => `img-${i}`);
        const body = { ...sessionBody({ front: ids, left_side: [] }), embeddings: [] };
        expect((await json(base, 'PUT', API_PATHS.session(sessionId), token, body)).status).toBe(200);
        const uploads = ids.map((id) =>
          fetch(base + API_PATHS.image(sessionId, id), {
            method: 'PUT',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'image/jpeg',
              [HEADER_ANGLE]: 'front',
              [HEADER_SHA256]: sha256(photo),
            },
            body: Buffer.from(photo),
          }).catch(() => null),
        );
        // Cut the burst part-way: once the first upload is stored, some are done, some writing, some not started.
        await firstStored(uploads);
        await new Promise((resolve) => setTimeout(resolve, round * 15));
        child.kill('SIGKILL');
        const answered = (await Promise.all([exited(child), ...uploads])).slice(1) as (Response | null)[];
        stored += answered.filter((response) => response?.ok).length;
      }

      const { child, base } = await startServer(dir);
      // The kills landed mid-burst: some uploads were answered, others cut off.
      expect(stored).toBeGreaterThanOrEqual(ROUNDS);
      expect(stored).toBeLessThan(ROUNDS * BURST);
      const files = await imageFiles(dir);
      expect(files.filter((file) => file.endsWith('.partial'))).toEqual([]);
      for (const token of tokens) {
        const withdrawal = await json(base, 'DELETE', API_PATHS.consent, token);
        expect([200, 401]).toContain(withdrawal.status);
      }
      child.kill('SIGTERM');
      await exited(child);

      const store = await openDataStore(testConfig(dir));
      try {
        const rows = await store.database.query('SELECT 1 FROM images UNION ALL SELECT 1 FROM sessions');
        expect(rows).toEqual([]);
      } finally {
        await store.close();
      }
      expect(await imageFiles(dir)).toEqual([]);
    },
  );

  it(
    'after a kill -9 the restarted store holds only files its rows refer to, each with its sha256',
    { timeout: 300_000 },
    async () => {
      const { dir, remove } = await tempDir('crash-rows');
      cleanups.push(remove);
      const photo = await cleanJpeg();
      const { child, base } = await startServer(dir);
      const token = (await json(base, 'POST', API_PATHS.participants, null)).body.token as string;
      await json(base, 'PUT', API_PATHS.consent, token, {
        version: 'v1',
        scopes: ['sessions', 'images', 'faces'],
      });
      const ids = Array.from({ length: BURST }, (_, i) => `img-${i}`);
      await json(base, 'PUT', API_PATHS.session('s'), token, {
        ...sessionBody({ front: ids, left_side: [] }),
        embeddings: [],
      });
      const uploads = ids.map((id) =>
        fetch(base + API_PATHS.image('s', id), {
          method: 'PUT',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'image/jpeg',
            [HEADER_ANGLE]: 'front',
            [HEADER_SHA256]: sha256(photo),
          },
          body: Buffer.from(photo),
        }).catch(() => null),
      );
      await firstStored(uploads);
      child.kill('SIGKILL');
      await Promise.all([exited(child), ...uploads]);

      const store = await openDataStore(testConfig(dir));
      try {
        const rows = await store.database.query<{ storage_path: string; sha256: string }>(
          'SELECT storage_path, sha256 FROM images WHERE storage_path IS NOT NULL',
        );
        expect((await imageFiles(dir)).sort()).toEqual(rows.map((row) => row.storage_path).sort());
        for (const row of rows) expect(sha256(await store.images.get(row.storage_path))).toBe(row.sha256);
      } finally {
        await store.close();
      }
    },
  );
});
