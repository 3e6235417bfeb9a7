import { ANALYSIS_VERSION } from '../../core/config.ts';
import type { ChangeRaster } from '../../core/change/index.ts';
import { bestPhotoChange } from '../../core/scoring/best-photo.ts';
import type { ImageChange } from '../../core/scoring/index.ts';
import type { ImageChangeRow, ImageRow } from './schema.ts';
import { db } from './schema.ts';

/** The row that keeps `change` (from the preprocess worker's `prepare`) beside the stored `image`. */
export function imageChangeRow(
  image: { id: number; session_id: string; angle: string },
  change: ImageChange,
  createdAt: string,
): ImageChangeRow {
  return {
    image_id: image.id,
    session_id: image.session_id,
    angle: image.angle,
    analysis_version: ANALYSIS_VERSION,
    width: change.raster.width,
    height: change.raster.height,
    rgb: change.raster.rgb,
    noise_samples: change.noise_samples === null ? null : [...change.noise_samples],
    created_at: createdAt,
  };
}

/** The core's view of a stored row. */
export function imageChangeOf(row: ImageChangeRow): ImageChange {
  return {
    raster: { width: row.width, height: row.height, rgb: row.rgb },
    noise_samples: row.noise_samples,
  };
}

/**
 * The change rows made by the analysis version in use, by image id: rows of another version are left out, so
 * their photos are scored by embedding (as photos stored before the change engine are) until analysed again.
 * @param sessionIds only these sessions' rows; all rows when omitted.
 */
export async function currentChanges(sessionIds?: readonly string[]): Promise<Map<number, ImageChange>> {
  const rows =
    sessionIds === undefined
      ? await db.image_changes.toArray()
      : await db.image_changes
          .where('session_id')
          .anyOf([...sessionIds])
          .toArray();
  return new Map(
    rows.filter((r) => r.analysis_version === ANALYSIS_VERSION).map((r) => [r.image_id, imageChangeOf(r)]),
  );
}

/**
 * The photo of `angle` the change engine compares (as the core's `scoreSession` picks it): the best-quality one
 * that has a change raster.
 */
export function bestChangeOf(
  images: readonly ImageRow[],
  changes: ReadonlyMap<number, ImageChange>,
  angle: string,
): ImageChange | undefined {
  return bestPhotoChange(images, angle, (image) =>
    image.id === undefined ? undefined : changes.get(image.id),
  );
}

/** The change raster of `angle` in stored session `sessionId` (its best photo), if it has one. */
export async function sessionAngleRaster(
  sessionId: string,
  angle: string,
): Promise<ChangeRaster | undefined> {
  const [images, changes] = await Promise.all([
    db.images.where('[session_id+angle]').equals([sessionId, angle]).toArray(),
    currentChanges([sessionId]),
  ]);
  return bestChangeOf(images, changes, angle)?.raster;
}

/**
 * Sessions whose photos' noise samples are looked for: only the analysis just made leaves them out, so the few
 * latest sessions hold every missing one unless the app was closed during several analyses in a row (and then
 * scoring computes them itself); a look at every raster of a long history would read tens of megabytes.
 */
const RECENT_SESSIONS = 3;

/**
 * The current analysis version's change rows whose noise samples are still to be computed, among the
 * `RECENT_SESSIONS` sessions stored last.
 */
export async function changesWithoutNoiseSamples(): Promise<ImageChangeRow[]> {
  const recent = await db.sessions.orderBy('created_at').reverse().limit(RECENT_SESSIONS).primaryKeys();
  const rows = await db.image_changes.where('session_id').anyOf(recent).toArray();
  return rows.filter((r) => r.noise_samples === null && r.analysis_version === ANALYSIS_VERSION);
}

/**
 * Stores a photo's noise samples in its change row, if the row is still the one they were computed from (same
 * analysis version, samples still missing): a re-analysis in between has written its own.
 */
export async function storeNoiseSamples(imageId: number, samples: readonly number[]): Promise<void> {
  await db.transaction('rw', db.image_changes, async () => {
    const row = await db.image_changes.get(imageId);
    if (row === undefined || row.noise_samples !== null || row.analysis_version !== ANALYSIS_VERSION) return;
    await db.image_changes.update(imageId, { noise_samples: [...samples] });
  });
}
