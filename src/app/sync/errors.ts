import type { ErrorResponse } from '../../sync/contract.ts';

/** The sync server answered with an error status; `body` is its `{error, message, field?}` when it sent one. */
export class SyncHttpError extends Error {
  override readonly name = 'SyncHttpError';
  constructor(
    readonly status: number,
    readonly body: ErrorResponse | null,
    /** From `Retry-After`, in ms; null when the server did not say. */
    readonly retryAfterMs: number | null,
  ) {
    super(body?.message ?? `HTTP ${status}`);
  }
}

/** A request got no answer: the phone is offline, the server is down, or the connection broke. */
export class SyncNetworkError extends Error {
  override readonly name = 'SyncNetworkError';
}

/** Why the origin cannot be synced with, although it answers. */
export type NoServerReason = 'not_a_sync_server' | 'other_contract' | 'no_enrolment';

/**
 * The app's origin answers, but not as a sync server this app can use: a plain static host (`vite preview`),
 * a server of another contract version, or a server that enrols participants by a sign-in this app lacks.
 */
export class NoSyncServerError extends Error {
  override readonly name = 'NoSyncServerError';
  constructor(readonly reason: NoServerReason) {
    super(NO_SERVER_WORDS[reason]);
  }
}

/** What this phone could not turn into a valid upload (a stored row the contract refuses); retrying cannot help. */
export class UploadPreparationError extends Error {
  override readonly name = 'UploadPreparationError';
}

const NO_SERVER_WORDS: Record<NoServerReason, string> = {
  not_a_sync_server: 'no sync server',
  other_contract: 'the server runs another version of BCD',
  no_enrolment: 'the server needs a sign-in this version of the app does not offer',
};

/** What the engine does after a failed upload. */
export type FailureAction =
  /** Wait (backoff, or the server's Retry-After) and try the same item again. */
  | 'retry'
  /** The token is unknown to the server: enrol again, then go on. */
  | 'enrol_again'
  /** The server holds no consent for the scope: send the consent again, then go on. */
  | 'send_consent_again'
  /** The server refused this item for good: keep it with the reason, go on with other sessions. */
  | 'refused'
  /** Stop until the next start or `online` event: there is nothing to sync with. */
  | 'no_server';

/** A failure sorted for the engine, with the reason in words for "Sync paused: …". */
export interface ClassifiedFailure {
  readonly action: FailureAction;
  readonly reason: string;
  readonly retryAfterMs: number | null;
}

/**
 * Sorts an error thrown while syncing: network errors, 408, 429 and 5xx are retried; 401 means enrol again;
 * 403 means send the consent again; other 4xx answers and local preparation errors refuse the item.
 */
export function classifyFailure(error: unknown): ClassifiedFailure {
  if (error instanceof NoSyncServerError)
    return { action: 'no_server', reason: error.message, retryAfterMs: null };
  if (error instanceof SyncNetworkError) {
    return { action: 'retry', reason: 'the server cannot be reached', retryAfterMs: null };
  }
  if (error instanceof SyncHttpError) {
    const { status, retryAfterMs } = error;
    if (status === 401) return { action: 'enrol_again', reason: 'this phone must enrol again', retryAfterMs };
    if (status === 403)
      return { action: 'send_consent_again', reason: 'the consent must be sent again', retryAfterMs };
    if (status === 429) return { action: 'retry', reason: 'the daily upload limit is reached', retryAfterMs };
    if (status === 408 || status >= 500)
      return { action: 'retry', reason: 'the server is busy', retryAfterMs };
    if (status >= 200 && status < 300) {
      return { action: 'retry', reason: 'the server gave an answer this app cannot read', retryAfterMs };
    }
    return { action: 'refused', reason: `the server refused it (${error.message})`, retryAfterMs: null };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { action: 'refused', reason: `this phone could not prepare it (${message})`, retryAfterMs: null };
}
