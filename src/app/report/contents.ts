import type { VariationLevel } from '../../core/scoring/index.ts';

/** A photo as the report embeds it. */
export interface ReportImage {
  /** JPEG or PNG bytes. */
  readonly bytes: Uint8Array;
  readonly format: 'jpeg' | 'png';
  /** Pixel size, for the page layout. */
  readonly width: number;
  readonly height: number;
}

/** One angle of a chosen session. */
export interface ReportAngle {
  /** The person-facing angle name. */
  readonly name: string;
  /** This session's photo of the angle. */
  readonly photo: ReportImage;
  /** The earlier photo it was compared with (its change map's reference); null for the first photo of the angle. */
  readonly earlier: { readonly image: ReportImage; readonly takenAt: string } | null;
  /** The change map drawn over the photo lined up with the earlier one; null without a registered reference. */
  readonly changeMap: ReportImage | null;
  /** [0, 1]. */
  readonly changeScore: number;
  readonly level: VariationLevel;
  /** Share of the frame that changed, [0, 1]; null when the change was not measured area by area. */
  readonly changedArea: number | null;
  /** How the change was measured, in the app's neutral words (text/change.ts); null for a first photo. */
  readonly method: string | null;
  /** [0, 1]. */
  readonly quality: number;
}

/** One chosen session. */
export interface ReportSession {
  /** ISO 8601: when its photos were taken. */
  readonly takenAt: string;
  /** Structural change, [0, 1], and its level. */
  readonly structural: number;
  readonly level: VariationLevel;
  /** Angle change, [0, 1]. */
  readonly angleChange: number;
  /** Analysis confidence, [0, 1]. */
  readonly confidence: number;
  /** Earlier sessions its baseline was built from. */
  readonly baselineSessions: number;
  readonly analysisVersion: string;
  readonly angles: readonly ReportAngle[];
}

/** Everything a report holds: the chosen sessions, oldest first. */
export interface ReportContents {
  /** ISO 8601: when the report was made. */
  readonly madeAt: string;
  readonly sessions: readonly ReportSession[];
}
