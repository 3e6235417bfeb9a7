import { DEFAULT_ANGLES } from '../../core/config.ts';
import { replaceAnalyses } from '../db/reanalyse.ts';
import { loadDatedSessions } from '../db/sessions.ts';
import { queueAnalysesAgain } from '../sync/outbox.ts';
import { analysisClient, modelInfo } from './services.ts';
import { syncEngine } from './sync.ts';

/**
 * Scoring options, the same as the CLI's defaults, so a session scores the same on the phone and in the CLI:
 * the six default angles and a baseline over all earlier sessions.
 */
export const SCORING_OPTIONS = { expectedAngles: DEFAULT_ANGLES, baselineWindow: null } as const;

/**
 * Scores every stored session again with the core's `scoreHistory` in the preprocess worker (sessions in the order
 * of their dates, each against the ones before it, as `bcd analyze` does with a history folder), replaces the
 * stored analyses of the model in use, and queues the new analyses of shared sessions for sync. Used after a
 * session was added before later ones or had its date changed, and by re-analysis. Photos without an embedding
 * of the model in use are left out, as in `loadDatedSessions`.
 * @param onProgress sessions scored and their total.
 * @returns how many sessions were scored.
 * @throws AnalysisError (`aborted` when cancelled; nothing is replaced then), StorageFullError when out of space.
 */
export async function rescoreHistory(
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<number> {
  const info = await modelInfo();
  const analyses = await analysisClient().scoreHistory(await loadDatedSessions(info.id), SCORING_OPTIONS, {
    signal: options.signal,
    onProgress: options.onProgress,
  });
  await replaceAnalyses(info.id, analyses);
  // Shared sessions send their new analysis and vectors.
  await queueAnalysesAgain();
  syncEngine().kick();
  return analyses.length;
}
