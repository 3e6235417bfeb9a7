import { RECENT_REFERENCES, angleNoise } from '../change/angle-change.ts';
import type { AngleChangeInput, ImageChange, ReferencePhoto } from '../change/angle-change.ts';
import { noiseFloor } from '../change/calibration.ts';
import type { NoiseModel } from '../change/calibration.ts';
import { withNoiseSamples } from '../change/noise-floor.ts';
import type { OpenCv } from '../cv.ts';
import { bestPhotoChange } from './best-photo.ts';
import type { AnalysisOptions, HistorySession, ScoredImage, ScoringSession } from './types.ts';

/** The photo of `angle` the change engine compares in a session (`bestPhotoChange`); null when none has a raster. */
export function bestPhoto(images: readonly ScoredImage[], angle: string): ImageChange | null {
  return bestPhotoChange(images, angle, (i) => i.change) ?? null;
}

/**
 * What the change engine compares for `angle` of `session` (SPEC "Change engine"): the session's best photo of the
 * angle, the most recent `RECENT_REFERENCES` earlier sessions of the same model (within the baseline window) that
 * have the angle, the first such session when it is not among them, and the real noise samples of them all.
 * References get their synthetic noise samples here when they still lack them (`withNoiseSamples`).
 * @param history earlier sessions, oldest first, as `scoreSession` takes them.
 * @returns null when the session has no change raster of the angle; `recent` is empty when no earlier session has.
 */
export function angleChangeInput(
  cv: OpenCv,
  session: ScoringSession,
  history: readonly HistorySession[],
  options: AnalysisOptions,
  angle: string,
): AngleChangeInput | null {
  const photo = bestPhoto(session.images, angle);
  if (photo === null) return null;
  const sameModel = history.filter((s) => s.model_id === session.model_id && s.images.length > 0);
  const window = options.baselineWindow === null ? sameModel : sameModel.slice(-options.baselineWindow);
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
  return {
    photo,
    recent: earlier.slice(-RECENT_REFERENCES),
    first: earlier.length > RECENT_REFERENCES ? earlier[0]! : null,
    realSamples: earlier.flatMap((e) => e.samples),
  };
}

/**
 * The noise model the change engine calibrates `input`'s angle with: `angleNoise` of its references; for an angle
 * no earlier session has (empty `recent`), the photo's own synthetic samples alone, its first noise floor.
 * @returns the model (ΔE*) and how many synthetic samples it pooled.
 */
export function angleNoiseModel(
  cv: OpenCv,
  input: AngleChangeInput,
): { noise: NoiseModel; synthetic: number } {
  if (input.recent.length > 0) return angleNoise(input);
  const { noise_samples } = withNoiseSamples(cv, input.photo);
  return { noise: noiseFloor(noise_samples, []), synthetic: noise_samples.length };
}
