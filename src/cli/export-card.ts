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
  angle_quality_score), \`model_id\`, \`analysis_version\`, \`consent_version\`.
- \`vectors.jsonl\`: one JSON object per embedding: \`embedding_id\`, \`participant_id\`, \`session_id\`,
  \`kind\` (image, angle or session), \`image_id\`, \`angle\`, \`model_id\`, \`dimensions\`,
  \`idempotency_hash\`, \`created_at\`, \`vector\` (float32 values, L2-normalised). Compare vectors only
  within one \`model_id\`.

## Scores
Computed on the participant's device by the BCD scoring core and recorded with their
\`analysis_version\`: change scores are cosine distances (1 − cos) to the participant's own earlier
sessions, in [0, 1]; variation levels are Stable, Mild, Moderate, Higher and Strong Variation. They measure
visible change between photos and say nothing about health.

## Consent and privacy
- Only participants whose consent is current (not withdrawn) are included, and of each only what their
  consent's scopes cover (\`sessions\`, \`images\`, \`embeddings\`).
- Ids are pseudonymous: random UUIDs (embedded store) or Supabase Auth user ids. The dataset holds no names,
  contact details or locations. Do not try to re-identify participants.
- A participant who withdraws is deleted from the server; the next export into the same folder removes
  their files (${summary.filesRemoved} removed by this run). Re-export before each use.
`;
}
