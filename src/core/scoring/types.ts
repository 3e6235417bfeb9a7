import type {
  AngleRegistration,
  ChangeMap,
  ImageChange,
  NoiseFloorInfo,
  ReferenceComparison,
} from '../change/angle-change.ts';

export type { AngleRegistration, ChangeMap, ImageChange, NoiseFloorInfo, ReferenceComparison };
import type { VariationLevel } from './levels.ts';
import type { Vector } from './vectors.ts';

/** The quality figures scoring needs from one image (a subset of the quality module's result). */
export interface ImageQualityFigures {
  /** [0, 1]; higher is better. */
  readonly image_quality_score: number;
  /** Mean luminance, 0–1. */
  readonly brightness: number;
  /** Standard deviation of luminance, 0–1. */
  readonly contrast: number;
  readonly flags: readonly string[];
}

/** One analysed image of a session: its angle, its L2-normalised embedding and its quality. */
export interface ScoredImage {
  readonly image_id: string;
  readonly angle: string;
  readonly embedding: Vector;
  readonly quality: ImageQualityFigures;
  /**
   * The change engine's copy of the photo and its synthetic noise samples. Absent for photos stored before the
   * change engine (`bcd-2.0.0`); their angles are scored by embedding until they are analysed again.
   */
  readonly change?: ImageChange;
}

/** A session as scoring sees it. `images` holds only images that decoded and embedded. */
export interface ScoringSession {
  readonly session_id: string;
  /** Id of the model that produced every embedding in `images`. */
  readonly model_id: string;
  readonly images: readonly ScoredImage[];
}

/** An earlier session with the scores it was given, used for the baseline and for history steadiness. */
export interface HistorySession extends ScoringSession {
  /** The earlier session's `angle_aware_score` (null when it had no baseline of its own). */
  readonly angle_aware_score: number | null;
  /**
   * Per angle, the raw local-change scores (ΔE*) this session got against its own references and that stayed
   * within its noise floor (see `toHistorySession`): the real noise samples later sessions calibrate against.
   * Empty for the first session.
   */
  readonly local_change_samples: Readonly<Record<string, readonly number[]>>;
}

/** A session with the time it was photographed, as `scoreHistory` takes it. */
export interface DatedSession extends ScoringSession {
  /** ISO 8601 date-time, or any string that sorts in the order the sessions were taken (the CLI: folder names). */
  readonly taken_at: string;
}

export interface AnalysisOptions {
  /** Angles a complete session covers (for coverage in the confidence score). */
  readonly expectedAngles: readonly string[];
  /** How many of the most recent earlier sessions form the baseline; `null` = all (SPEC default). */
  readonly baselineWindow: number | null;
}

export interface BaselineUsed {
  /** Number of earlier sessions the baseline was built from (0 for the first session). */
  readonly sessions: number;
  readonly session_ids: readonly string[];
  readonly window: number | null;
}

export interface ImageQualitySummary {
  readonly images: number;
  readonly mean_image_quality: number;
  readonly min_image_quality: number;
  /** How many images carry each quality flag. */
  readonly flag_counts: Readonly<Record<string, number>>;
}

export type ComparisonLayer = 'angle_embedding' | 'session_embedding' | 'registered_local_change';

/** What an angle's `change_score` was measured with. */
export type ChangeMethod = 'registered_local_change' | 'angle_embedding';

export interface AngleAnalysis {
  readonly angle: string;
  readonly image_count: number;
  /**
   * [0, 1]; 0 when the angle has no baseline yet. From `bcd-2.0.0` the calibrated registered local change (SPEC
   * "Change engine"); the cosine distance to the angle's baseline embedding when the photo aligned with no reference
   * or has no change raster (`change_method` says which).
   */
  readonly change_score: number;
  /** null for an angle with no baseline yet (its score is 0). */
  readonly change_method: ChangeMethod | null;
  /** Per-cell calibrated change against the latest reference (uint8 grid); null without a registered reference. */
  readonly change_map: ChangeMap | null;
  /** Share of the overlap whose cells reach the noise floor, [0, 1]; 0 without a registered reference. */
  readonly changed_area_fraction: number;
  /** The registration to the latest reference; null for an angle with no reference yet. */
  readonly registration: AngleRegistration | null;
  /** The personal noise floor the score was calibrated with; null when the photo has no change raster. */
  readonly noise_floor: NoiseFloorInfo | null;
  /** Raw local change against each reference compared (first session, then the recent ones). */
  readonly references: readonly ReferenceComparison[];
  readonly variation_level: VariationLevel;
  /** Earlier sessions that photographed this angle and so form its baseline. */
  readonly baseline_sessions: number;
  readonly angle_quality_score: number;
  /** L2-normalised mean of the angle's image embeddings. */
  readonly embedding: Float32Array;
}

export interface SessionAnalysis {
  readonly session_id: string;
  readonly analysis_version: string;
  readonly model_id: string;
  /** "Structural change": cosine distance of session embeddings over the angles shared with the baseline. */
  readonly overall_score: number;
  /** Level of `overall_score`. */
  readonly variation_level: VariationLevel;
  /** "Angle change": mean per-angle change over angles present in both; 0 without a shared angle (seed phase 3). */
  readonly angle_aware_score: number;
  readonly session_quality_score: number;
  readonly analysis_confidence_score: number;
  readonly image_quality_summary: ImageQualitySummary;
  readonly baseline_used: BaselineUsed;
  readonly comparison_layers_used: readonly ComparisonLayer[];
  readonly angles: readonly AngleAnalysis[];
  /** L2-normalised mean of the angle embeddings. */
  readonly session_embedding: Float32Array;
}

export type OverallTrend = 'stable' | 'mild_variation' | 'significant_shift';

export interface SessionComparison {
  readonly session_a: string;
  readonly session_b: string;
  readonly analysis_version: string;
  readonly model_id: string;
  readonly overall_delta: number;
  readonly stability_index: number;
  readonly overall_trend: OverallTrend;
  readonly angle_deltas: readonly {
    readonly angle: string;
    readonly delta: number;
    readonly variation_level: VariationLevel;
  }[];
  readonly angles_only_in_a: readonly string[];
  readonly angles_only_in_b: readonly string[];
  readonly comparison_method: string;
}
