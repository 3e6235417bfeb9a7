import { analyzeSession, toHistorySession } from '../../core/scoring/index.ts';
import type { HistorySession, SessionAnalysis } from '../../core/scoring/index.ts';
import { photosWithoutEmbedding, replaceAnalyses, saveEmbedding } from '../db/reanalyse.ts';
import { db } from '../db/schema.ts';
import { loadScoringSession } from '../db/sessions.ts';
import { queueAnalysesAgain } from '../sync/outbox.ts';
import { SCORING_OPTIONS } from './analyse.ts';
import { analysisClient, modelInfo } from './services.ts';
import { resetPhotoIndex } from './similar.ts';
import { syncEngine } from './sync.ts';

/**
 * After a model change (SPEC "Embedding"): embeds every stored photo the model in use has not seen, then scores
 * every session again in date order against the ones before it, as `bcd analyze` does with a history folder, and
 * queues the new analyses of shared sessions for sync.
 * Embeddings are kept as they come, so a cancelled or interrupted run goes on where it stopped.
 * @returns how many photos were embedded and sessions scored.
 * @throws AnalysisError (`aborted` when cancelled), StorageFullError when out of space.
 */
export async function reanalyseHistory(options: {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}): Promise<{ photos: number; sessions: number }> {
  const info = await modelInfo();
  const photos = await photosWithoutEmbedding(info.id);
  for (const [i, image] of photos.entries()) {
    const result = await analysisClient().analyseImage(image.blob, {
      signal: options.signal,
      onProgress: (_stage, fraction) => options.onProgress?.((i + fraction) / (photos.length + 1)),
    });
    await saveEmbedding({
      image_id: image.id as number,
      session_id: image.session_id,
      angle: image.angle,
      model_id: info.id,
      vector: result.embedding,
      created_at: new Date().toISOString(),
    });
  }

  const history: HistorySession[] = [];
  const analyses: SessionAnalysis[] = [];
  for (const session of await db.sessions.orderBy('created_at').toArray()) {
    const scoring = await loadScoringSession(session.id, info.id);
    if (!scoring || scoring.images.length === 0) continue;
    const analysis = analyzeSession(scoring, history, SCORING_OPTIONS);
    history.push(toHistorySession(scoring, analysis));
    analyses.push(analysis);
  }
  await replaceAnalyses(info.id, analyses);
  resetPhotoIndex();
  // Shared sessions send their new analysis and vectors.
  await queueAnalysesAgain();
  syncEngine().kick();
  options.onProgress?.(1);
  return { photos: photos.length, sessions: analyses.length };
}
