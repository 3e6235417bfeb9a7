import type { WithdrawalResponse } from '../../sync/contract.ts';
import type { EngineStatus } from '../sync/engine.ts';

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A clock time in the person's locale, for "next try at". */
function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, {
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** What the sync engine is doing, in a sentence for Settings. */
export function engineStatusText(status: EngineStatus): string {
  switch (status.state) {
    case 'off':
      return 'Not sending anything.';
    case 'offline':
      return 'Sync paused: no connection. Sessions wait on this phone and go out when it is back online.';
    case 'no_server':
      return `Sync paused: ${status.reason}. This copy of BCD was not opened from a BCD sync server, so there is nowhere to send sessions; they wait on this phone.`;
    case 'syncing':
      return `Syncing: ${plural(status.remaining, 'upload', 'uploads')} left.`;
    case 'idle':
      return 'Up to date.';
    case 'held': {
      const they = status.sessions === 1 ? 'It stays' : 'They stay';
      return `The server refused part of ${plural(status.sessions, 'session', 'sessions')}. ${they} on this phone and will be sent again after BCD is updated.`;
    }
    case 'paused':
      return `Sync paused: ${status.reason}. Next try at ${clock(status.retryAt)}.`;
  }
}

/** The server's deletion counts of a withdrawal as "n things", every kind (zeros too: the person sees all). */
export function deletedCounts(deleted: WithdrawalResponse['deleted']): string[] {
  return [
    plural(deleted.sessions, 'session', 'sessions'),
    `${plural(deleted.images, 'photo record', 'photo records')} (${plural(deleted.stored_images, 'stored photo file', 'stored photo files')})`,
    plural(deleted.session_analyses + deleted.angle_analyses, 'analysis result', 'analysis results'),
    plural(deleted.embeddings, 'vector', 'vectors'),
    plural(deleted.analysis_logs, 'analysis log', 'analysis logs'),
    plural(deleted.feedback, 'note', 'notes'),
    plural(deleted.consents, 'consent record', 'consent records'),
    plural(deleted.participants, 'participant code', 'participant codes'),
  ];
}
