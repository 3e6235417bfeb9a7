-- Analysis logs and feedback sent by the device. session_id has no foreign key: a log may describe an
-- analysis whose session was never uploaded. Withdrawal deletes by participant.
CREATE TABLE analysis_logs (
  participant_id uuid NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
  id text NOT NULL,
  session_id text,
  created_at timestamptz NOT NULL,
  level text NOT NULL CHECK (level IN ('info', 'warn', 'error')),
  backend text,
  model_id text,
  stage_timings_ms jsonb NOT NULL,
  confidence double precision CHECK (confidence BETWEEN 0 AND 1),
  errors jsonb NOT NULL,
  message text,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (participant_id, id)
);

-- "This looks wrong" / "bad photo" flags, kept for labelling (active learning).
CREATE TABLE feedback (
  participant_id uuid NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
  id text NOT NULL,
  session_id text,
  image_id text,
  angle text,
  kind text NOT NULL CHECK (kind IN ('result_looks_wrong', 'bad_photo', 'other')),
  note text,
  created_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (participant_id, id)
);
