import type { VariationLevel } from '../../core/scoring/index.ts';
import { VARIATION_LEVEL_LABELS } from '../../core/scoring/index.ts';

/** A score in [0, 1] as shown: three decimals, the precision the levels are defined at. */
export function formatScore(score: number): string {
  return score.toFixed(3);
}

/** A fraction in [0, 1] as a whole percentage. */
export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)} %`;
}

/** The neutral words for a variation level. */
export function levelLabel(level: VariationLevel): string {
  return VARIATION_LEVEL_LABELS[level];
}

/** How much to trust a result, in words, from the confidence score. */
export function confidenceWords(confidence: number): string {
  if (confidence >= 0.75) return 'Good';
  if (confidence >= 0.5) return 'Fair';
  return 'Low';
}

/** A date and time in the person's own locale. */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A date and time in few characters (for pickers), in the person's own locale. */
export function formatShortDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    year: '2-digit',
    hour: 'numeric',
    minute: '2-digit',
  });
}

/** A date in the person's own locale. */
export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

/** A byte count in KB/MB/GB. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Milliseconds as shown in logs and settings. */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
