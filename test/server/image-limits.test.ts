import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS } from '../../src/sync/contract.ts';
import { craftPng, jpegClaiming, jpegWithoutFrame } from './crafted-images.ts';
import {
  appOn,
  auth,
  cleanJpeg,
  newId,
  openTestStore,
  participant,
  putImage,
  sessionBody,
} from './helpers.ts';

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * Finding 1 of issue 10 (storage half): images are decoded header-first by the core's decoder and refused unless
 * they decode to their stated size; per-participant image and byte caps are counted from the stored rows (so a
 * restart keeps them); a session takes no more images than its `images_expected`.
 */
describe('image checks and caps (embedded store)', () => {
  let harness: Awaited<ReturnType<typeof openTestStore>>;
  let app: FastifyInstance;
  let clean: Uint8Array;

  beforeAll(async () => {
    harness = await openTestStore();
    app = await appOn(harness.store, harness.dataDir);
    clean = await cleanJpeg();
  });
  afterAll(async () => {
    await app.close();
    await harness.close();
  });

  async function sessionOf(target: FastifyInstance, token: string, imageIds: string[]): Promise<string> {
    const sessionId = newId();
    const response = await target.inject({
      method: 'PUT',
      url: API_PATHS.session(sessionId),
      headers: auth(token),
      payload: sessionBody({ front: imageIds, left_side: [] }),
    });
    expect(response.statusCode, response.body).toBe(200);
    return sessionId;
  }

  it('refuses with 422 what does not decode to its stated size, and keeps no file of it', async () => {
    const p = await participant(app);
    const sessionId = await sessionOf(app, p.token, ['a']);
    const before = await filesUnder(path.join(harness.dataDir, 'images'));
    const refused: [string, Uint8Array, string][] = [
      ['SOI + SOS + garbage + EOI', jpegWithoutFrame(), 'image/jpeg'],
      ['FF D8 FF D9', Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]), 'image/jpeg'],
      ['a JPEG whose header claims more pixels than it holds', jpegClaiming(clean, 4000, 3000), 'image/jpeg'],
      [
        'a PNG with garbage pixel data',
        craftPng(100, 100, { idat: new Uint8Array(500).fill(0x55) }),
        'image/png',
      ],
      [
        'a PNG whose IHDR claims 200 × 200 over 100 × 100 of data',
        craftPng(100, 100, { headerSize: { width: 200, height: 200 } }),
        'image/png',
      ],
      [
        'a PNG decompression bomb header (60000 × 60000)',
        craftPng(100, 100, { headerSize: { width: 60000, height: 60000 } }),
        'image/png',
      ],
      ['a 16 × 16 thumbnail', craftPng(16, 16), 'image/png'],
    ];
    for (const [label, bytes, contentType] of refused) {
      const response = await putImage(app, p.token, sessionId, 'a', bytes, { contentType });
      expect(response.statusCode, `${label}: ${response.body}`).toBe(422);
      expect(response.json().error, label).toBe('image_refused');
    }
    expect(await filesUnder(path.join(harness.dataDir, 'images'))).toEqual(before);
    const good = await putImage(app, p.token, sessionId, 'a', craftPng(100, 100), {
      contentType: 'image/png',
    });
    expect(good.statusCode, good.body).toBe(200);
  });

  it('a session takes no more than images_expected: another image id is 409', async () => {
    const p = await participant(app);
    const sessionId = await sessionOf(app, p.token, ['a']);
    expect((await putImage(app, p.token, sessionId, 'a', clean)).statusCode).toBe(200);
    const extra = await putImage(app, p.token, sessionId, 'b', await cleanJpeg('exif/orient-3.jpg'));
    expect(extra.statusCode).toBe(409);
    expect(extra.json().field).toBe('images_expected');
    // The app announces every photo's quality figures, and expects no bytes when photos are not shared.
    const withoutPhotos = newId();
    const body = sessionBody({ front: ['a', 'b'], left_side: [] });
    const announced = await app.inject({
      method: 'PUT',
      url: API_PATHS.session(withoutPhotos),
      headers: auth(p.token),
      payload: { ...body, images_expected: 0 },
    });
    expect(announced.statusCode, announced.body).toBe(200);
    const bytes = await putImage(app, p.token, withoutPhotos, 'a', clean);
    expect(bytes.statusCode).toBe(409);
    expect(bytes.json().field).toBe('images_expected');
  });

  it('per-participant image and byte caps hold across a restart (counted from the stored rows)', async () => {
    const capped = await appOn(harness.store, harness.dataDir, { PARTICIPANT_MAX_IMAGES: '1' });
    const p = await participant(capped);
    const first = await sessionOf(capped, p.token, ['a']);
    expect((await putImage(capped, p.token, first, 'a', clean)).statusCode).toBe(200);
    const second = await sessionOf(capped, p.token, ['a']);
    const over = await putImage(capped, p.token, second, 'a', clean);
    expect(over.statusCode).toBe(413);
    expect(over.json().error).toBe('participant_quota_reached');
    await capped.close();
    // A new server on the same store: the count is the rows', not a counter in memory.
    const restarted = await appOn(harness.store, harness.dataDir, { PARTICIPANT_MAX_IMAGES: '1' });
    expect((await putImage(restarted, p.token, second, 'a', clean)).statusCode).toBe(413);
    await restarted.close();

    const byBytes = await appOn(harness.store, harness.dataDir, {
      PARTICIPANT_MAX_IMAGE_BYTES: String(clean.byteLength + 1000),
    });
    const q = await participant(byBytes);
    const s1 = await sessionOf(byBytes, q.token, ['a']);
    expect((await putImage(byBytes, q.token, s1, 'a', clean)).statusCode).toBe(200);
    const s2 = await sessionOf(byBytes, q.token, ['a']);
    const overBytes = await putImage(byBytes, q.token, s2, 'a', clean);
    expect(overBytes.statusCode).toBe(413);
    expect(overBytes.json().message).toMatch(/bytes/);
    await byBytes.close();
  });
  it("20 concurrent identical uploads of a session's one expected image: all 200, one stored, one file", async () => {
    const p = await participant(app);
    const sessionId = await sessionOf(app, p.token, ['a']);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => putImage(app, p.token, sessionId, 'a', clean)),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array<number>(20).fill(200));
    expect(responses.filter((r) => r.json().stored === true)).toHaveLength(1);
    const files = await filesUnder(path.join(harness.dataDir, 'images', p.id));
    expect(files).toHaveLength(1);
  });
});
