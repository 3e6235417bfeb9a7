import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { openDataStore, type DataStore } from '../../server/store.ts';
import { API_PATHS } from '../../src/sync/contract.ts';
import {
  auth,
  cleanJpeg,
  newId,
  participant,
  putImage,
  putSession,
  sessionBody,
  tempDir,
  testConfig,
} from './helpers.ts';

const mode = async (file: string) => (await stat(file)).mode & 0o777;

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * Findings 5 and 6 of issue 10: the embedded store is owner-only (folders 0700, photos 0600); the start-up sweep
 * removes `*.partial` files and files no row refers to; withdrawal removes the participant's whole image folder;
 * a failed commit leaves no file behind (the file is written before, outside, the transaction).
 */
describe('the embedded store on disk', () => {
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup = [];
  });

  async function open(dir: string) {
    const store = await openDataStore(testConfig(dir));
    const app = await buildApp({ config: testConfig(dir), store, logger: false });
    return { store, app, close: async () => (await app.close(), await store.close()) };
  }

  async function uploadOne(app: Awaited<ReturnType<typeof open>>['app']) {
    const p = await participant(app);
    const sessionId = newId();
    await putSession(app, p.token, sessionId, sessionBody({ front: ['f'], left_side: [] }));
    const response = await putImage(app, p.token, sessionId, 'f', await cleanJpeg());
    expect(response.statusCode, response.body).toBe(200);
    return { p, sessionId };
  }

  it('keeps the data directory, the database and the photos owner-only (0700 folders, 0600 files)', async () => {
    const { dir, remove } = await tempDir('modes');
    cleanup.push(remove);
    const server = await open(dir);
    cleanup.push(server.close);
    const { p, sessionId } = await uploadOne(server.app);
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(path.join(dir, 'db'))).toBe(0o700);
    expect(await mode(path.join(dir, 'images'))).toBe(0o700);
    expect(await mode(path.join(dir, 'images', p.id))).toBe(0o700);
    expect(await mode(path.join(dir, 'images', p.id, sessionId))).toBe(0o700);
    const [file] = await filesUnder(path.join(dir, 'images'));
    expect(await mode(path.join(dir, 'images', file!))).toBe(0o600);
    expect(await mode(path.join(dir, 'token-secret'))).toBe(0o600);
  });

  it('sweeps *.partial files and files without a row at start-up, keeping stored photos', async () => {
    const { dir, remove } = await tempDir('sweep');
    cleanup.push(remove);
    const first = await open(dir);
    const { p, sessionId } = await uploadOne(first.app);
    await first.close();
    const images = path.join(dir, 'images');
    const [kept] = await filesUnder(images);
    const folder = path.join(images, p.id, sessionId);
    await writeFile(path.join(folder, `g.0123456789abcdef.jpg.${newId()}.partial`), 'half a photo');
    await writeFile(path.join(folder, 'h.0123456789abcdef.jpg'), 'a photo whose row never committed');
    await mkdir(path.join(images, newId(), 'gone'), { recursive: true });
    await writeFile(path.join(images, newId() + '.jpg'), 'stray');

    const second = await open(dir);
    cleanup.push(second.close);
    expect(await filesUnder(images)).toEqual([kept]);
  });

  it('withdrawal removes the whole image folder of the participant, files without rows included', async () => {
    const { dir, remove } = await tempDir('withdraw');
    cleanup.push(remove);
    const server = await open(dir);
    cleanup.push(server.close);
    const { p, sessionId } = await uploadOne(server.app);
    const other = await uploadOne(server.app);
    await writeFile(path.join(dir, 'images', p.id, sessionId, 'left-by-a-crash.jpg'), 'bytes');
    const withdrawal = await server.app.inject({
      method: 'DELETE',
      url: API_PATHS.consent,
      headers: auth(p.token),
    });
    expect(withdrawal.statusCode).toBe(200);
    expect(withdrawal.json().deleted.stored_images).toBe(2);
    const left = await filesUnder(path.join(dir, 'images'));
    expect(left).toHaveLength(1);
    expect(left[0]!.startsWith(other.p.id)).toBe(true);
  });

  it('a commit that fails after the file was written leaves no file behind', async () => {
    const { dir, remove } = await tempDir('commit');
    cleanup.push(remove);
    const real = await openDataStore(testConfig(dir));
    let failNext = false;
    const store: DataStore = {
      ...real,
      database: {
        ...real.database,
        transaction: (work) => {
          if (failNext) {
            failNext = false;
            return Promise.reject(new Error('the database went away'));
          }
          return real.database.transaction(work);
        },
      },
    };
    const app = await buildApp({ config: testConfig(dir), store, logger: false });
    cleanup.push(async () => (await app.close(), await real.close()));
    const p = await participant(app);
    const sessionId = newId();
    await putSession(app, p.token, sessionId, sessionBody({ front: ['f'], left_side: [] }));
    failNext = true;
    const failed = await putImage(app, p.token, sessionId, 'f', await cleanJpeg());
    expect(failed.statusCode).toBe(500);
    expect(await filesUnder(path.join(dir, 'images'))).toEqual([]);
    expect((await putImage(app, p.token, sessionId, 'f', await cleanJpeg())).statusCode).toBe(200);
  });
});
