import type { QualityFlag } from '../../core/quality/index.ts';

/** Short names of the quality flags, shown as chips beside a photo. */
export const FLAG_LABELS: Readonly<Record<QualityFlag, string>> = {
  blurry: 'Blurry',
  too_dark: 'Too dark',
  too_bright: 'Too bright',
  low_contrast: 'Low contrast',
  too_small: 'Small image',
  uncertain: 'Less reliable',
};

/** The person-facing name of a flag; unknown flags (from a newer analysis) are shown from their id. */
export function flagLabel(flag: string): string {
  return FLAG_LABELS[flag as QualityFlag] ?? flag.replace(/_/g, ' ');
}

/** Sharpness in words from the blur score (variance of the Laplacian at 512 px). */
export function sharpnessWords(blurScore: number, threshold: number): string {
  if (blurScore < threshold) return 'Blurry';
  if (blurScore < threshold * 4) return 'Soft';
  return 'Sharp';
}
