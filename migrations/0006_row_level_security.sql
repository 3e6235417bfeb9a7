-- Row-level security for Supabase: a signed-in participant (role `authenticated`, auth.uid() = their id)
-- may read only their own rows through Supabase's APIs, and write none (uploads go through the sync server,
-- which checks consent). The server connects as the table owner, which RLS does not restrict.
-- Runs only where the `auth` schema exists (Supabase); on the embedded store it does nothing, and the runner
-- still records it, so the same file list applies everywhere.
DO $rls$
DECLARE
  owned_table text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth') THEN
    RETURN;
  END IF;

  FOREACH owned_table IN ARRAY ARRAY[
    'consents', 'sessions', 'images', 'session_analysis', 'angle_analysis', 'embeddings',
    'analysis_logs', 'feedback'
  ] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', owned_table);
    EXECUTE format(
      'CREATE POLICY %I ON %I FOR SELECT TO authenticated USING (participant_id = (SELECT auth.uid()))',
      owned_table || '_read_own', owned_table
    );
  END LOOP;

  ALTER TABLE participants ENABLE ROW LEVEL SECURITY;
  CREATE POLICY participants_read_own ON participants FOR SELECT TO authenticated
    USING (id = (SELECT auth.uid()));

  -- No policy at all: not readable through the API.
  ALTER TABLE schema_migrations ENABLE ROW LEVEL SECURITY;
END
$rls$;
