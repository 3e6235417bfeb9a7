import type { Database } from '../db/database.ts';
import { deleteUnconsentedParticipants } from '../repositories/participants.ts';

const HOUR_MS = 60 * 60 * 1000;

/**
 * Deletes participants who enrolled more than `afterHours` hours before `now` and never consented
 * (`UNCONSENTED_PURGE_HOURS`, config.ts): an app that enrols and is never used again, or a script that enrols in
 * bulk. They cannot have uploaded anything (every upload needs consent), so only their rows go.
 * @returns how many participants were deleted.
 */
export async function purgeUnconsented(db: Database, afterHours: number, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - afterHours * HOUR_MS);
  return (await deleteUnconsentedParticipants(db, before)).length;
}

/**
 * Runs `purgeUnconsented` now and then every hour (or every `afterHours`, when shorter) until the returned stop
 * function is called. The timer does not keep the process alive; a failed run is reported to `onError` and retried
 * at the next tick.
 */
export function schedulePurge(
  db: Database,
  afterHours: number,
  onError: (error: unknown) => void,
): () => void {
  const run = () => void purgeUnconsented(db, afterHours).catch(onError);
  run();
  const timer = setInterval(run, Math.min(HOUR_MS, afterHours * HOUR_MS));
  timer.unref();
  return () => clearInterval(timer);
}
