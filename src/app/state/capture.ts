import { latestAngleReference } from '../db/references.ts';
import { captureAlignmentHint } from '../text/change.ts';
import type { DraftPhoto, PhotoCheck } from './draft.ts';

/** An angle's reference photo as the capture overlay shows it. */
export interface OverlayReference {
  /** The photo as stored (upright once drawn with its EXIF orientation applied). */
  blob: Blob;
  /** The stored image's id and session, so a screen (or a test) can tell which photo it shows. */
  imageId: number;
  sessionId: string;
}

/**
 * The photo the capture overlay shows for `angle`: the angle's latest reference (the best photo of the most recent
 * session that has one, the photo a new one is registered to first), or undefined before the angle's first
 * analysed session (the framing guide is shown then).
 */
export async function overlayReference(angle: string): Promise<OverlayReference | undefined> {
  const reference = await latestAngleReference(angle);
  if (reference === undefined || reference.image.id === undefined) return undefined;
  return { blob: reference.image.blob, imageId: reference.image.id, sessionId: reference.session_id };
}

/** What the checklist says of one photo: still being checked, fine, or better taken again. */
export type PhotoAdvice = 'checking' | 'good' | 'retake';

/**
 * A photo's advice from its check: `retake` when the quality check raised any flag (each flag comes with a retake
 * hint, `ImageQuality.hints`) or the photo will not line up with the angle's latest earlier photo
 * (`captureAlignmentHint`); `good` otherwise.
 */
export function photoAdvice(check: PhotoCheck): PhotoAdvice {
  if (check.status === 'checking') return 'checking';
  if (check.quality.flags.length > 0 || captureAlignmentHint(check.alignment) !== null) return 'retake';
  return 'good';
}

/** Where an angle of the new session stands. */
export type AngleStatus = 'missing' | 'checking' | 'done' | 'retake';

/**
 * Where an angle stands given its photos in the draft: `missing` without a photo, `done` once one photo is good,
 * `checking` while a photo is checked and none is good yet, `retake` when every photo of it is advised to be
 * taken again.
 */
export function angleStatus(photos: readonly DraftPhoto[], angle: string): AngleStatus {
  const advice = photos.filter((p) => p.angle === angle).map((p) => photoAdvice(p.check));
  if (advice.length === 0) return 'missing';
  if (advice.includes('good')) return 'done';
  if (advice.includes('checking')) return 'checking';
  return 'retake';
}
