import type { NoiseFloorBody, ReferenceComparisonBody, RegistrationBody } from '../../src/sync/contract.ts';
import type { Queryable } from '../db/database.ts';
import type { EmbeddingRef } from './embeddings.ts';

/** A participant with a current (not withdrawn) consent. */
export interface ConsentedParticipant {
  readonly participant_id: string;
  readonly consent_version: string;
  readonly scopes: string[];
  readonly granted_at: Date;
}

/** Participants whose current consent is not withdrawn, in id order. Nobody else is ever exported. */
export function consentedParticipants(db: Queryable): Promise<ConsentedParticipant[]> {
  return db.query<ConsentedParticipant>(
    `SELECT c.participant_id, c.consent_version, c.scopes, c.granted_at
     FROM consents c
     WHERE c.withdrawn_at IS NULL
     ORDER BY c.participant_id`,
  );
}

/** One image row with its session, the session's latest analysis and the matching angle analysis. */
export interface ExportImageRow {
  readonly participant_id: string;
  readonly session_id: string;
  readonly captured_at: Date;
  readonly images_expected: number;
  readonly image_id: string;
  readonly angle: string;
  readonly storage_path: string | null;
  readonly sha256: string | null;
  readonly byte_size: number | null;
  readonly content_type: string | null;
  /** What the device did about faces (`FACES_IN_IMAGE`); null when not recorded. */
  readonly faces: string | null;
  readonly received_at: Date | null;
  readonly image_quality_score: number | null;
  readonly blur_score: number | null;
  readonly brightness: number | null;
  readonly contrast: number | null;
  readonly clipped_fraction: number | null;
  readonly quality_flags: string[] | null;
  readonly model_id: string | null;
  readonly analysis_version: string | null;
  readonly overall_score: number | null;
  readonly session_variation_level: string | null;
  readonly angle_aware_score: number | null;
  readonly session_quality_score: number | null;
  readonly analysis_confidence_score: number | null;
  readonly baseline_sessions: number | null;
  readonly change_score: number | null;
  readonly angle_variation_level: string | null;
  readonly angle_quality_score: number | null;
  /** The change engine's fields of the angle analysis (SPEC "Change engine"); null when not recorded. */
  readonly change_method: string | null;
  readonly change_map_rows: number | null;
  readonly change_map_cols: number | null;
  readonly change_map_cells: number[] | null;
  readonly changed_area_fraction: number | null;
  readonly registration: RegistrationBody | null;
  readonly noise_floor: NoiseFloorBody | null;
  readonly reference_comparisons: ReferenceComparisonBody[] | null;
}

/**
 * Every image of the participant's sessions, ordered by session, angle, then arrival (stable across runs, so
 * file numbering `<angle>__<n>` does not move). Scores come from the session's most recently received
 * analysis.
 */
export function participantImages(db: Queryable, participantId: string): Promise<ExportImageRow[]> {
  return db.query<ExportImageRow>(
    `WITH latest AS (
       SELECT DISTINCT ON (session_id) *
       FROM session_analysis
       WHERE participant_id = $1
       ORDER BY session_id, received_at DESC, analysis_version DESC, model_id
     )
     SELECT s.participant_id, s.id AS session_id, s.captured_at, s.images_expected,
            i.id AS image_id, i.angle, i.storage_path, i.sha256, i.byte_size, i.content_type, i.faces,
            i.received_at,
            i.image_quality_score, i.blur_score, i.brightness, i.contrast, i.clipped_fraction, i.quality_flags,
            l.model_id, l.analysis_version, l.overall_score, l.variation_level AS session_variation_level,
            l.angle_aware_score, l.session_quality_score, l.analysis_confidence_score,
            (l.baseline_used ->> 'sessions')::int AS baseline_sessions,
            a.change_score, a.variation_level AS angle_variation_level, a.angle_quality_score,
            a.change_method, a.change_map_rows, a.change_map_cols, a.change_map_cells, a.changed_area_fraction,
            a.registration, a.noise_floor, a.reference_comparisons
     FROM sessions s
     JOIN images i ON i.session_id = s.id
     LEFT JOIN latest l ON l.session_id = s.id
     LEFT JOIN angle_analysis a ON a.session_id = l.session_id AND a.model_id = l.model_id
                                AND a.analysis_version = l.analysis_version AND a.angle = i.angle
     WHERE s.participant_id = $1
     ORDER BY s.captured_at, s.id, i.angle, i.received_at NULLS LAST, i.created_at, i.id`,
    [participantId],
  );
}

export interface ExportEmbeddingRow extends EmbeddingRef {
  readonly model_id: string;
  readonly dimensions: number;
  readonly idempotency_hash: string;
  readonly created_at: Date;
  /** pgvector text form. */
  readonly embedding: string;
}

/** Every embedding of the participant, in id order. */
export function participantEmbeddings(db: Queryable, participantId: string): Promise<ExportEmbeddingRow[]> {
  return db.query<ExportEmbeddingRow>(
    `SELECT id::int AS embedding_id, participant_id, session_id, kind, image_id, angle, model_id, dimensions,
            idempotency_hash, created_at, embedding::text AS embedding
     FROM embeddings WHERE participant_id = $1 ORDER BY id`,
    [participantId],
  );
}
