import { angleEmbeddings } from './embeddings.ts';
import type { HistorySession } from './types.ts';
import { normalizedMean } from './vectors.ts';

export interface Baseline {
  /** Sessions the baseline is built from, oldest first (same model, inside the window). */
  readonly sessions: readonly HistorySession[];
  /** Per angle: the L2-normalised mean of that angle's embeddings over the baseline sessions. */
  readonly angles: ReadonlyMap<string, Float32Array>;
  /** Per angle: how many baseline sessions photographed it. */
  readonly angleSessionCounts: ReadonlyMap<string, number>;
}

/**
 * The rolling per-angle baseline (SPEC "Scores"): the `window` most recent earlier sessions (all when null)
 * whose vectors come from `modelId`. Vectors of another model are never mixed in; such sessions are skipped
 * until they are re-embedded.
 * @param history earlier sessions, oldest first.
 * @throws RangeError when `window` is not a positive integer or null.
 */
export function buildBaseline(
  history: readonly HistorySession[],
  modelId: string,
  window: number | null,
): Baseline {
  if (window !== null && !(Number.isInteger(window) && window > 0)) {
    throw new RangeError(`Baseline window must be a positive integer or null, got ${window}`);
  }
  const sameModel = history.filter((s) => s.model_id === modelId && s.images.length > 0);
  const sessions = window === null ? sameModel : sameModel.slice(-window);
  const perAngle = new Map<string, Float32Array[]>();
  for (const session of sessions) {
    for (const [angle, embedding] of angleEmbeddings(session.images)) {
      const list = perAngle.get(angle) ?? [];
      list.push(embedding);
      perAngle.set(angle, list);
    }
  }
  const angles = new Map<string, Float32Array>();
  const angleSessionCounts = new Map<string, number>();
  for (const [angle, list] of perAngle) {
    angles.set(angle, normalizedMean(list));
    angleSessionCounts.set(angle, list.length);
  }
  return { sessions, angles, angleSessionCounts };
}
