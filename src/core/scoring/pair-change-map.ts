import { calibratedChangeMap } from '../change/angle-change.ts';
import type { ChangeMap } from '../change/angle-change.ts';
import type { ChangeRaster } from '../change/raster.ts';
import type { OpenCv } from '../cv.ts';
import { angleChangeInput, angleNoiseModel } from './angle-input.ts';
import type { AnalysisOptions, HistorySession, ScoringSession } from './types.ts';

/** A change map of one angle against any reference, or why there is none. */
export type PairChangeMap =
  | { readonly map: ChangeMap }
  | {
      readonly map: null;
      /** `no_raster`: the session has no change raster of the angle; `not_lined_up`: it did not register. */
      readonly reason: 'no_raster' | 'not_lined_up';
    };

/**
 * The change map of `session`'s photo of `angle` against `reference` (any other session's change raster of the
 * angle), calibrated with the noise model `scoreSession` calibrates that angle with for the same `history`
 * (`angleNoiseModel`), so the colours mean what they mean in the stored map. For the reference the session was
 * measured against, it equals the stored `change_map` cell for cell.
 * @param history the sessions before `session`, oldest first, as `scoreSession` takes them.
 */
export function pairChangeMap(
  cv: OpenCv,
  reference: ChangeRaster,
  session: ScoringSession,
  history: readonly HistorySession[],
  options: AnalysisOptions,
  angle: string,
): PairChangeMap {
  const input = angleChangeInput(cv, session, history, options, angle);
  if (input === null) return { map: null, reason: 'no_raster' };
  const map = calibratedChangeMap(cv, reference, input.photo.raster, angleNoiseModel(cv, input).noise);
  return map === null ? { map: null, reason: 'not_lined_up' } : { map };
}
