import { imageChangeRow } from '../db/changes.ts';
import {
  photosWithoutChange,
  photosWithoutEmbedding,
  saveEmbedding,
  saveImageChange,
  saveImageFaces,
} from '../db/reanalyse.ts';
import type { ImageRow } from '../db/schema.ts';
import { rescoreHistory } from './rescore.ts';
import { analysisClient, modelInfo } from './services.ts';
import { resetPhotoIndex } from './similar.ts';

export { reanalysisNeeds, type ReanalysisNeeds } from '../db/reanalyse.ts';

/**
 * After a model change (SPEC "Embedding") or an analysis-version change (SPEC "Change engine"): prepares every
 * stored photo again that the model in use has not embedded (and embeds it) or that has no change raster of the
 * analysis version in use, then scores every session again (`rescoreHistory`: in the order of their dates, each
 * against the ones before it) and queues the new analyses of shared sessions for sync.
 * Embeddings and rasters are kept as they come, so a cancelled or interrupted run goes on where it stopped.
 * @returns how many photos were prepared again and sessions scored.
 * @throws AnalysisError (`aborted` when cancelled), StorageFullError when out of space.
 */
export async function reanalyseHistory(options: {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}): Promise<{ photos: number; sessions: number }> {
  const info = await modelInfo();
  const toEmbed = await photosWithoutEmbedding(info.id);
  const toEmbedIds = new Set(toEmbed.map((i) => i.id));
  const photos = [...toEmbed, ...(await photosWithoutChange()).filter((i) => !toEmbedIds.has(i.id))];
  // Scoring the history counts as one more photo's worth of the progress bar.
  const report = (done: number) => options.onProgress?.(done / (photos.length + 1));
  for (const [i, image] of photos.entries()) {
    await prepareAgain(image, toEmbedIds.has(image.id), info.id, {
      signal: options.signal,
      onProgress: (fraction) => report(i + fraction),
    });
  }

  const sessions = await rescoreHistory({
    signal: options.signal,
    onProgress: (done, total) => report(photos.length + done / total),
  });
  resetPhotoIndex();
  options.onProgress?.(1);
  return { photos: photos.length, sessions };
}

/** Runs a stored photo through the workers again and stores its change raster, and its embedding if `embed`. */
async function prepareAgain(
  image: ImageRow,
  embed: boolean,
  modelId: string,
  options: { signal?: AbortSignal; onProgress: (fraction: number) => void },
): Promise<void> {
  const stored = { id: image.id as number, session_id: image.session_id, angle: image.angle };
  const now = new Date().toISOString();
  if (!embed) {
    const change = await analysisClient().prepareChange(image.blob, { signal: options.signal });
    await saveImageChange(imageChangeRow(stored, change, now));
    return;
  }
  const result = await analysisClient().analyseImage(image.blob, {
    signal: options.signal,
    onProgress: (_stage, fraction) => options.onProgress(fraction),
  });
  await saveEmbedding({
    image_id: stored.id,
    session_id: image.session_id,
    angle: image.angle,
    model_id: modelId,
    vector: result.embedding,
    created_at: now,
  });
  await saveImageChange(imageChangeRow(stored, result.change, now));
  await saveImageFaces(stored.id, result.change.faces);
}
