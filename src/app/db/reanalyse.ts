import { ANALYSIS_VERSION } from '../../core/config.ts';
import type { SessionAnalysis } from '../../core/scoring/index.ts';
import type { AngleAnalysisRow, EmbeddingRow, ImageChangeRow, ImageRow } from './schema.ts';
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

/** Stored photos whose change raster is missing or was made by another analysis version, oldest first. */
export async function photosWithoutChange(): Promise<ImageRow[]> {
  const [images, changes] = await Promise.all([
    db.images.orderBy('id').toArray(),
    db.image_changes.toArray(),
  ]);
  const done = new Set(changes.filter((c) => c.analysis_version === ANALYSIS_VERSION).map((c) => c.image_id));
  return images.filter((i) => i.id !== undefined && !done.has(i.id));
}

/** What re-analysis would do for `modelId`; all 0 when nothing needs it. */
export interface ReanalysisNeeds {
  /** Photos without an embedding by the model (analysed by another model). */
  photosToEmbed: number;
  /** Photos, embedded or not, without a change raster of the analysis version in use. */
  photosToPrepare: number;
  /** Sessions whose analysis by the model was made by another analysis version. */
  sessionsOutdated: number;
}

/** Counts what stands between the stored history and the model and analysis version in use. */
export async function reanalysisNeeds(modelId: string): Promise<ReanalysisNeeds> {
  const [toEmbed, toPrepare, analyses] = await Promise.all([
    photosWithoutEmbedding(modelId),
    photosWithoutChange(),
    db.analyses.where('model_id').equals(modelId).toArray(),
  ]);
  return {
    photosToEmbed: toEmbed.length,
    photosToPrepare: new Set([...toEmbed, ...toPrepare].map((i) => i.id)).size,
    sessionsOutdated: analyses.filter((a) => a.analysis_version !== ANALYSIS_VERSION).length,
  };
}

/** Stores one photo's new embedding. @throws StorageFullError when out of space. */
export async function saveEmbedding(row: Omit<EmbeddingRow, 'id'>): Promise<void> {
  await quotaChecked(() => db.embeddings.add(row));
}

/** Stores (or replaces) one photo's change raster. @throws StorageFullError when out of space. */
export async function saveImageChange(row: ImageChangeRow): Promise<void> {
  await quotaChecked(() => db.image_changes.put(row));
}

/**
 * Stores the faces found in one photo when it was analysed again (`ImageRow.faces`). @throws StorageFullError when
 * out of space.
 */
export async function saveImageFaces(imageId: number, faces: ImageRow['faces']): Promise<void> {
  await quotaChecked(() => db.images.update(imageId, { faces: faces ?? null }));
}

async function quotaChecked(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
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
