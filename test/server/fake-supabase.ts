import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

/** One request as the fake received it, for the contract assertions. */
export interface RecordedRequest {
  readonly method: string;
  /** Decoded path below `/storage/v1` (or the full path for auth routes). */
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

interface StoredObject {
  readonly bytes: Buffer;
  readonly contentType: string;
}

interface TusUpload {
  readonly bucket: string;
  readonly objectName: string;
  readonly contentType: string;
  readonly length: number;
  chunks: Buffer[];
  offset: number;
}

/**
 * A loopback stand-in for the few Supabase endpoints the server uses: Storage (bucket get/create, object
 * upload/download/remove, TUS resumable upload) and Auth's JWKS. It checks the service-role bearer token on
 * every Storage call and records every request, so a test can check what supabase-js actually sends.
 * Not a Storage implementation: only the request and response shapes supabase-js and tus-js-client need.
 */
export async function startFakeSupabase(serviceRoleKey: string) {
  const buckets = new Set<string>();
  const objects = new Map<string, StoredObject>();
  const tus = new Map<string, TusUpload>();
  const requests: RecordedRequest[] = [];
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'fake-key-1', alg: 'ES256', use: 'sig' };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const storageError = (res: ServerResponse, status: number, statusCode: string, message: string) =>
    json(res, status, { statusCode, error: message, message });

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const fullPath = decodeURIComponent(url.pathname);
    if (fullPath === '/auth/v1/.well-known/jwks.json') {
      requests.push({ method: req.method!, path: fullPath, headers: req.headers, body });
      return json(res, 200, { keys: [jwk] });
    }
    if (!fullPath.startsWith('/storage/v1/')) return storageError(res, 404, '404', 'no such route');
    const path = fullPath.slice('/storage/v1'.length);
    requests.push({ method: req.method!, path, headers: req.headers, body });
    if (req.headers.authorization !== `Bearer ${serviceRoleKey}`) {
      return storageError(res, 403, '403', 'invalid signature');
    }

    let match: RegExpExecArray | null;
    if ((match = /^\/bucket\/([^/]+)$/.exec(path)) && req.method === 'GET') {
      // Storage answers a missing bucket with 400 and statusCode "404" (an object with a plain 404 below).
      if (!buckets.has(match[1]!)) return storageError(res, 400, '404', 'Bucket not found');
      return json(res, 200, { id: match[1], name: match[1], public: false });
    }
    if (path === '/bucket' && req.method === 'POST') {
      const { name, public: isPublic } = JSON.parse(body.toString()) as { name: string; public: boolean };
      if (isPublic) return storageError(res, 400, '400', 'the fake only makes private buckets');
      buckets.add(name);
      return json(res, 200, { name });
    }
    if ((match = /^\/object\/([^/]+)$/.exec(path)) && req.method === 'DELETE') {
      const { prefixes } = JSON.parse(body.toString()) as { prefixes: string[] };
      const removed = prefixes.filter((p) => objects.delete(`${match![1]}/${p}`));
      return json(
        res,
        200,
        removed.map((name) => ({ name, bucket_id: match![1], id: randomUUID() })),
      );
    }
    if ((match = /^\/object\/([^/]+)\/(.+)$/.exec(path))) {
      const [, bucket, name] = match;
      const key = `${bucket}/${name}`;
      if (!buckets.has(bucket!)) return storageError(res, 400, '404', 'Bucket not found');
      if (req.method === 'POST' || req.method === 'PUT') {
        if (objects.has(key) && req.headers['x-upsert'] !== 'true')
          return storageError(res, 409, '409', 'Duplicate');
        objects.set(key, { bytes: body, contentType: String(req.headers['content-type']) });
        return json(res, 200, { Key: key, Id: randomUUID() });
      }
      if (req.method === 'GET') {
        const object = objects.get(key);
        if (!object) return storageError(res, 404, 'not_found', 'Object not found');
        res.writeHead(200, { 'content-type': object.contentType }).end(object.bytes);
        return;
      }
    }
    if (path === '/upload/resumable' && req.method === 'POST') {
      const metadata = Object.fromEntries(
        String(req.headers['upload-metadata'] ?? '')
          .split(',')
          .map((pair) => pair.trim().split(' '))
          .map(([k, v]) => [k, Buffer.from(v ?? '', 'base64').toString()]),
      );
      if (!buckets.has(metadata.bucketName ?? '')) return storageError(res, 400, '404', 'Bucket not found');
      const id = randomUUID();
      const upload: TusUpload = {
        bucket: metadata.bucketName!,
        objectName: metadata.objectName!,
        contentType: metadata.contentType ?? 'application/octet-stream',
        length: Number(req.headers['upload-length']),
        chunks: [],
        offset: 0,
      };
      tus.set(id, upload);
      if (body.length > 0) appendTus(upload, body);
      res
        .writeHead(201, {
          'tus-resumable': '1.0.0',
          location: `${base}/storage/v1/upload/resumable/${id}`,
          'upload-offset': String(upload.offset),
        })
        .end();
      return;
    }
    if ((match = /^\/upload\/resumable\/([^/]+)$/.exec(path))) {
      const upload = tus.get(match[1]!);
      if (!upload) return storageError(res, 404, '404', 'Upload not found');
      if (req.method === 'HEAD') {
        res
          .writeHead(200, {
            'tus-resumable': '1.0.0',
            'upload-offset': String(upload.offset),
            'upload-length': String(upload.length),
            'cache-control': 'no-store',
          })
          .end();
        return;
      }
      if (req.method === 'PATCH') {
        if (Number(req.headers['upload-offset']) !== upload.offset)
          return storageError(res, 409, '409', 'offset');
        appendTus(upload, body);
        res.writeHead(204, { 'tus-resumable': '1.0.0', 'upload-offset': String(upload.offset) }).end();
        return;
      }
    }
    return storageError(res, 404, '404', `fake has no ${req.method} ${path}`);
  };

  const appendTus = (upload: TusUpload, chunk: Buffer) => {
    upload.chunks.push(chunk);
    upload.offset += chunk.length;
    if (upload.offset === upload.length) {
      objects.set(`${upload.bucket}/${upload.objectName}`, {
        bytes: Buffer.concat(upload.chunks),
        contentType: upload.contentType,
      });
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    requests,
    objects,
    buckets,
    /** Signs a Supabase-style access token with the key published in the fake JWKS. */
    signWithJwks: (claims: Record<string, unknown>, subject: string) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
        .setSubject(subject)
        .setIssuer(`${base}/auth/v1`)
        .setAudience('authenticated')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey as CryptoKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
