import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseConfig } from '../../server/config.ts';
import { ImageNotFoundError } from '../../server/storage/image-store.ts';
import { supabaseImageStore } from '../../server/storage/supabase.ts';
import { startFakeSupabase } from './fake-supabase.ts';

const SERVICE_ROLE_KEY = 'service-role-key-for-the-contract-test';

/**
 * Contract test: the Supabase image store, through the real supabase-js and tus-js-client, against a loopback
 * fake of the Storage endpoints it uses. Asserts what is sent (bucket, object path, auth headers, content
 * type, upsert) rather than Supabase's behaviour, which only a live project shows.
 */
describe('contract: Supabase Storage calls made by the image store', () => {
  let fake: Awaited<ReturnType<typeof startFakeSupabase>>;
  let config: SupabaseConfig;

  beforeAll(async () => {
    fake = await startFakeSupabase(SERVICE_ROLE_KEY);
    config = {
      url: fake.url,
      serviceRoleKey: SERVICE_ROLE_KEY,
      databaseUrl: 'postgres://unused',
      jwtSecret: undefined,
      bucket: 'bcd-contract',
      resumableThresholdBytes: 64 * 1024,
    };
  });

  afterAll(() => fake?.close());

  it('creates the bucket, private, only when it is missing', async () => {
    const store = supabaseImageStore(config);
    await store.ensureBucket();
    await store.ensureBucket();
    const bucketCalls = fake.requests.filter((r) => r.path.startsWith('/bucket'));
    expect(bucketCalls.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /bucket/bcd-contract',
      'POST /bucket',
      'GET /bucket/bcd-contract',
    ]);
    expect(JSON.parse(bucketCalls[1]!.body.toString())).toMatchObject({
      name: 'bcd-contract',
      public: false,
    });
    await expect(store.check()).resolves.toBeUndefined();
  });

  it('uploads with the service-role key, the object path, the content type and upsert', async () => {
    const store = supabaseImageStore(config);
    const bytes = randomBytes(1000);
    fake.requests.length = 0;
    await store.put('participant-1/session-1/image-1.jpg', bytes, 'image/jpeg');
    const [upload] = fake.requests;
    expect(upload).toMatchObject({
      method: 'POST',
      path: '/object/bcd-contract/participant-1/session-1/image-1.jpg',
    });
    expect(upload!.headers).toMatchObject({
      authorization: `Bearer ${SERVICE_ROLE_KEY}`,
      apikey: SERVICE_ROLE_KEY,
      'content-type': 'image/jpeg',
      'x-upsert': 'true',
    });
    expect(Buffer.compare(upload!.body, bytes)).toBe(0);
    expect(Buffer.compare(Buffer.from(await store.get('participant-1/session-1/image-1.jpg')), bytes)).toBe(
      0,
    );
    expect(fake.requests[1]).toMatchObject({
      method: 'GET',
      path: '/object/bcd-contract/participant-1/session-1/image-1.jpg',
    });
  });

  it('uses the resumable (TUS) endpoint above the size threshold', async () => {
    const store = supabaseImageStore(config);
    const bytes = randomBytes(200 * 1024);
    fake.requests.length = 0;
    await store.put('participant-1/session-1/large.png', bytes, 'image/png');
    const create = fake.requests.find((r) => r.method === 'POST' && r.path === '/upload/resumable');
    expect(create).toBeDefined();
    expect(create!.headers).toMatchObject({
      authorization: `Bearer ${SERVICE_ROLE_KEY}`,
      'x-upsert': 'true',
      'tus-resumable': '1.0.0',
      'upload-length': String(bytes.length),
    });
    const metadata = Object.fromEntries(
      String(create!.headers['upload-metadata'])
        .split(',')
        .map((pair) => pair.split(' '))
        .map(([k, v]) => [k, Buffer.from(v!, 'base64').toString()]),
    );
    expect(metadata).toMatchObject({
      bucketName: 'bcd-contract',
      objectName: 'participant-1/session-1/large.png',
      contentType: 'image/png',
    });
    expect(fake.objects.get('bcd-contract/participant-1/session-1/large.png')).toMatchObject({
      contentType: 'image/png',
    });
    expect(Buffer.compare(Buffer.from(await store.get('participant-1/session-1/large.png')), bytes)).toBe(0);
  });

  it('removes objects by path in one call and counts what existed', async () => {
    const store = supabaseImageStore(config);
    fake.requests.length = 0;
    const deleted = await store.delete([
      'participant-1/session-1/image-1.jpg',
      'participant-1/session-1/large.png',
      'participant-1/session-1/never-stored.jpg',
    ]);
    expect(deleted).toBe(2);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ method: 'DELETE', path: '/object/bcd-contract' });
    expect(JSON.parse(fake.requests[0]!.body.toString())).toEqual({
      prefixes: [
        'participant-1/session-1/image-1.jpg',
        'participant-1/session-1/large.png',
        'participant-1/session-1/never-stored.jpg',
      ],
    });
    await expect(store.get('participant-1/session-1/image-1.jpg')).rejects.toBeInstanceOf(ImageNotFoundError);
  });

  it('surfaces a refused key as an error, not as a missing image', async () => {
    const store = supabaseImageStore({ ...config, serviceRoleKey: 'wrong-key' });
    await expect(store.get('participant-1/x.jpg')).rejects.not.toBeInstanceOf(ImageNotFoundError);
    await expect(store.check()).rejects.toThrow();
  });
});
