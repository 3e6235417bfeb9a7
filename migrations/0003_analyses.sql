-- Scores as computed on the device (SPEC "Scores"). One row per session, model and analysis version, so a
-- re-analysis after a model change is kept beside the earlier one instead of overwriting it.
CREATE TABLE session_analysis (
  session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  participant_id uuid NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
  model_id text NOT NULL,
  analysis_version text NOT NULL,
  overall_score double precision NOT NULL CHECK (overall_score BETWEEN 0 AND 1),
  variation_level text NOT NULL,
  angle_aware_score double precision CHECK (angle_aware_score BETWEEN 0 AND 1),
  session_quality_score double precision NOT NULL CHECK (session_quality_score BETWEEN 0 AND 1),
  analysis_confidence_score double precision NOT NULL CHECK (analysis_confidence_score BETWEEN 0 AND 1),
  image_quality_summary jsonb NOT NULL,
  baseline_used jsonb NOT NULL,
  comparison_layers_used text[] NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, model_id, analysis_version)
);

CREATE INDEX session_analysis_participant ON session_analysis (participant_id);

CREATE TABLE angle_analysis (
  session_id text NOT NULL,
  participant_id uuid NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
  model_id text NOT NULL,
  analysis_version text NOT NULL,
  angle text NOT NULL,
  image_count integer NOT NULL CHECK (image_count >= 0),
  change_score double precision NOT NULL CHECK (change_score BETWEEN 0 AND 1),
  variation_level text NOT NULL,
  baseline_sessions integer NOT NULL CHECK (baseline_sessions >= 0),
  angle_quality_score double precision NOT NULL CHECK (angle_quality_score BETWEEN 0 AND 1),
  PRIMARY KEY (session_id, model_id, analysis_version, angle),
  FOREIGN KEY (session_id, model_id, analysis_version)
    REFERENCES session_analysis (session_id, model_id, analysis_version) ON DELETE CASCADE
);

CREATE INDEX angle_analysis_participant ON angle_analysis (participant_id);
