import type { DriftSpec, LastSession } from './histories.ts';
import { CHANGE_KINDS } from './synth.ts';

/** Areas of the planted changes, as shares of the frame (issue 7: 1–8 %). */
export const CHANGE_AREAS: readonly number[] = [0.01, 0.02, 0.04, 0.08];

/**
 * The last-session variants of each person: `stable` and `hard` repeats, and every change kind at every area.
 * @param repeats how many stable and hard draws per person.
 */
export function lastSessionVariants(repeats: number, areas: readonly number[] = CHANGE_AREAS): LastSession[] {
  const out: LastSession[] = [];
  for (let i = 0; i < repeats; i++) out.push({ kind: 'stable' }, { kind: 'hard' });
  for (const change of CHANGE_KINDS) for (const area of areas) out.push({ kind: 'change', change, area });
  return out;
}

/** Areas of the slow drifts: the small end, where a drift of a quarter per session hides best. */
export const DRIFT_AREAS: readonly number[] = [0.02, 0.04];

/** One slow-drift history per change kind and drift area. */
export function driftVariants(areas: readonly number[] = DRIFT_AREAS): DriftSpec[] {
  return CHANGE_KINDS.flatMap((change) => areas.map((area) => ({ change, area })));
}
