import type { ChangeMap } from '../../core/scoring/index.ts';
import type { ImageRow } from './schema.ts';
import { db } from './schema.ts';

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
