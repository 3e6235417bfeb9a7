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
 * Loads a session with its latest analysis.
 * @returns undefined when the session does not exist or was never analysed.
 */
export async function loadSessionResult(sessionId: string): Promise<SessionResult | undefined> {
  const session = await db.sessions.get(sessionId);
  if (!session) return undefined;
  const analyses = await db.analyses.where('session_id').equals(sessionId).sortBy('created_at');
  const analysis = analyses.at(-1);
  if (!analysis) return undefined;
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
