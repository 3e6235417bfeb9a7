import type { Queryable } from '../db/database.ts';
import { StatementParameters } from '../db/values.ts';

export interface EmbeddingValues {
  readonly participantId: string;
  readonly sessionId: string;
  readonly kind: 'image' | 'angle' | 'session';
  readonly imageId: string | null;
  readonly angle: string | null;
  /** The image id, the angle, or '' for the session (the database derives the same `subject` column). */
  readonly subject: string;
  readonly modelId: string;
  readonly vector: Float32Array;
  /** sha256 (hex) over model, session, kind, subject and vector bytes. */
  readonly idempotencyHash: string;
}

/**
 * pgvector's binary form of a vector (its `vector_recv` input): int16 dimension, int16 reserved (0), then each
 * value as a big-endian float4; both drivers send a Buffer parameter in binary format, so the values reach the
 * column bit for bit. Measured (`npm run bench:server`): parsing the text form `[0.1,…]` cost PGlite
 * 1.4 µs per value, 24 ms of a 13 × 1280 session, and printing it in JS 13 ms more; the binary form 2 ms in all.
 * @param vector 1–2000 values (pgvector's HNSW bound is checked by the table, not here).
 */
export function toVectorBinary(vector: Float32Array): Buffer {
  const bytes = Buffer.alloc(4 + 4 * vector.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setInt16(0, vector.length);
  view.setInt16(2, 0);
  // A plain loop over a DataView: `forEach` with `writeFloatBE` cost 0.6 ms of the server thread per session.
  for (let i = 0; i < vector.length; i++) view.setFloat32(4 + 4 * i, vector[i]!);
  return bytes;
}

/** Parses pgvector's text form back into float32. */
export function fromVectorLiteral(text: string): Float32Array {
  const inner = text.trim().slice(1, -1);
  return Float32Array.from(inner === '' ? [] : inner.split(',').map(Number));
}

/** Creates the cosine HNSW index for vectors of this dimension if missing (DDL in migration 0004). */
export async function ensureEmbeddingIndex(db: Queryable, dimensions: number): Promise<void> {
  await db.query('SELECT bcd_ensure_embedding_index($1)', [dimensions]);
}

/** The key of an embedding within its session, `model/kind/subject`, as `storedEmbeddingHashesSql` builds it. */
export function embeddingKey(e: Pick<EmbeddingValues, 'modelId' | 'kind' | 'subject'>): string {
  return `${e.modelId}/${e.kind}/${e.subject}`;
}

/**
 * A scalar subquery: the idempotency hashes of the session's stored embeddings as a jsonb object keyed
 * `model/kind/subject` (`embeddingKey`; `{}` when none).
 * @param sessionId the positional parameter (`$n`) of the session id, from the statement's `StatementParameters`.
 */
export function storedEmbeddingHashesSql(sessionId: string): string {
  return `(SELECT coalesce(jsonb_object_agg(model_id || '/' || kind || '/' || subject, idempotency_hash), '{}')
           FROM embeddings WHERE session_id = ${sessionId})`;
}

/**
 * Inserts the embeddings, or updates those whose idempotency hash changed; an identical retry writes
 * nothing (created_at is kept). Each (session, model, kind, subject) must appear once in `rows`.
 * Returns how many rows were inserted or changed.
 */
export async function upsertEmbeddings(db: Queryable, rows: readonly EmbeddingValues[]): Promise<number> {
  if (rows.length === 0) return 0;
  const p = new StatementParameters();
  const values = p.rows(
    rows.map((r) => [
      r.participantId,
      r.sessionId,
      r.kind,
      r.imageId,
      r.angle,
      r.modelId,
      r.vector.length,
      toVectorBinary(r.vector),
      r.idempotencyHash,
    ]),
    ['::uuid', '', '', '', '', '', '::int', '::vector', ''],
  );
  const changed = await db.query(
    `INSERT INTO embeddings (participant_id, session_id, kind, image_id, angle, model_id, dimensions, embedding,
                             idempotency_hash)
     VALUES ${values}
     ON CONFLICT (session_id, model_id, kind, subject) DO UPDATE SET
       image_id = EXCLUDED.image_id,
       angle = EXCLUDED.angle,
       dimensions = EXCLUDED.dimensions,
       embedding = EXCLUDED.embedding,
       idempotency_hash = EXCLUDED.idempotency_hash,
       updated_at = now()
     WHERE embeddings.idempotency_hash <> EXCLUDED.idempotency_hash
     RETURNING id`,
    p.values,
  );
  return changed.length;
}

/** How many embeddings of the session are stored (all models and kinds). */
export async function countSessionEmbeddings(db: Queryable, sessionId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM embeddings WHERE session_id = $1',
    [sessionId],
  );
  return row?.n ?? 0;
}

/** Which stored vector a row speaks of, and whose. */
export interface EmbeddingRef {
  readonly embedding_id: number;
  readonly participant_id: string;
  readonly session_id: string;
  readonly kind: string;
  readonly image_id: string | null;
  readonly angle: string | null;
}

export interface Neighbour extends EmbeddingRef {
  /** 1 − cosine similarity, in [0, 2]. */
  readonly cosine_distance: number;
}

/**
 * The `k` stored vectors of `modelId` nearest to `query` by cosine distance: through the dimension's HNSW index
 * where the deployment builds one (approximate, as HNSW is; `EMBEDDING_INDEX`), else by an exact scan.
 * Optionally limited to one participant and one kind.
 */
export async function nearestEmbeddings(
  db: Queryable,
  q: {
    modelId: string;
    query: Float32Array;
    k: number;
    participantId?: string;
    kind?: 'image' | 'angle' | 'session';
  },
): Promise<Neighbour[]> {
  const dims = q.query.length;
  if (!Number.isInteger(dims) || dims < 1 || dims > 2000) throw new RangeError(`bad query dimension ${dims}`);
  // The dimension is inlined (a checked integer) so the planner matches the partial index's predicate.
  return db.query<Neighbour>(
    `SELECT id::int AS embedding_id, participant_id, session_id, kind, image_id, angle,
            (embedding::vector(${dims}) <=> $1::vector(${dims}))::float8 AS cosine_distance
     FROM embeddings
     WHERE dimensions = ${dims} AND model_id = $2
       AND ($3::uuid IS NULL OR participant_id = $3::uuid)
       AND ($4::text IS NULL OR kind = $4::text)
     ORDER BY embedding::vector(${dims}) <=> $1::vector(${dims})
     LIMIT $5`,
    [toVectorBinary(q.query), q.modelId, q.participantId ?? null, q.kind ?? null, q.k],
  );
}

/** Deletes every embedding of the participant; returns how many. */
export async function deleteEmbeddings(db: Queryable, participantId: string): Promise<number> {
  return (await db.query('DELETE FROM embeddings WHERE participant_id = $1 RETURNING id', [participantId]))
    .length;
}
