import { byTakenAt, toHistorySession } from '../../core/scoring/index.ts';
import type {
  DatedSession,
  HistorySession,
  ImageChange,
  ScoredImage,
  ScoringSession,
  SessionAnalysis,
} from '../../core/scoring/index.ts';
import { currentChanges, imageChangeRow } from './changes.ts';
import type {
  AnalysisLogRow,
  AnalysisRow,
  AngleAnalysisRow,
  EmbeddingRow,
  ImageRow,
  SessionRow,
} from './schema.ts';
import { db } from './schema.ts';
import { StorageFullError, isQuotaError } from './storage.ts';

/** A photo of a new session, analysed and ready to be stored. */
export interface NewImage extends Omit<ImageRow, 'id' | 'session_id' | 'created_at'> {
  embedding: Float32Array;
  /** The change engine's raster and noise samples of the photo (kept in `image_changes`). */
  change: ImageChange;
}

/** Everything one analysed session writes. */
export interface NewSession {
  session: SessionRow;
  images: NewImage[];
  analysis: SessionAnalysis;
  log: Omit<AnalysisLogRow, 'id' | 'session_id'>;
}

/** A session in the history list, with its analysis by the model in use (when it has one). */
export interface SessionSummary {
  session: SessionRow;
  analysis: AnalysisRow | undefined;
}

/** Orders photos as the CLI reads a session folder (angle name, then position) so float sums match it. */
function byAngleThenPosition(a: { angle: string; position: number }, b: { angle: string; position: number }) {
  return a.angle === b.angle ? a.position - b.position : a.angle < b.angle ? -1 : 1;
}

/**
 * Builds the scoring view of stored photos that carry an embedding of `modelId`, each with its change raster
 * (and the faces found in it, which the change engine leaves out) when it has one of the analysis version in use.
 */
function scoredImages(
  images: readonly ImageRow[],
  embeddings: readonly EmbeddingRow[],
  changes: ReadonlyMap<number, ImageChange>,
  modelId: string,
): ScoredImage[] {
  const vectors = new Map(
    embeddings.filter((e) => e.model_id === modelId).map((e) => [e.image_id, e.vector]),
  );
  return [...images].sort(byAngleThenPosition).flatMap((image): ScoredImage[] => {
    if (image.id === undefined) return [];
    const embedding = vectors.get(image.id);
    if (!embedding) return [];
    const change = changes.get(image.id);
    const scored = { image_id: String(image.id), angle: image.angle, embedding, quality: image.quality };
    return [change ? { ...scored, change: { ...change, faces: image.faces } } : scored];
  });
}

/**
 * Scoring view of one stored session: its photos embedded by `modelId`, with their change rasters.
 * @returns undefined when the session does not exist.
 */
export async function loadScoringSession(
  sessionId: string,
  modelId: string,
): Promise<ScoringSession | undefined> {
  if (!(await db.sessions.get(sessionId))) return undefined;
  const [images, embeddings, changes] = await Promise.all([
    db.images.where('session_id').equals(sessionId).toArray(),
    db.embeddings.where('session_id').equals(sessionId).toArray(),
    currentChanges([sessionId]),
  ]);
  return {
    session_id: sessionId,
    model_id: modelId,
    images: scoredImages(images, embeddings, changes, modelId),
  };
}

/** Every stored session, in the order the history is scored in (the core's `byTakenAt`), oldest first. */
async function sessionsInOrder(): Promise<SessionRow[]> {
  const sessions = await db.sessions.toArray();
  return sessions.sort((a, b) =>
    byTakenAt({ taken_at: a.taken_at, session_id: a.id }, { taken_at: b.taken_at, session_id: b.id }),
  );
}

/** The ids of every stored session in the history's order, oldest first. */
export async function sessionIdsInOrder(): Promise<string[]> {
  return (await sessionsInOrder()).map((s) => s.id);
}

/**
 * Every stored session with a photo embedded by `modelId`, dated by when its photos were taken (`taken_at`), as
 * the core's `scoreHistory` takes them, oldest first. Sessions without such a photo are left out.
 */
export async function loadDatedSessions(modelId: string): Promise<DatedSession[]> {
  const [sessions, images, embeddings, changes] = await Promise.all([
    sessionsInOrder(),
    db.images.toArray(),
    db.embeddings.where('model_id').equals(modelId).toArray(),
    currentChanges(),
  ]);
  return sessions.flatMap((s) => {
    const own = scoredImages(
      images.filter((i) => i.session_id === s.id),
      embeddings.filter((e) => e.session_id === s.id),
      changes,
      modelId,
    );
    return own.length === 0
      ? []
      : [{ session_id: s.id, model_id: modelId, images: own, taken_at: s.taken_at }];
  });
}

/**
 * The history a new session is scored against: every stored session analysed by `modelId` that comes before
 * `before` in the history's order (all of them when it is omitted), oldest first, made from its stored analysis by
 * the core's own rule (`toHistorySession`: its angle change, and the raw local change of each angle against its
 * references as real noise samples), exactly as `scoreHistory` builds it for the CLI.
 */
