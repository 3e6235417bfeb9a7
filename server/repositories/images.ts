import type { ImageQuality } from '../../src/sync/contract.ts';
import type { Queryable } from '../db/database.ts';

export interface ImageRow {
  readonly session_id: string;
  readonly id: string;
  readonly angle: string;
  readonly storage_path: string | null;
  readonly sha256: string | null;
  readonly byte_size: number | null;
  readonly content_type: string | null;
}

const IMAGE_COLUMNS = 'session_id, id, angle, storage_path, sha256, byte_size, content_type';

/** The image row (announced or stored) of the session, or null. */
export async function findImage(db: Queryable, sessionId: string, imageId: string): Promise<ImageRow | null> {
  const [row] = await db.query<ImageRow>(
    `SELECT ${IMAGE_COLUMNS} FROM images WHERE session_id = $1 AND id = $2`,
    [sessionId, imageId],
  );
  return row ?? null;
}

/**
 * Records an image's angle and quality figures (announced in the session body). Returns false, changing
 * nothing, when the image is already recorded under another angle.
 */
export async function upsertImageQuality(
  db: Queryable,
  image: { sessionId: string; imageId: string; participantId: string; angle: string; quality: ImageQuality },
): Promise<boolean> {
  const q = image.quality;
  const rows = await db.query(
    `INSERT INTO images (session_id, id, participant_id, angle, image_quality_score, blur_score, brightness,
                         contrast, clipped_fraction, quality_flags)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text[])
     ON CONFLICT (session_id, id) DO UPDATE SET
       image_quality_score = EXCLUDED.image_quality_score,
       blur_score = EXCLUDED.blur_score,
       brightness = EXCLUDED.brightness,
       contrast = EXCLUDED.contrast,
       clipped_fraction = EXCLUDED.clipped_fraction,
       quality_flags = EXCLUDED.quality_flags
     WHERE images.angle = EXCLUDED.angle
     RETURNING id`,
    [
      image.sessionId,
      image.imageId,
      image.participantId,
      image.angle,
      q.image_quality_score,
      q.blur_score,
      q.brightness,
      q.contrast,
      q.clipped_fraction,
      q.flags,
    ],
  );
  return rows.length > 0;
}

export interface StoredImageValues {
  readonly sessionId: string;
  readonly imageId: string;
  readonly participantId: string;
  readonly angle: string;
  readonly storagePath: string;
  readonly sha256: string;
  readonly byteSize: number;
  readonly contentType: string;
}

/**
 * Records that an image's bytes are stored. Returns false, changing nothing, when the row already holds
 * another angle or other bytes (the caller checked; this closes the race between two uploads).
 */
export async function recordStoredImage(db: Queryable, v: StoredImageValues): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO images (session_id, id, participant_id, angle, storage_path, sha256, byte_size, content_type,
                         received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
     ON CONFLICT (session_id, id) DO UPDATE SET
       storage_path = EXCLUDED.storage_path,
       sha256 = EXCLUDED.sha256,
       byte_size = EXCLUDED.byte_size,
       content_type = EXCLUDED.content_type,
       received_at = coalesce(images.received_at, EXCLUDED.received_at)
     WHERE images.angle = EXCLUDED.angle AND (images.sha256 IS NULL OR images.sha256 = EXCLUDED.sha256)
     RETURNING id`,
    [v.sessionId, v.imageId, v.participantId, v.angle, v.storagePath, v.sha256, v.byteSize, v.contentType],
  );
  return rows.length > 0;
}

/** How many images of the session have their bytes stored. */
export async function countReceivedImages(db: Queryable, sessionId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM images WHERE session_id = $1 AND received_at IS NOT NULL',
    [sessionId],
  );
  return row?.n ?? 0;
}

/** Deletes every image row of the participant; returns the storage paths of those whose bytes were stored. */
export async function deleteImages(
  db: Queryable,
  participantId: string,
): Promise<{ rows: number; storagePaths: string[] }> {
  const rows = await db.query<{ storage_path: string | null }>(
    'DELETE FROM images WHERE participant_id = $1 RETURNING storage_path',
    [participantId],
  );
  return {
    rows: rows.length,
    storagePaths: rows.flatMap((row) => (row.storage_path === null ? [] : [row.storage_path])),
  };
}
