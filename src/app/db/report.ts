import { byTakenAt } from '../../core/scoring/index.ts';
import { loadSessionResult, type SessionResult } from './results.ts';
import type { ImageRow, SessionRow } from './schema.ts';
import { db } from './schema.ts';

/** A chosen session with, per angle, the earlier session and photo its change was measured against. */
export interface ReportSource {
  readonly result: SessionResult;
  /** By angle: the reference session (the registration's, the latest earlier one with the angle) and its photo. */
  readonly earlier: ReadonlyMap<string, { session: SessionRow; image: ImageRow }>;
}

/** The photo of `angle` a session is shown by: its first (position 0) photo of the angle. */
export function firstPhoto(images: readonly ImageRow[], angle: string): ImageRow | undefined {
  return images.filter((i) => i.angle === angle).sort((a, b) => a.position - b.position)[0];
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
        const [session, images] = await Promise.all([
          db.sessions.get(referenceId),
          db.images.where('[session_id+angle]').equals([referenceId, angle.angle]).toArray(),
        ]);
        const image = firstPhoto(images, angle.angle);
        if (session && image) earlier.set(angle.angle, { session, image });
      }
      return { result, earlier };
    }),
  );
}
