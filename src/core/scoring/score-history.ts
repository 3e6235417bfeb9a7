import { RECENT_REFERENCES, angleLocalChange } from '../change/angle-change.ts';
import type {
  AngleLocalChange,
  AngleRegistrationFailure,
  ImageChange,
  ReferencePhoto,
} from '../change/angle-change.ts';
import { noiseFloor } from '../change/calibration.ts';
import { withNoiseSamples } from '../change/noise-floor.ts';
import type { OpenCv } from '../cv.ts';
import { analyzeSession, toHistorySession } from './analyze.ts';
import { bestPhotoChange } from './best-photo.ts';
import type {
  AnalysisOptions,
  DatedSession,
  HistorySession,
  NoiseFloorInfo,
  ScoredImage,
  ScoringSession,
  SessionAnalysis,
} from './types.ts';

function bestPhoto(images: readonly ScoredImage[], angle: string): ImageChange | null {
  return bestPhotoChange(images, angle, (i) => i.change) ?? null;
}

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
  const sameModel = history.filter((s) => s.model_id === session.model_id && s.images.length > 0);
  const window = options.baselineWindow === null ? sameModel : sameModel.slice(-options.baselineWindow);
  const local = new Map<string, AngleLocalChange | AngleRegistrationFailure>();
  const firstFloors = new Map<string, NoiseFloorInfo>();
  for (const angle of new Set(session.images.map((i) => i.angle))) {
    const photo = bestPhoto(session.images, angle);
    if (photo === null) continue;
    const earlier = window.flatMap((s): (ReferencePhoto & { samples: readonly number[] })[] => {
      const change = bestPhoto(s.images, angle);
      return change
        ? [
            {
              session_id: s.session_id,
              change: withNoiseSamples(cv, change),
              samples: s.local_change_samples[angle] ?? [],
            },
          ]
        : [];
    });
    if (earlier.length === 0) {
      const { noise_samples } = withNoiseSamples(cv, photo);
      firstFloors.set(angle, {
        synthetic: noise_samples.length,
        real: 0,
        delta_e: noiseFloor(noise_samples, []).p95,
      });
      continue;
    }
    const recent = earlier.slice(-RECENT_REFERENCES);
    local.set(
      angle,
      angleLocalChange(cv, {
        photo,
        recent,
        first: earlier.length > RECENT_REFERENCES ? earlier[0]! : null,
        realSamples: earlier.flatMap((e) => e.samples),
      }),
    );
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