export async function loadScoringHistory(
  modelId: string,
  before?: { taken_at: string; session_id: string },
): Promise<HistorySession[]> {
  const [sessions, analyses, angleRows] = await Promise.all([
    loadDatedSessions(modelId),
    db.analyses.where('model_id').equals(modelId).toArray(),
    db.angle_analyses.filter((a) => a.model_id === modelId).toArray(),
  ]);
  const analysisOf = new Map(analyses.map((a) => [a.session_id, a]));
  return sessions.flatMap(({ taken_at, ...session }) => {
    const analysis = analysisOf.get(session.session_id);
    if (!analysis) return [];
    if (before && byTakenAt({ taken_at, session_id: session.session_id }, before) >= 0) return [];
    const angles = angleRows.filter((a) => a.session_id === session.session_id);
    return [toHistorySession(session, { ...analysis, angles })];
  });
}

/** Whether any stored session comes after `session` in the history's order (so its analysis would change). */
export async function hasLaterSession(session: { taken_at: string; session_id: string }): Promise<boolean> {
  const sessions = await db.sessions.toArray();
  return sessions.some((s) => byTakenAt({ taken_at: s.taken_at, session_id: s.id }, session) > 0);
}

/**
 * Sets a session's date (`taken_at`).
 * @param takenAt ISO 8601 in `toISOString`'s UTC form.
 * @returns false when the session does not exist.
 */
export async function setSessionTakenAt(sessionId: string, takenAt: string): Promise<boolean> {
  return (await db.sessions.update(sessionId, { taken_at: takenAt })) === 1;
}

/** Sessions newest first (the reverse of the history's order), each with its analysis by `modelId`. */
export async function listSessions(modelId: string): Promise<SessionSummary[]> {
  const [sessions, analyses] = await Promise.all([
    sessionsInOrder(),
    db.analyses.where('model_id').equals(modelId).toArray(),
  ]);
  const analysisOf = new Map(analyses.map((a) => [a.session_id, a]));
  return sessions.reverse().map((session) => ({ session, analysis: analysisOf.get(session.id) }));
}

/**
 * Writes an analysed session, its photos, embeddings, change rasters, analysis and log in one transaction: either all of it is
 * stored or none of it (no partial session is left behind).
 * @returns the stored image ids, in the order of `input.images`.
 * @throws StorageFullError when the device is out of space (nothing was written); other errors as they come.
 */
export async function saveAnalysedSession(input: NewSession): Promise<number[]> {
  const { session, analysis } = input;
  const now = session.created_at;
  const { angles, ...sessionAnalysis } = analysis;
  try {
    return await db.transaction(
      'rw',
      [
        db.sessions,
        db.images,
        db.embeddings,
        db.image_changes,
        db.analyses,
        db.angle_analyses,
        db.analysis_logs,
      ],
      async () => {
        await db.sessions.add(session);
        const ids: number[] = [];
        for (const { embedding, change, ...image } of input.images) {
          const id = (await db.images.add({ ...image, session_id: session.id, created_at: now })) as number;
          ids.push(id);
          await db.image_changes.add(imageChangeRow({ ...image, id, session_id: session.id }, change, now));
          await db.embeddings.add({
            image_id: id,
            session_id: session.id,
            angle: image.angle,
            model_id: analysis.model_id,
            vector: embedding,
            created_at: now,
          });
        }
        await db.analyses.add({ ...sessionAnalysis, created_at: now });
        await db.angle_analyses.bulkAdd(
          angles.map((a): AngleAnalysisRow => ({
            ...a,
            session_id: session.id,
            model_id: analysis.model_id,
          })),
        );
        await db.analysis_logs.add({ ...input.log, session_id: session.id });
        return ids;
      },
    );
  } catch (err) {
    if (isQuotaError(err)) throw new StorageFullError(err);
    throw err;
  }
}

/** Records an analysis that failed before anything was saved. Best effort: the person already sees the error. */
export async function logFailedAnalysis(log: Omit<AnalysisLogRow, 'id' | 'session_id'>): Promise<void> {
  await db.analysis_logs.add({ ...log, session_id: null });
}

/**
 * Deletes one session and everything that refers to it, its queued uploads included, in one transaction.
 * @returns the ids of the deleted photos (to drop them from the vector index).
 */
export async function deleteSession(sessionId: string): Promise<number[]> {
  return db.transaction(
    'rw',
    [
      db.sessions,
      db.images,
      db.embeddings,
      db.image_changes,
      db.analyses,
      db.angle_analyses,
      db.analysis_logs,
      db.feedback,
      db.outbox,
      db.session_sync,
    ],
    async () => {
      const imageIds = (await db.images.where('session_id').equals(sessionId).primaryKeys()) as number[];
      await db.images.where('session_id').equals(sessionId).delete();
      await db.embeddings.where('session_id').equals(sessionId).delete();
      await db.image_changes.where('session_id').equals(sessionId).delete();
      await db.analyses.where('session_id').equals(sessionId).delete();
      await db.angle_analyses.where('session_id').equals(sessionId).delete();
      await db.analysis_logs.where('session_id').equals(sessionId).delete();
      await db.feedback.where('session_id').equals(sessionId).delete();
      await db.outbox.where('session_id').equals(sessionId).delete();
      await db.session_sync.delete(sessionId);
      await db.sessions.delete(sessionId);
      return imageIds;
    },
  );
}
