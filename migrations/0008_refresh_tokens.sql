-- Refresh tokens of embedded-mode participants (access tokens now expire). Only sha256 digests are stored, so the
-- database alone does not let anyone refresh. `refresh_hash` is the current token; `refresh_previous_hash` the one it
-- replaced, still accepted until the current one is first used (the phone may not have received the answer that
-- carried it). Both are NULL for participants enrolled before this migration (they refresh once with their old,
-- non-expiring access token) and in Supabase mode (Supabase Auth refreshes its own sessions).
ALTER TABLE participants
  ADD COLUMN refresh_hash bytea,
  ADD COLUMN refresh_previous_hash bytea,
  ADD COLUMN refreshed_at timestamptz,
  ADD CONSTRAINT participants_refresh_hash_length CHECK (octet_length(refresh_hash) = 32),
  ADD CONSTRAINT participants_refresh_previous_hash_length CHECK (octet_length(refresh_previous_hash) = 32);

CREATE UNIQUE INDEX participants_refresh_hash ON participants (refresh_hash) WHERE refresh_hash IS NOT NULL;
CREATE UNIQUE INDEX participants_refresh_previous_hash ON participants (refresh_previous_hash)
  WHERE refresh_previous_hash IS NOT NULL;
