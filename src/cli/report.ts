import type { QualityFlag } from '../core/quality/index.ts';
import type {
  AngleAnalysis,
  BaselineUsed,
  ComparisonLayer,
  ImageQualitySummary,
  SessionComparison,
  VariationLevel,
} from '../core/scoring/index.ts';

/** One file of a session: its quality figures, or the reason it could not be analysed. */
export interface ImageReport {
  readonly file: string;
  readonly blur_score: number | null;
  readonly brightness: number | null;
  readonly contrast: number | null;
  readonly clipped_fraction: number | null;
  readonly image_quality_score: number | null;
  readonly flags: readonly QualityFlag[];
  readonly hints: readonly string[];
  /** Null when the image was analysed; otherwise `{code, message}` naming what was wrong with the file. */
  readonly error: { readonly code: string; readonly message: string } | null;
}

export interface AngleReport {
  readonly angle: string;
  /** Null when none of the angle's files could be analysed. */
  readonly change_score: number | null;
  readonly variation_level: VariationLevel | null;
  readonly change_method: AngleAnalysis['change_method'];
  readonly change_map: AngleAnalysis['change_map'];
  readonly changed_area_fraction: number | null;
  readonly registration: AngleAnalysis['registration'];
  readonly noise_floor: AngleAnalysis['noise_floor'];
  readonly angle_quality_score: number | null;
  readonly baseline_sessions: number;
  readonly images: readonly ImageReport[];
}

export interface SessionReport {
  readonly session_id: string;
  /** Scores are null when no file of the session could be analysed (then `error` says so). */
  readonly overall_score: number | null;
  readonly angle_aware_score: number | null;
  readonly analysis_confidence_score: number | null;
  readonly variation_level: VariationLevel | null;
  readonly session_quality_score: number | null;
  readonly baseline_used: BaselineUsed | null;
  readonly comparison_layers_used: readonly ComparisonLayer[];
  readonly image_quality_summary: ImageQualitySummary | null;
  readonly angles: readonly AngleReport[];
  readonly error: string | null;
}

/** `bcd analyze --json` output. */
export interface AnalyzeReport {
  readonly analysis_version: string;
  readonly model: { readonly id: string; readonly dims: number };
  readonly sessions: readonly SessionReport[];
}

/** `bcd compare --json` output. */
export interface CompareReport extends SessionComparison {
  readonly images: readonly ImageReport[];
}
