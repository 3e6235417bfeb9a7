import type { ChangeMap, HistorySession, ScoringSession } from '../../core/scoring/index.ts';
import type { ImageRow } from './schema.ts';
import { db } from './schema.ts';
import { loadScoringHistory, loadScoringSession } from './sessions.ts';

/** A session's photos, in slot order (position), for the Compare screen's thumbnails. */
export function sessionImages(sessionId: string): Promise<ImageRow[]> {
  return db.images.where('session_id').equals(sessionId).sortBy('position');
}

/**
 * The stored change map of `angle` in session `later` by `modelId`, when it was measured against session
 * `earlier` (the map is the change against the angle's most recent reference, so only that pair has one).
 * @returns null when the angle has no map, or its map was measured against another session.
 */
export async function storedPairMap(
  earlier: string,
  later: string,
  angle: string,
  modelId: string,
): Promise<ChangeMap | null> {
  const rows = await db.angle_analyses.where('[session_id+model_id]').equals([later, modelId]).toArray();
  const row = rows.find((r) => r.angle === angle);
  return row?.registration?.reference_session_id === earlier ? row.change_map : null;
}

/** What the core's `pairChangeMap` reads for one angle of two stored sessions. */
export interface PairMapInputs {
  /** The earlier session, as scoring sees it. */
  reference: ScoringSession;
  /** The later session, as scoring sees it. */
  session: ScoringSession;
  /** The history the later session is scored against (`loadScoringHistory` before it). */
  history: HistorySession[];
}

/**
 * The inputs of the change map in session `later` against session `earlier` by `modelId`, read as scoring reads
 * them: both sessions, and the history `later` is scored against.
 * @returns undefined when either session is missing.
 */
export async function pairMapInputs(
  earlier: string,
  later: string,
  modelId: string,
): Promise<PairMapInputs | undefined> {
  const [row, reference, session] = await Promise.all([
    db.sessions.get(later),
    loadScoringSession(earlier, modelId),
    loadScoringSession(later, modelId),
  ]);
  if (!row || !reference || !session) return undefined;
  const history = await loadScoringHistory(modelId, { taken_at: row.taken_at, session_id: later });
  return { reference, session, history };
}
