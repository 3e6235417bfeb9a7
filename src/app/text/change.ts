import type { Registration } from '../../core/change/index.ts';
import type { ChangeMethod } from '../../core/scoring/index.ts';

/** How an angle's change was measured, in plain words. */
export const CHANGE_METHOD_WORDS: Readonly<Record<ChangeMethod, string>> = {
  registered_local_change: 'lined up with your earlier photos and compared area by area',
  angle_embedding: 'compared as a whole with your earlier photos',
};

/** How a photo was lined up with its earlier one, in plain words (the method id stays in `data-method`). */
export function registrationWords(registration: Registration): string {
  switch (registration.method) {
    case 'ecc_homography':
    case 'ecc_affine':
      return `Lined up by its shapes and shading (match ${Math.round((registration.ecc_correlation ?? 0) * 100)} %)`;
    case 'features_homography':
      return `Lined up by ${registration.inliers ?? 0} matching details`;
    case 'failed':
      return 'Could not be lined up';
  }
}

/**
 * What a capture slot says when a new photo will not line up with the angle's latest earlier photo; null when it
 * lines up (or there was nothing to line it up with).
 */
export function captureAlignmentHint(alignment: Registration | null): string | null {
  if (alignment === null || alignment.method !== 'failed') return null;
  const reason = alignment.failure ?? 'it does not match the earlier photo';
  return (
    `This photo may not line up with your last photo of this angle: ${reason}. ` +
    'Retake it from the same distance and direction as last time, or keep it: its change will then be ' +
    'measured over the whole photo instead of area by area.'
  );
}
