import type { z } from 'zod';
import type { ReadyResponseSchema } from '../../src/sync/contract.ts';
import type { Database } from '../db/database.ts';
import type { ImageStore } from '../storage/image-store.ts';

type Readiness = z.infer<typeof ReadyResponseSchema>;

/** Probes the database (`SELECT 1`) and the image store; never throws. */
export async function checkReadiness(db: Database, images: ImageStore): Promise<Readiness> {
  const [database, imageStore] = await Promise.all([
    db.query('SELECT 1').then(
      () => 'ok' as const,
      () => 'unavailable' as const,
    ),
    images.check().then(
      () => 'ok' as const,
      () => 'unavailable' as const,
    ),
  ]);
  return {
    status: database === 'ok' && imageStore === 'ok' ? 'ok' : 'unavailable',
    database,
    image_store: imageStore,
  };
}
