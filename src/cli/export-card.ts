import type { ExportSummary } from './export-dataset.ts';

/**
 * The dataset card (`README.md` of an export): what the dataset holds, how it is laid out, where it came
 * from, and the conditions it was collected under. Plain, neutral words only.
 */
export function renderDatasetCard(
  summary: ExportSummary,
  exportedAt: Date,
  source: 'embedded' | 'supabase',
): string {
  const list = (items: readonly string[]) =>
    items.length === 0 ? 'none' : items.map((i) => `\`${i}\``).join(', ');
  return `# BCD research dataset

Exported ${exportedAt.toISOString()} from the ${source === 'embedded' ? 'embedded (PGlite) store' : 'Supabase project'} of a BCD sync server.

## What it holds
| | |
| --- | --- |
| Participants (current consent) | ${summary.participants} |
| Sessions | ${summary.sessions} |
| Image records (\`metadata.jsonl\` lines) | ${summary.images} |
| Image files | ${summary.imagesWritten + summary.imagesSkipped} |
| Vectors (\`vectors.jsonl\` lines) | ${summary.vectors} |
| Embedding models | ${list(summary.models)} |
| Consent-text versions | ${list(summary.consentVersions)} |

## Layout
- \`dataset/<participant>/<session>/<angle>.jpg\`: the photos of a session, one per angle; when an angle has
  several photos, \`<angle>__1.jpg\`, \`<angle>__2.jpg\`, … in the order they were received. PNG uploads keep
  \`.png\`. Photos were stripped of all metadata (EXIF, GPS, XMP, IPTC, comments) on the device, and the
  server refused any that still carried some.
- \`metadata.jsonl\`: one JSON object per image: \`participant_id\`, \`session_id\`, \`image_id\`, \`file\`
  (null when the bytes were not shared or not received), \`angle\`, \`captured_at\`, \`sha256\`, \`byte_size\`,
  \`quality\` (image_quality_score, blur_score, brightness, contrast, clipped_fraction, flags),
  \`session_scores\` (overall_score, variation_level, angle_aware_score, session_quality_score,
  analysis_confidence_score, baseline_sessions), \`angle_scores\` (change_score, variation_level,
  angle_quality_score and the change-engine fields below), \`model_id\`, \`analysis_version\`,
  \`consent_version\`.
- \`vectors.jsonl\`: one JSON object per embedding: \`embedding_id\`, \`participant_id\`, \`session_id\`,
  \`kind\` (image, angle or session), \`image_id\`, \`angle\`, \`model_id\`, \`dimensions\`,
  \`idempotency_hash\`, \`created_at\`, \`vector\` (float32 values, L2-normalised). Compare vectors only
  within one \`model_id\`.

## Scores
Computed on the participant's device by the BCD scoring core and recorded with their
\`analysis_version\`, always against the participant's own earlier sessions, in [0, 1]; variation levels
are Stable, Mild, Moderate, Higher and Strong Variation. From \`bcd-2.0.0\` on, an angle's change score
is its registered local change, calibrated so that the participant's own 95th percentile of retake noise
sits at 0.10; before it, and from \`bcd-2.0.0\` on when a photo could not be aligned, it is the cosine
distance (1 − cos) of the angle's embedding to its baseline. Before \`bcd-2.0.0\` the first session's
\`angle_aware_score\` is null; from it on, 0.0. The scores measure visible change between photos and say
nothing about health.

## Change-engine fields of \`angle_scores\`
Measured from \`bcd-2.0.0\` on; for earlier analyses they are null, or say that nothing was measured
(\`changed_area_fraction\` 0, no \`references\`).
- \`change_method\`: what the change score was measured with, \`registered_local_change\` or
  \`angle_embedding\`; null for an angle with no earlier session yet.
- \`changed_area_fraction\`: the share, in [0, 1], of the compared area whose grid cells differ from the
  reference by at least the participant's noise floor.
- \`change_map\`: a \`rows\` × \`cols\` grid (row-major \`cells\`) of per-cell change against the latest
  reference, each cell the calibrated score × 254 rounded (0 to 254), or 255 where the photos do not overlap;
  null when the photo was not aligned with a reference.
- \`registration\`: how the photo was aligned with the reference session's photo (\`method\` one of
  \`ecc_homography\`, \`ecc_affine\`, \`features_homography\` or \`failed\`), with the ECC correlation or
  the feature inliers, the \`overlap\` share of the reference frame, the \`reference_session_id\`, and the
  plain \`failure\` reason and retake \`hint\` when it could not be aligned.
- \`noise_floor\`: the participant's own retake-noise level for the angle (\`delta_e\`, CIELAB ΔE*) and how
  many \`synthetic\` (augmented copies of the reference) and \`real\` (earlier sessions) samples it rests on.
- \`references\`: each reference session compared (\`session_id\`) with the raw colour difference against it
  (\`raw_delta_e\`, ΔE*, null when the photo could not be aligned with that one).

## Consent and privacy
- Only participants whose consent is current (not withdrawn) are included, and of each only what their
  consent's scopes cover (\`sessions\`, \`images\`, \`embeddings\`).
- Ids are pseudonymous: random UUIDs (embedded store) or Supabase Auth user ids. The dataset holds no names,
  contact details or locations. Do not try to re-identify participants.
- A participant who withdraws is deleted from the server; the next export into the same folder removes
  their files (${summary.filesRemoved} removed by this run). Re-export before each use.
`;
}
