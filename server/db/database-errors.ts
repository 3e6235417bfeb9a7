import { ApiError, insufficientStorage, unavailable } from '../errors.ts';

/** What the server reads of an error from PGlite or node-postgres (both carry Postgres's SQLSTATE as `code`). */
export interface DatabaseErrorFields {
  /** SQLSTATE, five characters (Postgres appendix A), e.g. `23503`. */
  readonly code: string;
  readonly severity?: string;
  readonly constraint?: string;
  readonly routine?: string;
}

/** Whether `error` came from the database: a five-character SQLSTATE `code` beside a `severity`. */
export function isDatabaseError(error: unknown): error is Error & DatabaseErrorFields {
  if (!(error instanceof Error)) return false;
  const { code, severity } = error as Partial<DatabaseErrorFields>;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}

/**
 * The answer to a database error caused by the request's values, or to a full disk; null for the server's own
 * failures (answered 500). The message never repeats the database's, which can quote stored values.
 * - class 22 (data exception: a value out of range or malformed for its column) → 400;
 * - 23503 (foreign key: the participant or session was deleted meanwhile, e.g. by a concurrent withdrawal),
 *   23505 (unique: a concurrent upload of the same id won) → 409;
 * - other class 23 (a CHECK or NOT NULL the contract let through) → 400;
 * - 53100 (disk full) → 507; 40001 / 40P01 (serialisation failure, deadlock) → 503, retry.
 * Postgres's SQLSTATE list: https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
export function apiErrorOfDatabase(error: unknown): ApiError | null {
  if (!isDatabaseError(error)) return null;
  const { code } = error;
  if (code.startsWith('22')) {
    return new ApiError(
      400,
      'bad_request',
      'A value of the request cannot be stored (out of range or malformed)',
    );
  }
  if (code === '23503') {
    return new ApiError(
      409,
      'conflict',
      'The participant or session this upload belongs to is no longer stored (withdrawn meanwhile?)',
    );
  }
  if (code === '23505')
    return new ApiError(409, 'conflict', 'A concurrent upload stored this id first; retry');
  if (code.startsWith('23')) {
    return new ApiError(400, 'bad_request', 'The request breaks a rule of the stored data');
  }
  if (code === '53100') return insufficientStorage();
  if (code === '40001' || code === '40P01') return unavailable('The database was busy; retry');
  return null;
}

/** Whether a file-system error means the disk (or the user's quota) is full. */
export function isStorageFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
