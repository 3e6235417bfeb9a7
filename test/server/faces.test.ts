import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blurFaces } from '../../src/core/faces/blur.ts';
import { FACE_BLUR_MIN_SCORE } from '../../src/core/faces/detector.ts';
import { nodeFaceDetector } from '../../src/core/faces/detector.node.ts';
import { nodeDecoder } from '../../src/core/image/decode.node.ts';
import { HEADER_FACES, type FacesInImage } from '../../src/sync/contract.ts';
import { participantImages } from '../../server/repositories/export.ts';
import { encodeJpeg } from '../../scripts/sample-history/jpeg-encoder.node.ts';
import {
  appOn,
  auth,
  cleanJpeg,
  newId,
  openTestStore,
  participant,
  putSession,
  sessionBody,
  sha256,
} from './helpers.ts';
import { API_PATHS, HEADER_ANGLE, HEADER_SHA256 } from '../../src/sync/contract.ts';

/** Photos with people (photos/SOURCES.md): the group of three women and a head-and-shoulders portrait. */
const WITH_FACES = ['npm-vladmandic-face-api__sample1.jpg', 'kphotoalbum__jesper_2.jpg'] as const;

let harness: Awaited<ReturnType<typeof openTestStore>>;
let app: FastifyInstance;

beforeAll(async () => {
  harness = await openTestStore();
  app = await appOn(harness.store, harness.dataDir);
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await harness.close();
});

function upload(token: string, sessionId: string, imageId: string, bytes: Uint8Array, faces?: FacesInImage) {
  return app.inject({
    method: 'PUT',
    url: API_PATHS.image(sessionId, imageId),
    headers: {
      ...auth(token),
      'content-type': 'image/jpeg',
      [HEADER_ANGLE]: 'front',
      [HEADER_SHA256]: sha256(bytes),
      ...(faces ? { [HEADER_FACES]: faces } : {}),
    },
    payload: Buffer.from(bytes),
  });
}

/** A photo as the app uploads it without the `faces` consent: decoded, faces blurred, encoded as JPEG again. */
async function blurredJpeg(file: string): Promise<{ bytes: Uint8Array; found: number }> {
  const [decode, detector] = await Promise.all([nodeDecoder(), nodeFaceDetector()]);
  const image = await decode(await cleanJpeg(file));
  const faces = await detector.find(image, FACE_BLUR_MIN_SCORE);
  blurFaces(image, faces);
  return { bytes: await encodeJpeg(image, 95), found: faces.length };
}

async function newSession(token: string, imageIds: string[]): Promise<string> {
  const sessionId = newId();
  const put = await putSession(app, token, sessionId, sessionBody({ front: imageIds, left_side: [] }));
  expect(put.statusCode).toBe(200);
  return sessionId;
}

describe('faces in uploaded photos (real PGlite)', () => {
  it.each(WITH_FACES)(
    '%s: refused with 422 naming the face when the consent does not include faces',
    async (file) => {
      const p = await participant(app, ['sessions', 'images', 'embeddings']);
      const sessionId = await newSession(p.token, ['f1']);
      const res = await upload(p.token, sessionId, 'f1', await cleanJpeg(file));
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ error: 'image_refused' });
      expect(res.json().message).toMatch(/face.*consent does not include sharing faces/);
      const rows = await participantImages(harness.store.database, p.id);
      expect(rows.map((r) => r.sha256)).toEqual([null]);
    },
  );

  it.each(WITH_FACES)(
    '%s: the same photo with its faces blurred is accepted and recorded as blurred',
    async (file) => {
      const p = await participant(app, ['sessions', 'images', 'embeddings']);
      const sessionId = await newSession(p.token, ['f1']);
      const { bytes, found } = await blurredJpeg(file);
      expect(found).toBeGreaterThan(0);
      const res = await upload(p.token, sessionId, 'f1', bytes, 'blurred');
      expect(res.statusCode).toBe(200);
      const [row] = await participantImages(harness.store.database, p.id);
      expect(row).toMatchObject({ sha256: sha256(bytes), faces: 'blurred' });
    },
  );

  it('accepts a photo without people without the faces scope', async () => {
    const p = await participant(app, ['sessions', 'images', 'embeddings']);
    const sessionId = await newSession(p.token, ['f1']);
    const bytes = await cleanJpeg('opencv-doc__fruits.jpg');
    expect((await upload(p.token, sessionId, 'f1', bytes, 'none')).statusCode).toBe(200);
    expect((await participantImages(harness.store.database, p.id))[0]?.faces).toBe('none');
  });

  it('accepts faces unblurred under the faces scope, and records what the app said', async () => {
    const p = await participant(app, ['sessions', 'images', 'embeddings', 'faces']);
    const sessionId = await newSession(p.token, ['f1', 'f2']);
    const face = await cleanJpeg(WITH_FACES[0]);
    expect((await upload(p.token, sessionId, 'f1', face, 'unblurred')).statusCode).toBe(200);
    // An app from before face detection sends no x-faces: stored, not recorded.
    expect((await upload(p.token, sessionId, 'f2', await cleanJpeg(WITH_FACES[1]))).statusCode).toBe(200);
    const rows = await participantImages(harness.store.database, p.id);
    expect(rows.map((r) => [r.image_id, r.faces])).toEqual([
      ['f1', 'unblurred'],
      ['f2', null],
    ]);
  });

  it('refuses an x-faces value outside the contract with 400', async () => {
    const p = await participant(app, ['sessions', 'images', 'embeddings', 'faces']);
    const sessionId = await newSession(p.token, ['f1']);
    const res = await upload(
      p.token,
      sessionId,
      'f1',
      await cleanJpeg(WITH_FACES[0]),
      'hidden' as FacesInImage,
    );
    expect(res.statusCode).toBe(400);
  });
});
