import { angleLocalChange } from '../change/angle-change.ts';
import type { AngleLocalChange, AngleRegistrationFailure } from '../change/angle-change.ts';
import { withNoiseSamples } from '../change/noise-floor.ts';
import type { OpenCv } from '../cv.ts';
import { analyzeSession, toHistorySession } from './analyze.ts';
import { angleChangeInput, angleNoiseModel } from './angle-input.ts';
import type {
  AnalysisOptions,
  DatedSession,
  HistorySession,
  NoiseFloorInfo,
  ScoringSession,
  SessionAnalysis,
} from './types.ts';

/**
 * Analyses one session against the person's history (SPEC "Scores" and "Change engine"): for each angle with a
 * photo in an earlier session of the same model, the registered local change against the most recent
 * `RECENT_REFERENCES` such sessions and the first one, calibrated on the angle's noise; then `analyzeSession`.
 * Angles without a change raster, or whose photo aligns with no reference, are scored by embedding.
 * @param history earlier sessions, oldest first (as `scoreHistory` builds it, or as stored).
 * @throws Error as `analyzeSession`.
 */
export function scoreSession(
  cv: OpenCv,
  session: ScoringSession,
  history: readonly HistorySession[],
  options: AnalysisOptions,
): SessionAnalysis {
  const local = new Map<string, AngleLocalChange | AngleRegistrationFailure>();
  const firstFloors = new Map<string, NoiseFloorInfo>();
  for (const angle of new Set(session.images.map((i) => i.angle))) {
    const input = angleChangeInput(cv, session, history, options, angle);
    if (input === null) continue;
    if (input.recent.length === 0) {
      const { noise, synthetic } = angleNoiseModel(cv, input);
      firstFloors.set(angle, { synthetic, real: 0, delta_e: noise.p95 });
      continue;
    }
    local.set(angle, angleLocalChange(cv, input));
  }
  return analyzeSession(session, history, options, local, firstFloors);
}

/**
 * The order a history is scored in: by `taken_at` (compared as text, so ISO 8601 dates must share one form, e.g.
 * `Date.prototype.toISOString`'s UTC), then by `session_id` so that two sessions of the same instant always come in
 * the same order. The app sorts its sessions with it too, so its stored order is the one `scoreHistory` scores in.
 * @returns negative, 0 or positive, as `Array.prototype.sort` takes it.
 */
export function byTakenAt(
  a: { readonly taken_at: string; readonly session_id: string },
  b: { readonly taken_at: string; readonly session_id: string },
): number {
  if (a.taken_at !== b.taken_at) return a.taken_at < b.taken_at ? -1 : 1;
  return a.session_id < b.session_id ? -1 : a.session_id > b.session_id ? 1 : 0;
}

/**
 * Scores a whole history in the order it was photographed ({@link byTakenAt}; the input order does not matter),
 * each session against the ones before it: the one loop behind `bcd analyze` and the app's re-analysis, so both
 * give the same numbers.
 * @param onSession called after each session, e.g. for progress.
 * @returns one analysis per session, in the sorted order, with that order.
 */
export function scoreHistory(
  cv: OpenCv,
  sessions: readonly DatedSession[],
  options: AnalysisOptions,
  onSession?: (done: number, total: number) => void,
): { sessions: readonly DatedSession[]; analyses: readonly SessionAnalysis[] } {
  const sorted = [...sessions].sort(byTakenAt);
  const history: HistorySession[] = [];
  const analyses: SessionAnalysis[] = [];
  for (const session of sorted) {
    const analysis = scoreSession(cv, session, history, options);
    // Computed once here, where the session becomes a reference, rather than in every later session's scoring.
    const images = session.images.map((i) =>
      i.change ? { ...i, change: withNoiseSamples(cv, i.change) } : i,
    );
    history.push(toHistorySession({ ...session, images }, analysis));
    analyses.push(analysis);
    onSession?.(analyses.length, sorted.length);
  }
  return { sessions: sorted, analyses };
}
