import type { z } from 'zod';
import type { ReadyResponseSchema } from '../../src/sync/contract.ts';
import type { Database } from '../db/database.ts';
import { storedImageBytes } from '../repositories/images.ts';
import type { ImageStore } from '../storage/image-store.ts';

type Readiness = z.infer<typeof ReadyResponseSchema>;

/**
 * Probes the database (`SELECT 1`, then the stored image bytes) and the image store; never throws. The image store is
 * `full` when the stored bytes reached `maxStoredImageBytes` (`STORE_MAX_IMAGE_BYTES`), which leaves the server ready.
 */
export async function checkReadiness(
  db: Database,
  images: ImageStore,
  maxStoredImageBytes: number,
): Promise<Readiness> {
  const [database, reachable, stored] = await Promise.all([
    db.query('SELECT 1').then(
      () => 'ok' as const,
      () => 'unavailable' as const,
    ),
    images.check().then(
      () => true,
      () => false,
    ),
    storedImageBytes(db).catch(() => null),
  ]);
  const full = stored !== null && stored >= maxStoredImageBytes;
  return {
    status: database === 'ok' && reachable ? 'ok' : 'unavailable',
    database,
    image_store: !reachable ? 'unavailable' : full ? 'full' : 'ok',
    stored_image_bytes: stored,
    max_stored_image_bytes: maxStoredImageBytes,
  };
}
