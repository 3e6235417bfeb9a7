import type { Outcome } from './evaluate.ts';

/** The Stable / Mild Variation bound (SPEC levels): a score at or over it is a detection. */
export const DETECTION_BOUND = 0.1;

/**
 * Area under the ROC curve of `positives` against `negatives` (the Mann–Whitney U statistic over their product;
 * ties count half). 0.5 is chance. @throws RangeError when either side is empty.
 */
export function auroc(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) throw new RangeError('AUROC needs both classes');
  let wins = 0;
  for (const p of positives) for (const n of negatives) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (positives.length * negatives.length);
}

/** Share of `scores` at or over `DETECTION_BOUND`; NaN when empty. */
export function rateAtBound(scores: readonly number[]): number {
  return scores.length === 0 ? NaN : scores.filter((s) => s >= DETECTION_BOUND).length / scores.length;
}

export type ScoreKey = 'new' | 'old';

/** The benchmark's headline figures for one score, over a set of outcomes. */
export interface Figures {
  /** Sessions: changed (area ≥ `minArea`) vs stable, on `angle_aware_score`. */
  readonly session_auroc: number;
  /** Angles: changed angles vs unchanged angles of stable sessions, on `change_score`. */
  readonly angle_auroc: number;
  /** Changed sessions (area ≥ `minArea`) scored at or over 0.10. */
  readonly detection: number;
  /** Stable sessions scored at or over 0.10. */
  readonly false_alarms: number;
  /** Hard-noise sessions scored at or over 0.10. */
  readonly hard_false_alarms: number;
}

/** Headline figures of score `key`; changes smaller than `minArea` of the frame are left out of detection. */
export function figures(outcomes: readonly Outcome[], key: ScoreKey, minArea = 0): Figures {
  const changed = outcomes.filter((o) => o.spec.kind === 'change' && o.spec.area >= minArea);
  const stable = outcomes.filter((o) => o.spec.kind === 'stable');
  const hard = outcomes.filter((o) => o.spec.kind === 'hard');
  const changedAngles = changed.flatMap((o) =>
    o.angles.filter((a) => o.changedAngles.includes(a.angle)).map((a) => a[key]),
  );
  const stableAngles = stable.flatMap((o) => o.angles.map((a) => a[key]));
  return {
    session_auroc: auroc(
      changed.map((o) => o.session[key]),
      stable.map((o) => o.session[key]),
    ),
    angle_auroc: auroc(changedAngles, stableAngles),
    detection: rateAtBound(changed.map((o) => o.session[key])),
    false_alarms: rateAtBound(stable.map((o) => o.session[key])),
    hard_false_alarms: rateAtBound(hard.map((o) => o.session[key])),
  };
}
