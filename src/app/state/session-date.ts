import { sessionIdsInOrder, setSessionTakenAt } from '../db/sessions.ts';
import { queueSessionAgain } from '../sync/outbox.ts';
import { rescoreHistory } from './rescore.ts';
import { syncEngine } from './sync.ts';

/** A date the person gave that cannot be a session's, with the reason in plain words. */
export class SessionDateError extends Error {
  override readonly name = 'SessionDateError';
}

/** Earliest accepted date: the sync contract takes years 0001–9999, and no camera photo is older than this. */
const EARLIEST = Date.UTC(1900, 0, 1);
/** A day of slack for clocks and time zones before a date counts as in the future. */
const FUTURE_SLACK_MS = 24 * 3600 * 1000;

/**
 * Changes a session's date (when its photos were taken) as the person corrects it. When the change moves the
 * session past others, the whole history is scored again in the new order (`rescoreHistory`), so each session is
 * compared with the ones before it; a shared session sends its new date.
 * @param takenAt the new date-time.
 * @throws SessionDateError for an invalid date, one before 1900 or in the future, or a session not on this
 *   phone; AnalysisError or StorageFullError from the scoring (the new date is kept; re-analysis in Settings
 *   scores again).
 */
export async function changeSessionDate(
  sessionId: string,
  takenAt: Date,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  const time = takenAt.getTime();
  if (!Number.isFinite(time)) throw new SessionDateError('That is not a date.');
  if (time < EARLIEST) throw new SessionDateError('A session’s date cannot be before 1900.');
  if (time > Date.now() + FUTURE_SLACK_MS)
    throw new SessionDateError('A session’s date cannot be in the future.');
  const before = (await sessionIdsInOrder()).join();
  if (!(await setSessionTakenAt(sessionId, takenAt.toISOString())))
    throw new SessionDateError('This session is not on this phone (it may have been deleted).');
  await queueSessionAgain(sessionId);
  syncEngine().kick();
  if ((await sessionIdsInOrder()).join() !== before) await rescoreHistory(options);
}
