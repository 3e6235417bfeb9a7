import { calibratedChangeMap } from '../change/angle-change.ts';
import type { ChangeMap } from '../change/angle-change.ts';
import type { OpenCv } from '../cv.ts';
import { angleChangeInput, angleNoiseModel, bestPhoto } from './angle-input.ts';
import type { AnalysisOptions, HistorySession, ScoringSession } from './types.ts';

/** A change map of one angle against any reference, or why there is none. */
export type PairChangeMap =
  | { readonly map: ChangeMap }
  | {
      readonly map: null;
      /** `no_raster`: a session has no change raster of the angle; `not_lined_up`: they did not register. */
      readonly reason: 'no_raster' | 'not_lined_up';
    };

/**
 * The change map of `session`'s photo of `angle` against `reference`'s (any other session's; each session's photo
 * of the angle is the one the change engine compares, `bestPhoto`, faces left out as there), calibrated with the
 * noise model `scoreSession` calibrates that angle of `session` with for the same `history` (`angleNoiseModel`),
 * so the colours mean what they mean in the stored map. For the reference the session was measured against, it
 * equals the stored `change_map` cell for cell.
 * @param history the sessions before `session`, oldest first, as `scoreSession` takes them.
 * @returns the map, or why there is none: `no_raster` when either session has no change raster of the angle.
 */
export function pairChangeMap(
  cv: OpenCv,
  reference: ScoringSession,
  session: ScoringSession,
  history: readonly HistorySession[],
  options: AnalysisOptions,
  angle: string,
): PairChangeMap {
  const earlier = bestPhoto(reference.images, angle);
  const input = angleChangeInput(cv, session, history, options, angle);
  if (earlier === null || input === null) return { map: null, reason: 'no_raster' };
  const map = calibratedChangeMap(cv, earlier, input.photo, angleNoiseModel(cv, input).noise);
  return map === null ? { map: null, reason: 'not_lined_up' } : { map };
}
