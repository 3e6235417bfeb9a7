import type { FacesInImage, ImageQuality } from '../../src/sync/contract.ts';
import type { Queryable } from '../db/database.ts';
import type { StatementParameters } from '../db/values.ts';

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

/** An image announced in a session body: its angle and quality figures. */
export interface ImageQualityValues {
  readonly sessionId: string;
  readonly imageId: string;
  readonly participantId: string;
  readonly angle: string;
  readonly quality: ImageQuality;
}

/**
 * A data-modifying CTE body that records the images' angles and quality figures (announced in a session body) when
 * `guard` (an SQL condition) holds, returning the ids recorded: an image already recorded under another angle is left
 * unchanged and missing from the answer. Each image id may appear once; `images` is not empty.
 */
export function upsertImageQualitiesSql(
  p: StatementParameters,
  images: readonly ImageQualityValues[],
  guard: string,
): string {
  const values = p.rows(
    images.map((image) => [
      image.sessionId,
      image.imageId,
      image.participantId,
      image.angle,
      image.quality.image_quality_score,
      image.quality.blur_score,
      image.quality.brightness,
      image.quality.contrast,
      image.quality.clipped_fraction,
      image.quality.flags,
    ]),
    ['', '', '::uuid', '', '::float8', '::float8', '::float8', '::float8', '::float8', '::text[]'],
  );
  return `INSERT INTO images (session_id, id, participant_id, angle, image_quality_score, blur_score, brightness,
                         contrast, clipped_fraction, quality_flags)
     SELECT * FROM (VALUES ${values}) AS announced WHERE ${guard}
     ON CONFLICT (session_id, id) DO UPDATE SET
       image_quality_score = EXCLUDED.image_quality_score,
       blur_score = EXCLUDED.blur_score,
       brightness = EXCLUDED.brightness,
       contrast = EXCLUDED.contrast,
       clipped_fraction = EXCLUDED.clipped_fraction,
       quality_flags = EXCLUDED.quality_flags
     WHERE images.angle = EXCLUDED.angle
     RETURNING id`;
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
  /** The upload's `x-faces`; null when the app did not say. */
  readonly faces: FacesInImage | null;
}

/**
 * Records that an image's bytes are stored at `storagePath`. Returns false, changing nothing, when the row already
 * holds another angle or stored bytes (the caller tells a retry of the same bytes from a conflict by reading the
 * row): each upload writes its own file, so the first to commit keeps its path and later ones delete theirs.
 */
export async function recordStoredImage(db: Queryable, v: StoredImageValues): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO images (session_id, id, participant_id, angle, storage_path, sha256, byte_size, content_type,
                         faces, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
     ON CONFLICT (session_id, id) DO UPDATE SET
       storage_path = EXCLUDED.storage_path,
       sha256 = EXCLUDED.sha256,
       byte_size = EXCLUDED.byte_size,
       content_type = EXCLUDED.content_type,
       faces = EXCLUDED.faces,
       received_at = EXCLUDED.received_at
     WHERE images.angle = EXCLUDED.angle AND images.sha256 IS NULL
     RETURNING id`,
    [
      v.sessionId,
      v.imageId,
      v.participantId,
      v.angle,
      v.storagePath,
      v.sha256,
      v.byteSize,
      v.contentType,
      v.faces,
    ],
  );
  return rows.length > 0;
}

/** What a participant has stored: images with bytes, and their bytes in total. */
export async function participantImageUsage(
  db: Queryable,
  participantId: string,
): Promise<{ images: number; bytes: number }> {
  const [row] = await db.query<{ images: number; bytes: number }>(
    `SELECT count(*)::int AS images, coalesce(sum(byte_size), 0)::float8 AS bytes
     FROM images WHERE participant_id = $1 AND received_at IS NOT NULL`,
    [participantId],
  );
  return row ?? { images: 0, bytes: 0 };
}

/** Bytes of every stored image of every participant (the store-wide cap counts these). */
export async function storedImageBytes(db: Queryable): Promise<number> {
  const [row] = await db.query<{ bytes: number }>(
    'SELECT coalesce(sum(byte_size), 0)::float8 AS bytes FROM images WHERE received_at IS NOT NULL',
  );
  return row?.bytes ?? 0;
}

/** Every storage path a row refers to (the start-up sweep deletes files that none refers to). */
export async function allStoragePaths(db: Queryable): Promise<Set<string>> {
  const rows = await db.query<{ storage_path: string }>(
    'SELECT storage_path FROM images WHERE storage_path IS NOT NULL',
  );
  return new Set(rows.map((row) => row.storage_path));
}

/** Whether a row refers to `storagePath`. */
export async function storagePathInUse(db: Queryable, storagePath: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM images WHERE storage_path = $1', [storagePath])).length > 0;
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

/**
 * Forgets the stored bytes of the participant's images (consent for `images` dropped; with `unblurredFacesOnly`, only
 * photos stored with faces unblurred, for consent to `faces` dropped): the rows keep their angle and quality figures,
 * and the phone may send the photo again. Returns the storage paths that were set, for the image store to delete.
 */
export async function clearStoredImages(
  db: Queryable,
  participantId: string,
  unblurredFacesOnly = false,
): Promise<string[]> {
  const rows = await db.query<{ storage_path: string }>(
    `UPDATE images i SET storage_path = NULL, sha256 = NULL, byte_size = NULL, content_type = NULL, received_at = NULL,
                         faces = NULL
     FROM images old
     WHERE i.participant_id = $1 AND i.storage_path IS NOT NULL
       AND ($2::boolean IS FALSE OR i.faces = 'unblurred')
       AND old.session_id = i.session_id AND old.id = i.id
     RETURNING old.storage_path`,
    [participantId, unblurredFacesOnly],
  );
  return rows.map((row) => row.storage_path);
}
