import type { ImageQuality } from '../../core/quality/index.ts';
import {
  MAX_ANALYSIS_TEXT,
  type AngleAnalysisBody,
  type AnalysisLogSchema,
  type ConsentScope,
  type EmbeddingBody,
  type FeedbackBody,
  type RegistrationBody,
  type SessionUpload,
} from '../../sync/contract.ts';
import { float32ToBase64 } from '../../sync/vector-base64.ts';
import type { z } from 'zod';
import type {
  AnalysisLogRow,
  AnalysisRow,
  AngleAnalysisRow,
  EmbeddingRow,
  FeedbackRow,
  ImageRow,
  SessionRow,
} from '../db/schema.ts';

/** Vectors per session upload: 40 × 1280-d vectors are about 0.27 MB of JSON (base64), well under the 2 MiB body limit. */
export const VECTORS_PER_UPLOAD = 40;

type LogEntry = z.infer<typeof AnalysisLogSchema>;

/**
 * The server-side id of a photo: `<angle>__<position>`, as the scoring core and the researcher export name it.
 * Unique within its session and stable across an export and import of the device's data (local ids are not).
 */
export function imageClientId(image: Pick<ImageRow, 'angle' | 'position'>): string {
  return `${image.angle}__${image.position}`;
}

/** A log's id on the server: its session and local id, unique per participant. */
export function logClientId(log: Pick<AnalysisLogRow, 'id' | 'session_id'>): string {
  return `${log.session_id ?? 'none'}_log${log.id}`;
}

/** A feedback's id on the server: its session and local id, unique per participant. */
export function feedbackClientId(feedback: Pick<FeedbackRow, 'id' | 'session_id'>): string {
  return `${feedback.session_id}_fb${feedback.id}`;
}

/**
 * A float32 vector as the contract's `vector_f32` (base64 of its float32 bytes): the server gets the same float32
 * values bit for bit (so its idempotency hash is the same on every retry) in half the characters of 9-digit JSON
 * numbers, and reads them without parsing numbers (`src/sync/vector-base64.ts`).
 */
export function vectorBody(vector: Float32Array): { vector_f32: string } {
  return { vector_f32: float32ToBase64(vector) };
}

function qualityBody(quality: ImageQuality) {
  return {
    image_quality_score: quality.image_quality_score,
    blur_score: quality.blur_score,
    brightness: quality.brightness,
    contrast: quality.contrast,
    clipped_fraction: quality.clipped_fraction,
    flags: [...quality.flags],
  };
}

/**
 * The first upload of a session: capture time (the session's date, `taken_at`), angles, and each photo with its
 * quality figures. The server expects the photos' bytes only when `images` is consented to.
 */
export function sessionBody(
  session: SessionRow,
  images: readonly ImageRow[],
  scopes: readonly ConsentScope[],
): SessionUpload {
  return {
    captured_at: session.taken_at,
    angles_expected: [...session.angles],
    images_expected: scopes.includes('images') ? images.length : 0,
    images: images.map((image) => ({
      image_id: imageClientId(image),
      angle: image.angle,
      quality: qualityBody(image.quality),
    })),
  };
}

/** The stored pieces of one session's analysis by one model. */
export interface StoredAnalysis {
  readonly analysis: AnalysisRow;
  readonly angles: readonly AngleAnalysisRow[];
  /** Image embeddings of the same model. */
  readonly embeddings: readonly EmbeddingRow[];
}

/** `text` cut to the contract's length, so a long OpenCV message in a failure reason never makes a body invalid. */
function bounded(text: string | null): string | null {
  return text === null || text.length <= MAX_ANALYSIS_TEXT
    ? text
    : `${text.slice(0, MAX_ANALYSIS_TEXT - 1)}…`;
}

function registrationBody(registration: NonNullable<AngleAnalysisRow['registration']>): RegistrationBody {
  const correlation = registration.ecc_correlation;
  return {
    method: registration.method,
    // Cauchy–Schwarz in floating point lets the correlation of a photo with itself round past 1.
    ecc_correlation: correlation === null ? null : Math.min(1, Math.max(-1, correlation)),
    inliers: registration.inliers,
    overlap: registration.overlap,
    failure: bounded(registration.failure),
    reference_session_id: registration.reference_session_id,
    hint: bounded(registration.hint),
  };
}

/**
 * One angle analysis as the contract wants it, with the change engine's fields (without its embedding, which
 * travels as a vector).
 */
