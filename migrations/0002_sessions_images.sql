-- Sessions and their images. Ids are the device's own (client-generated), which makes retries idempotent.
CREATE TABLE sessions (
  id text PRIMARY KEY,
  participant_id uuid NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
  captured_at timestamptz NOT NULL,
  angles_expected text[] NOT NULL,
  images_expected integer NOT NULL CHECK (images_expected >= 0),
  -- Why the last upload to this session was refused; cleared by the next accepted image.
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sessions_participant ON sessions (participant_id);

-- An image row exists once the device announced the image (with its quality) or uploaded its bytes;
-- storage_path, sha256, byte_size and content_type are set together when the bytes are stored.
CREATE TABLE images (
  session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  id text NOT NULL,
  participant_id uuid NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
  angle text NOT NULL,
  storage_path text,
  sha256 text,
  byte_size integer,
  content_type text,
  received_at timestamptz,
  image_quality_score double precision,
  blur_score double precision,
  brightness double precision,
  contrast double precision,
  clipped_fraction double precision,
  quality_flags text[],
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, id),
  CHECK ((storage_path IS NULL) = (received_at IS NULL)),
  CHECK ((storage_path IS NULL) = (sha256 IS NULL))
);

CREATE INDEX images_participant ON images (participant_id);
