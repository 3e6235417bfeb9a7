import { IMAGE_INPUT_ERROR_CODES, ImageInputError } from '../src/core/image/errors.ts';
import type { ImageInputErrorCode } from '../src/core/image/errors.ts';

/** Why an analysis call failed: an image the decoder refused, an aborted call, or a failure of the device side. */
export type AnalysisErrorCode = ImageInputErrorCode | 'aborted' | 'analysis_failed';

/**
 * An error as it crosses a worker boundary. Comlink clones a thrown `Error` as `{ message, name, stack }` only,
 * which would drop `code`; a thrown plain object is cloned whole, so workers throw this shape instead.
 */
export interface WireError {
  readonly wire: 'bcd-error';
  readonly code: AnalysisErrorCode;
  readonly message: string;
}

/** Converts anything a worker caught into a `WireError`, keeping an `ImageInputError`'s code and message. */
export function toWireError(error: unknown): WireError {
  if (error instanceof ImageInputError)
    return { wire: 'bcd-error', code: error.code, message: error.message };
  const detail = error instanceof Error ? error.message : String(error);
  return {
    wire: 'bcd-error',
    code: 'analysis_failed',
    message: `The analysis could not run on this device (${detail}).`,
  };
}

/**
 * Runs `fn` and rethrows any failure as a `WireError`, so every method of a worker API fails the same way.
 * @throws WireError
 */
export async function withWireErrors<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toWireError(error);
  }
}

const IMAGE_INPUT_CODES: ReadonlySet<string> = new Set(IMAGE_INPUT_ERROR_CODES);

/**
 * The inverse of `toWireError` for callers that work with the core's errors (the CLI's worker pool): a
 * `WireError` of a refused image becomes the `ImageInputError` it was, anything else an `Error` with its message.
 */
export function fromWireError(error: unknown): Error {
  const wire = error as Partial<WireError> | null;
  if (typeof wire !== 'object' || wire === null || wire.wire !== 'bcd-error' || !wire.message) {
    return error instanceof Error ? error : new Error(String(error));
  }
  return wire.code !== undefined && IMAGE_INPUT_CODES.has(wire.code)
    ? new ImageInputError(wire.code as ImageInputErrorCode, wire.message)
    : new Error(wire.message);
}