function angleAnalysisBody(a: AngleAnalysisRow): AngleAnalysisBody {
  return {
    angle: a.angle,
    image_count: a.image_count,
    change_score: a.change_score,
    variation_level: a.variation_level,
    baseline_sessions: a.baseline_sessions,
    angle_quality_score: a.angle_quality_score,
    change_method: a.change_method,
    change_map: a.change_map && {
      rows: a.change_map.rows,
      cols: a.change_map.cols,
      cells: [...a.change_map.cells],
    },
    changed_area_fraction: a.changed_area_fraction,
    registration: a.registration && registrationBody(a.registration),
    noise_floor: a.noise_floor && { ...a.noise_floor },
    references: a.references.map((r) => ({ session_id: r.session_id, raw_delta_e: r.raw_delta_e })),
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The analysis uploads of a session, in order: the session analysis with its angle analyses (and, with the
 * `embeddings` scope, the session and angle vectors), then the image vectors in batches of `VECTORS_PER_UPLOAD`.
 * Each body repeats the session metadata, as the contract's idempotent session upload wants.
 */
export function analysisBodies(
  base: SessionUpload,
  stored: StoredAnalysis,
  images: readonly ImageRow[],
  scopes: readonly ConsentScope[],
  vectorsPerUpload = VECTORS_PER_UPLOAD,
): SessionUpload[] {
  const { analysis, angles } = stored;
  const model_id = analysis.model_id;
  const withVectors = scopes.includes('embeddings');
  const metadata = {
    captured_at: base.captured_at,
    angles_expected: base.angles_expected,
    images_expected: base.images_expected,
  };
  const summary: EmbeddingBody[] = withVectors
    ? [
        { kind: 'session', model_id, ...vectorBody(analysis.session_embedding) },
        ...angles.map((a): EmbeddingBody => ({
          kind: 'angle',
          model_id,
          angle: a.angle,
          ...vectorBody(a.embedding),
        })),
      ]
    : [];
  const first: SessionUpload = {
    ...metadata,
    analysis: {
      analysis_version: analysis.analysis_version,
      model_id,
      overall_score: analysis.overall_score,
      variation_level: analysis.variation_level,
      angle_aware_score: analysis.angle_aware_score,
      session_quality_score: analysis.session_quality_score,
      analysis_confidence_score: analysis.analysis_confidence_score,
      image_quality_summary: {
        ...analysis.image_quality_summary,
        flag_counts: { ...analysis.image_quality_summary.flag_counts },
      },
      baseline_used: { ...analysis.baseline_used, session_ids: [...analysis.baseline_used.session_ids] },
      comparison_layers_used: [...analysis.comparison_layers_used],
    },
    angle_analyses: angles.map(angleAnalysisBody),
    ...(summary.length > 0 ? { embeddings: summary } : {}),
  };
  if (!withVectors) return [first];
  const imageOf = new Map(images.map((image) => [image.id, image]));
  const imageVectors = stored.embeddings.flatMap((e): EmbeddingBody[] => {
    const image = imageOf.get(e.image_id);
    return image
      ? [
          {
            kind: 'image',
            model_id,
            image_id: imageClientId(image),
            angle: image.angle,
            ...vectorBody(e.vector),
          },
        ]
      : [];
  });
  return [
    first,
    ...chunks(imageVectors, vectorsPerUpload).map((embeddings) => ({ ...metadata, embeddings })),
  ];
}

/**
 * One analysis log as the contract wants it: stage timings summed over the photos, the backend and model, the
 * confidence, and errors by stage and code only (their messages may name the person's files).
 */
export function logEntry(log: AnalysisLogRow): LogEntry {
  const sum = (key: 'decode_ms' | 'quality_ms' | 'preprocess_ms' | 'embed_ms') =>
    log.images.reduce((total, image) => total + image[key], 0);
  return {
    log_id: logClientId(log),
    ...(log.session_id === null ? {} : { session_id: log.session_id }),
    created_at: log.created_at,
    level: log.errors.length > 0 ? 'error' : 'info',
    backend: log.backend,
    model_id: log.model_id,
    stage_timings_ms: {
      decode: sum('decode_ms'),
      quality: sum('quality_ms'),
      preprocess: sum('preprocess_ms'),
      embed: sum('embed_ms'),
      scoring: log.scoring_ms,
      total: log.total_ms,
    },
    ...(log.confidence === null ? {} : { confidence: log.confidence }),
    errors: log.errors.map((e) => `${e.stage}: ${e.code}`),
    message: `${log.images.length} photo(s), analysis ${log.analysis_version}, ${log.threads} thread(s)`,
  };
}

/** One "this looks wrong" / "bad photo" note as the contract wants it; `image` is the flagged photo, if any. */
export function feedbackBody(feedback: FeedbackRow, image: ImageRow | undefined): FeedbackBody {
  return {
    feedback_id: feedbackClientId(feedback),
    session_id: feedback.session_id,
    ...(image ? { image_id: imageClientId(image), angle: image.angle } : {}),
    kind: feedback.kind,
    created_at: feedback.created_at,
  };
}
