import { createHash } from 'node:crypto';
import { float32LittleEndianBytes } from '../../src/sync/vector-base64.ts';

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
  return createHash('sha256')
    .update([e.modelId, e.sessionId, e.kind, e.subject].join('\0'))
    .update('\0')
    .update(float32LittleEndianBytes(e.vector))
    .digest('hex');
}
