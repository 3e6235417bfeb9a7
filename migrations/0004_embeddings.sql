CREATE EXTENSION IF NOT EXISTS vector;

-- Embeddings of any model: `vector` without a fixed dimension, because models are dropped in with their own
-- output size. HNSW needs a fixed dimension, so each dimension gets its own partial expression index (see
-- bcd_ensure_embedding_index); nearest-neighbour queries filter on model_id and dimensions and order by
-- `embedding::vector(N) <=> $query::vector(N)` (cosine distance) to use it.
CREATE TABLE embeddings (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  participant_id uuid NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
  session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('image', 'angle', 'session')),
  image_id text,
  angle text,
  -- What the vector describes within its session: the image id, the angle, or '' for the session.
  subject text GENERATED ALWAYS AS (
    CASE kind WHEN 'image' THEN image_id WHEN 'angle' THEN angle ELSE '' END
  ) STORED,
  model_id text NOT NULL,
  dimensions integer NOT NULL CHECK (dimensions BETWEEN 1 AND 2000),
  embedding vector NOT NULL CHECK (vector_dims(embedding) = dimensions),
  -- sha256 of model id, session, kind, subject and the float32 bytes: equal hash = same vector, so a retry
  -- leaves the row (and its created_at) untouched.
  idempotency_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'image' OR image_id IS NOT NULL),
  CHECK (kind = 'session' OR angle IS NOT NULL),
  UNIQUE (session_id, model_id, kind, subject)
);

CREATE INDEX embeddings_participant ON embeddings (participant_id);
CREATE INDEX embeddings_model ON embeddings (model_id, dimensions);

-- The one place where vector-index DDL lives. Creates, once per dimension, the cosine HNSW index that
-- nearest-neighbour queries of that dimension use. The advisory lock keeps two concurrent first uploads of
-- a new dimension from racing on the index name.
CREATE FUNCTION bcd_ensure_embedding_index(dims integer) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  IF dims IS NULL OR dims < 1 OR dims > 2000 THEN
    RAISE EXCEPTION 'embedding dimension % is outside 1..2000', dims;
  END IF;
  PERFORM pg_advisory_xact_lock(4242002, dims);
  EXECUTE format(
    'CREATE INDEX IF NOT EXISTS %I ON embeddings USING hnsw ((embedding::vector(%s)) vector_cosine_ops) WHERE dimensions = %s',
    'embeddings_hnsw_cosine_' || dims, dims, dims
  );
END
$fn$;

-- Only the server (the owner) creates indexes; Supabase would otherwise expose the function over its API.
REVOKE EXECUTE ON FUNCTION bcd_ensure_embedding_index(integer) FROM PUBLIC;
