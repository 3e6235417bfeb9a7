-- Pseudonymous participants and their consent records. A participant id is a random UUID (embedded mode)
-- or the Supabase Auth user id (Supabase mode); nothing else about the person is stored.
CREATE TABLE participants (
  id uuid PRIMARY KEY,
  enrolled_at timestamptz NOT NULL DEFAULT now()
);

-- One row per consent given. Changing the version or scopes closes the current row (withdrawn_at) and
-- opens a new one, so the history of what was agreed to, and when, is kept until the participant withdraws.
CREATE TABLE consents (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  participant_id uuid NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
  consent_version text NOT NULL,
  scopes text[] NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  withdrawn_at timestamptz,
  CHECK (withdrawn_at IS NULL OR withdrawn_at >= granted_at)
);

CREATE UNIQUE INDEX consents_one_current_per_participant ON consents (participant_id) WHERE withdrawn_at IS NULL;
