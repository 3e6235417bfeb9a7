import { createHash } from 'node:crypto';

/**
 * The idempotency hash of an embedding: sha256 (hex) over its model id, session id, kind, subject (image
 * id, angle or '') and the vector as little-endian float32 bytes. Equal hash = the same vector for the
 * same thing, so a retried upload is recognised and writes nothing.
 */
export function embeddingIdempotencyHash(e: {
  modelId: string;
  sessionId: string;
  kind: string;
  subject: string;
  vector: Float32Array;
}): string {
  const bytes = new Uint8Array(e.vector.length * 4);
  const view = new DataView(bytes.buffer);
  e.vector.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return createHash('sha256')
    .update([e.modelId, e.sessionId, e.kind, e.subject].join('\0'))
    .update('\0')
    .update(bytes)
    .digest('hex');
}
