import type { AngleStatus } from '../state/capture.ts';

/** How the capture checklist names where an angle stands. */
export const ANGLE_STATUS_WORDS: Readonly<Record<AngleStatus, string>> = {
  missing: 'Missing',
  checking: 'Checking…',
  done: 'Done',
  retake: 'Retake advised',
};

/** What the camera says of a photo that passed its check. */
export const PHOTO_LOOKS_GOOD = 'This photo looks good: sharp, well lit and lined up.';

/** What the camera says of a photo that passed its check on an angle's first session (nothing to line up with). */
export const PHOTO_LOOKS_GOOD_FIRST = 'This photo looks good: sharp and well lit.';
