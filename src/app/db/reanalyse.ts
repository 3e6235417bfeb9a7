import type { SessionAnalysis } from '../../core/scoring/index.ts';
import type { AngleAnalysisRow, EmbeddingRow, ImageRow } from './schema.ts';
import { db } from './schema.ts';
import { StorageFullError, isQuotaError } from './storage.ts';

const FULL_MESSAGE =
  'This phone has no room left to analyse the photos again. The photos analysed so far are kept; free some space ' +
  'and press the button again to go on.';

/** Stored photos that carry no embedding by `modelId` (they were analysed by another model), oldest first. */
export async function photosWithoutEmbedding(modelId: string): Promise<ImageRow[]> {
  const [images, embedded] = await Promise.all([
    db.images.orderBy('id').toArray(),
    db.embeddings.where('model_id').equals(modelId).toArray(),
  ]);
  const done = new Set(embedded.map((e) => e.image_id));
  return images.filter((i) => i.id !== undefined && !done.has(i.id));
}

/** Stores one photo's new embedding. @throws StorageFullError when out of space. */
export async function saveEmbedding(row: Omit<EmbeddingRow, 'id'>): Promise<void> {
  try {
    await db.embeddings.add(row);
  } catch (err) {
    if (isQuotaError(err)) throw new StorageFullError(err, FULL_MESSAGE);
    throw err;
  }
}

/**
 * Replaces every session's analysis by `modelId` with `analyses`, in one transaction.
 * @throws StorageFullError when out of space (the earlier analyses stay).
 */
export async function replaceAnalyses(modelId: string, analyses: readonly SessionAnalysis[]): Promise<void> {
  const now = new Date().toISOString();
  try {
    await db.transaction('rw', [db.analyses, db.angle_analyses], async () => {
      await db.analyses.where('model_id').equals(modelId).delete();
      await db.angle_analyses.filter((a) => a.model_id === modelId).delete();
      for (const { angles, ...analysis } of analyses) {
        await db.analyses.add({ ...analysis, created_at: now });
        await db.angle_analyses.bulkAdd(
          angles.map((a): AngleAnalysisRow => ({ ...a, session_id: analysis.session_id, model_id: modelId })),
        );
      }
    });
  } catch (err) {
    if (isQuotaError(err)) throw new StorageFullError(err, FULL_MESSAGE);
    throw err;
  }
}
