/**
 * Brings rows stored (or exported) before the change engine (analysis versions before `bcd-2.0.0`) or before
 * sessions had their own date or photos their faces to today's shape, in place: the Dexie upgrades to schema versions 3 to 5 and the
 * import of an older export file both use them, so every stored row matches the core's types. The figures themselves stay as they were computed; re-analysis
 * (offered in Settings) measures them again.
 */

type Row = Record<string, unknown>;

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Adds the change engine's per-angle fields an older angle row lacks: their "not measured" values. Its
 * `change_score` was the embedding distance to the baseline, so that is its method when it had a baseline.
 */
export function withChangeFields(row: unknown): void {
  if (!isRow(row) || 'change_method' in row) return;
  row['change_method'] =
    typeof row['baseline_sessions'] === 'number' && row['baseline_sessions'] > 0 ? 'angle_embedding' : null;
  row['change_map'] = null;
  row['changed_area_fraction'] = 0;
  row['registration'] = null;
  row['noise_floor'] = null;
  row['references'] = [];
}

/** Older analyses had a null `angle_aware_score` when nothing was shared with a baseline; it is 0 now (seed phase 3). */
export function withNumericAngleAware(row: unknown): void {
  if (isRow(row) && row['angle_aware_score'] === null) row['angle_aware_score'] = 0;
}

/** Sessions stored or exported before schema version 4 had no `taken_at`: they are dated when they were made. */
export function withTakenAt(row: unknown): void {
  if (isRow(row) && typeof row['taken_at'] !== 'string') row['taken_at'] = row['created_at'];
}

/** Photos stored or exported before schema version 5 were not searched for faces: `faces` null (none looked for). */
export function withFaces(row: unknown): void {
  if (isRow(row) && !Array.isArray(row['faces'])) row['faces'] = null;
}
