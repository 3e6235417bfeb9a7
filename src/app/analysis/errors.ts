import type { AnalysisErrorCode, WireError } from '../../../workers/wire-error.ts';

export type { AnalysisErrorCode } from '../../../workers/wire-error.ts';

/**
 * Why an analysis call failed, with a person-readable `message`. `code` is an `ImageInputError` code (`empty`,
 * `not_an_image`, `unsupported_format`, `truncated`, `corrupt`, `too_small`, `too_large`), `aborted` when the
 * caller's AbortSignal fired, or `analysis_failed` when the device could not run the analysis (e.g. the model
 * could not be loaded, a worker crashed).
 */
export class AnalysisError extends Error {
  override readonly name = 'AnalysisError';
  constructor(
    readonly code: AnalysisErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The error every aborted call rejects with. */
export function abortedError(): AnalysisError {
  return new AnalysisError('aborted', 'The analysis was cancelled.');
}

/** Converts what a worker call threw (a `WireError`, or anything else on a broken worker) to an AnalysisError. */
export function fromWorkerError(error: unknown): AnalysisError {
  if (error instanceof AnalysisError) return error;
  const wire = error as Partial<WireError> | null;
  if (typeof wire === 'object' && wire !== null && wire.wire === 'bcd-error' && wire.code && wire.message) {
    return new AnalysisError(wire.code, wire.message);
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new AnalysisError('analysis_failed', `The analysis could not run on this device (${detail}).`);
}
