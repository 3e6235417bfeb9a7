import { v5 as uuidv5 } from 'uuid';
import type { SessionUpload } from '../../sync/contract.ts';
import type { Enrolment } from './state.ts';

/** A session's id on the server for its local id (`SessionRow.id`). */
export type UploadIds = (localSessionId: string) => string;

/**
 * How the enrolment names sessions on the server. The server keys sessions by their id alone and answers 404 for
 * an id another participant holds, so a phone that enrols again (its refresh refused while the earlier participant
 * still exists) must not reuse the ids it sent before: an enrolment marked `session_ids: 'participant'` sends each
 * session as the UUIDv5 of its local id in the participant's namespace (the participant id is a UUID) — the same
 * every time for the same participant, so uploads stay idempotent, and new for every new participant. Enrolments
 * stored before this rule keep the local ids their sessions were sent under.
 */
export function uploadIds(enrolment: Pick<Enrolment, 'participant_id' | 'session_ids'>): UploadIds {
  if (enrolment.session_ids !== 'participant') return (id) => id;
  const namespace = enrolment.participant_id;
  return (id) => uuidv5(id, namespace);
}

/**
 * A session body with every session id in it (the baseline's sessions, the registration's and the comparisons'
 * reference sessions) named as the server knows them, so the server's record refers to its own sessions.
 */
export function withUploadIds(body: SessionUpload, ids: UploadIds): SessionUpload {
  return {
    ...body,
    ...(body.analysis && {
      analysis: {
        ...body.analysis,
        baseline_used: {
          ...body.analysis.baseline_used,
          session_ids: body.analysis.baseline_used.session_ids.map(ids),
        },
      },
    }),
    ...(body.angle_analyses && {
      angle_analyses: body.angle_analyses.map((angle) => ({
        ...angle,
        ...(angle.registration && {
          registration: {
            ...angle.registration,
            reference_session_id: ids(angle.registration.reference_session_id),
          },
        }),
        ...(angle.references && {
          references: angle.references.map((r) => ({ ...r, session_id: ids(r.session_id) })),
        }),
      })),
    }),
  };
}
