import type {
  AnalysisRow,
  AngleAnalysisRow,
  EmbeddingRow,
  FeedbackRow,
  ImageRow,
  SessionRow,
} from './schema.ts';
import { db } from './schema.ts';

/** Everything the Results screen shows about one session. */
export interface SessionResult {
  session: SessionRow;
  analysis: AnalysisRow;
  angles: AngleAnalysisRow[];
  images: ImageRow[];
  embeddings: EmbeddingRow[];
  /** The earlier sessions the baseline was built from, oldest first. */
  baseline: SessionRow[];
  feedback: FeedbackRow[];
}

/**
 * Loads a session with its analysis by `modelId`.
 * @returns undefined when the session does not exist, `not_analysed` when that model has not analysed it.
 */
export async function loadSessionResult(
  sessionId: string,
  modelId: string,
): Promise<SessionResult | 'not_analysed' | undefined> {
  const session = await db.sessions.get(sessionId);
  if (!session) return undefined;
  const analysis = await db.analyses.get([sessionId, modelId]);
  if (!analysis) return 'not_analysed';
  const [angles, images, embeddings, baseline, feedback] = await Promise.all([
    db.angle_analyses.where('[session_id+model_id]').equals([sessionId, analysis.model_id]).toArray(),
    db.images.where('session_id').equals(sessionId).toArray(),
    db.embeddings.where('session_id').equals(sessionId).toArray(),
    db.sessions.bulkGet([...analysis.baseline_used.session_ids]),
    db.feedback.where('session_id').equals(sessionId).toArray(),
  ]);
  return {
    session,
    analysis,
    angles: angles.sort((a, b) => session.angles.indexOf(a.angle) - session.angles.indexOf(b.angle)),
    images: images.sort((a, b) => a.position - b.position),
    embeddings: embeddings.filter((e) => e.model_id === analysis.model_id),
    baseline: baseline.flatMap((s) => (s ? [s] : [])),
    feedback,
  };
}
