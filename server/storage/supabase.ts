import {
  createClient,
  StorageApiError,
  type SupabaseClient,
  type SupabaseClientOptions,
} from '@supabase/supabase-js';
import * as tus from 'tus-js-client';
import WebSocket from 'ws';
import type { SupabaseConfig } from '../config.ts';
import { ImageNotFoundError, type ImageStore } from './image-store.ts';

type RealtimeTransport = NonNullable<NonNullable<SupabaseClientOptions<'public'>['realtime']>['transport']>;

/** Storage's resumable endpoint needs chunks of exactly 6 MiB (Supabase docs, "Resumable Uploads"). */
const TUS_CHUNK_BYTES = 6 * 1024 * 1024;

/** Storage's remove endpoint takes at most 1,000 paths per call. */
const REMOVE_BATCH = 1000;

function isNotFound(error: unknown): boolean {
  if (!(error instanceof StorageApiError)) return false;
  const { status, statusCode } = error;
  // Storage answers a missing object with 404, or (older versions) 400 carrying statusCode "404".
  return status === 404 || statusCode === '404' || statusCode === 'not_found' || statusCode === 'NoSuchKey';
}

/** Uploads through Storage's TUS endpoint, for images above the standard upload's size limit. */
function resumableUpload(config: SupabaseConfig, path: string, bytes: Uint8Array, contentType: string) {
  return new Promise<void>((resolve, reject) => {
    const upload = new tus.Upload(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      endpoint: `${config.url}/storage/v1/upload/resumable`,
      headers: {
        authorization: `Bearer ${config.serviceRoleKey}`,
        apikey: config.serviceRoleKey,
        'x-upsert': 'true',
      },
      metadata: { bucketName: config.bucket, objectName: path, contentType, cacheControl: '3600' },
      chunkSize: TUS_CHUNK_BYTES,
      uploadDataDuringCreation: true,
      removeFingerprintOnSuccess: true,
      retryDelays: [0, 1000, 3000],
      onError: reject,
      onSuccess: () => resolve(),
    });
    upload.start();
  });
}

/**
 * Image store in a private Supabase Storage bucket, through supabase-js with the service-role key.
 * Images up to `config.resumableThresholdBytes` use the standard upload; larger ones the resumable (TUS)
 * endpoint. `ensureBucket` creates the bucket (private) when it is missing.
 */
export function supabaseImageStore(
  config: SupabaseConfig,
  client: SupabaseClient = createClient(config.url, config.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    // supabase-js builds a Realtime client even when unused, and Node 20 has no global WebSocket.
    // ws's constructor accepts more than realtime-js's declared `WebSocketLikeConstructor`; it is compatible.
    realtime: { transport: WebSocket as unknown as RealtimeTransport },
  }),
): ImageStore & { ensureBucket(): Promise<void> } {
  const bucket = () => client.storage.from(config.bucket);
  return {
    async put(path, bytes, contentType) {
      if (bytes.byteLength > config.resumableThresholdBytes) {
        await resumableUpload(config, path, bytes, contentType);
        return;
      }
      const { error } = await bucket().upload(path, bytes, { contentType, upsert: true });
      if (error) throw error;
    },
    async get(path) {
      const { data, error } = await bucket().download(path);
      if (error) {
        if (isNotFound(error)) throw new ImageNotFoundError(`no image stored at ${path}`);
        throw error;
      }
      return new Uint8Array(await data.arrayBuffer());
    },
    async delete(paths) {
      let deleted = 0;
      for (let i = 0; i < paths.length; i += REMOVE_BATCH) {
        const { data, error } = await bucket().remove(paths.slice(i, i + REMOVE_BATCH));
        if (error) throw error;
        deleted += data.length;
      }
      return deleted;
    },
    deleteParticipant(_participantId, knownPaths) {
      return this.delete(knownPaths);
    },
    async check() {
      const { error } = await client.storage.getBucket(config.bucket);
      if (error) throw error;
    },
    async ensureBucket() {
      const { error } = await client.storage.getBucket(config.bucket);
      if (!error) return;
      if (!isNotFound(error)) throw error;
      const created = await client.storage.createBucket(config.bucket, { public: false });
      if (created.error) throw created.error;
    },
  };
}
