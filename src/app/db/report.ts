import { byTakenAt } from '../../core/scoring/index.ts';
import { bestChangeOf, currentChanges } from './changes.ts';
import { loadSessionResult, type SessionResult } from './results.ts';
import type { ImageRow, SessionRow } from './schema.ts';
import { db } from './schema.ts';

/** A chosen session with, per angle, the earlier session and photo its change was measured against. */
export interface ReportSource {
  readonly result: SessionResult;
  /** By angle: the reference session (the registration's, the latest earlier one with the angle) and its photo. */
  readonly earlier: ReadonlyMap<string, { session: SessionRow; image: ImageRow }>;
}

/**
 * The photo of `angle` a session is shown by in the report: the one the change engine compared (`bestChangeOf`),
 * or its first photo of the angle when none has a change raster of the analysis version in use.
 */
export async function comparedPhoto(sessionId: string, angle: string): Promise<ImageRow | undefined> {
  const [images, changes] = await Promise.all([
    db.images.where('[session_id+angle]').equals([sessionId, angle]).toArray(),
    currentChanges([sessionId]),
  ]);
  const change = bestChangeOf(images, changes, angle);
  const compared = images.find(
    (i) => i.id !== undefined && change !== undefined && changes.get(i.id) === change,
  );
  return compared ?? images.sort((a, b) => a.position - b.position)[0];
}

/**
 * Loads the chosen sessions for a report, oldest first (the history's order), each with its analysis by `modelId`
 * and, per angle, the earlier photo its change was measured against. Sessions that are gone or that `modelId` has
 * not analysed are left out.
 */
export async function loadReportSources(
  sessionIds: readonly string[],
  modelId: string,
): Promise<ReportSource[]> {
  const results = (await Promise.all(sessionIds.map((id) => loadSessionResult(id, modelId)))).filter(
    (r): r is SessionResult => typeof r === 'object',
  );
  results.sort((a, b) =>
    byTakenAt(
      { taken_at: a.session.taken_at, session_id: a.session.id },
      { taken_at: b.session.taken_at, session_id: b.session.id },
    ),
  );
  return Promise.all(
    results.map(async (result) => {
      const earlier = new Map<string, { session: SessionRow; image: ImageRow }>();
      for (const angle of result.angles) {
        const referenceId = angle.registration?.reference_session_id;
        if (!referenceId) continue;
        const [session, image] = await Promise.all([
          db.sessions.get(referenceId),
          comparedPhoto(referenceId, angle.angle),
        ]);
        if (session && image) earlier.set(angle.angle, { session, image });
      }
      return { result, earlier };
    }),
  );
}
