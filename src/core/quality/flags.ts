import type { QualityFigures, QualityFlag, QualityThresholds } from './types.ts';

/**
 * What to do differently next time, one line per flag, for the person taking the photo. Plain words only: no
 * medical or alarming vocabulary (SPEC "Words never used").
 */
export const RETAKE_HINTS: Readonly<Record<QualityFlag, string>> = {
  blurry: 'Hold the phone still and tap the screen to focus before taking the photo.',
  too_dark: 'Turn on more light or face a window, then take the photo again.',
  too_bright: 'Move out of direct sunlight or away from the lamp, or tap on your skin to set the exposure.',
  low_contrast:
    'Wipe the camera lens and stand in front of a plain background that differs from your skin tone.',
  too_small: "Use the camera's full resolution, not a screenshot or a cropped copy.",
  uncertain:
    'This photo gives a less reliable reading. Retaking it in even light with the phone held steady helps.',
};

/**
 * The flags an image earns, in the fixed order blurry, too_dark, too_bright, low_contrast, too_small, uncertain.
 * Each is a strict comparison with its threshold (`blurry`: blur_score < t.blur; `too_dark`: brightness <
 * t.tooDark; `too_bright`: brightness > t.tooBright; `low_contrast`: contrast < t.lowContrast; `too_small`:
 * shorterSidePx < t.smallSidePx; `uncertain`: score < t.quality).
 * @param shorterSidePx shorter side of the decoded image before any scaling.
 * @param score the image's `image_quality_score`.
 */
export function qualityFlags(
  figures: QualityFigures,
  shorterSidePx: number,
  score: number,
  t: QualityThresholds,
): QualityFlag[] {
  const flags: QualityFlag[] = [];
  if (figures.blur_score < t.blur) flags.push('blurry');
  if (figures.brightness < t.tooDark) flags.push('too_dark');
  if (figures.brightness > t.tooBright) flags.push('too_bright');
  if (figures.contrast < t.lowContrast) flags.push('low_contrast');
  if (shorterSidePx < t.smallSidePx) flags.push('too_small');
  if (score < t.quality) flags.push('uncertain');
  return flags;
}
