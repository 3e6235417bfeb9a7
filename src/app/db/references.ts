import type { ChangeRaster } from '../../core/change/index.ts';
import type { ImageChange } from '../../core/scoring/index.ts';
import { bestChangeOf, currentChanges } from './changes.ts';
import type { ImageRow } from './schema.ts';
import { db } from './schema.ts';
import { sessionIdsInOrder } from './sessions.ts';

/** An angle's reference photo: the stored photo whose change raster later photos of the angle register to first. */
export interface AngleReference {
  session_id: string;
  image: ImageRow;
  change: ImageChange;
}

/**
 * The latest reference of `angle`: in the latest stored session (in the history's order, by `taken_at`) that has a
 * change raster for it, its best photo (the one the change engine compares, `bestChangeOf`). Undefined when no
 * session has one.
 */
export async function latestAngleReference(angle: string): Promise<AngleReference | undefined> {
  for (const sessionId of (await sessionIdsInOrder()).reverse()) {
    const [images, changes] = await Promise.all([
      db.images.where('[session_id+angle]').equals([sessionId, angle]).toArray(),
      currentChanges([sessionId]),
    ]);
    const change = bestChangeOf(images, changes, angle);
    const image = images.find((i) => i.id !== undefined && changes.get(i.id) === change);
    if (change !== undefined && image !== undefined) return { session_id: sessionId, image, change };
  }
  return undefined;
}

/**
 * The latest reference's change raster of `angle` (what the next session's photo will be registered to first).
 * Undefined when no session has one.
 */
export async function latestAngleRaster(angle: string): Promise<ChangeRaster | undefined> {
  return (await latestAngleReference(angle))?.change.raster;
}
