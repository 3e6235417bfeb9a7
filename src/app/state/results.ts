import type { RegisteredPair } from '../../core/change/index.ts';
import { DEFAULT_MODEL_ID } from '../analysis/client.ts';
import { sessionAngleRaster } from '../db/changes.ts';
import { loadSessionResult } from '../db/results.ts';
import type { SessionResult } from '../db/results.ts';
import type { SessionSyncRow } from '../db/schema.ts';
import { db } from '../db/schema.ts';
import { deleteSession } from '../db/sessions.ts';
import { analysisClient } from './services.ts';
import { unindexPhotos } from './similar.ts';

export type { SessionResult } from '../db/results.ts';

/**
 * A session's result by the model in use (for a live query).
 * @returns undefined when the session does not exist, `not_analysed` when that model has not analysed it.
 */
export function sessionResult(sessionId: string): Promise<SessionResult | 'not_analysed' | undefined> {
  return loadSessionResult(sessionId, DEFAULT_MODEL_ID);
}

/** The session's place in sync (for a live query); undefined when it was never queued. */
export function sessionSyncRow(sessionId: string): Promise<SessionSyncRow | undefined> {
  return db.session_sync.get(sessionId);
}

/** Deletes a session and everything it holds, and drops its photos from the similar-photo index. */
export async function removeSession(sessionId: string): Promise<void> {
  await unindexPhotos(await deleteSession(sessionId));
}

/**
 * What the compare views of one angle show: this session's photo registered onto the reference session's photo of
 * the angle (the one its change map was measured against), registered in the preprocess worker exactly as the
 * change engine registers.
 * @returns undefined when either session has no change raster for the angle (stored before the change engine).
 * @throws AnalysisError when the worker fails.
 */
export async function registeredPairFor(
  sessionId: string,
  angle: string,
  referenceSessionId: string,
): Promise<RegisteredPair | undefined> {
  const [reference, photo] = await Promise.all([
    sessionAngleRaster(referenceSessionId, angle),
    sessionAngleRaster(sessionId, angle),
  ]);
  if (reference === undefined || photo === undefined) return undefined;
  return analysisClient().registeredPair(reference, photo);
}
