-- The change engine's per-angle results (analysis version bcd-2.0.0 on; SPEC "Change engine"). Every column is
-- nullable: rows of earlier analyses, and uploads from apps that have not yet updated, do not have them (null =
-- not recorded). The sync contract checks the same bounds first, so these constraints only guard other writers.
ALTER TABLE angle_analysis
  -- What change_score was measured with; null for an angle with no baseline yet.
  ADD COLUMN change_method text
    CHECK (change_method IN ('registered_local_change', 'angle_embedding')),
  -- The change map against the latest reference: rows × cols uint8 cells, row-major (255 = outside the
  -- overlap). Three plain columns rather than jsonb so every bound is a constraint and cells index in SQL.
  ADD COLUMN change_map_rows smallint CHECK (change_map_rows BETWEEN 1 AND 64),
  ADD COLUMN change_map_cols smallint CHECK (change_map_cols BETWEEN 1 AND 64),
  ADD COLUMN change_map_cells smallint[]
    CHECK (array_ndims(change_map_cells) = 1 AND 0 <= ALL (change_map_cells) AND 255 >= ALL (change_map_cells)),
  -- Share of the overlap whose cells reach the noise floor.
  ADD COLUMN changed_area_fraction double precision CHECK (changed_area_fraction BETWEEN 0 AND 1),
  -- {method, ecc_correlation, inliers, overlap, failure, reference_session_id, hint}.
  ADD COLUMN registration jsonb CHECK (
    jsonb_typeof(registration) = 'object'
    AND registration ->> 'method' IN ('ecc_homography', 'ecc_affine', 'features_homography', 'failed')
  ),
  -- {synthetic, real, delta_e}: sample counts and the floor, ΔE*.
  ADD COLUMN noise_floor jsonb CHECK (jsonb_typeof(noise_floor) = 'object'),
  -- [{session_id, raw_delta_e}]: the raw change against each reference compared. Not named `references`,
  -- a reserved word in SQL.
  ADD COLUMN reference_comparisons jsonb CHECK (jsonb_typeof(reference_comparisons) = 'array'),
  ADD CONSTRAINT angle_analysis_change_map_whole CHECK (
    (change_map_rows IS NULL AND change_map_cols IS NULL AND change_map_cells IS NULL)
    OR (change_map_rows IS NOT NULL AND change_map_cols IS NOT NULL AND change_map_cells IS NOT NULL
        AND cardinality(change_map_cells) = change_map_rows * change_map_cols)
  );
