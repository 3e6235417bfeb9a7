/** Exponential backoff bounds, in milliseconds. */
export interface BackoffPolicy {
  /** Wait ceiling after the first failure; it doubles with every further one. */
  readonly baseMs: number;
  /** The ceiling never grows past this. */
  readonly capMs: number;
}

/** 1 s after the first failure, doubling up to 5 minutes: a restarting server is back on the next tries. */
export const SYNC_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 5 * 60_000 };

/**
 * Wait before the next try after `failures` consecutive failures (1 = the first): exponential with "equal
 * jitter", a random point in the upper half of `min(cap, base × 2^(failures−1))`, so devices that failed
 * together do not retry together, yet never retry at once.
 * @param random a source of numbers in [0, 1) (Math.random by default; fixed in tests).
 * @returns milliseconds, a whole number in [ceiling / 2, ceiling].
 */
export function backoffDelay(
  failures: number,
  random: () => number = Math.random,
  policy: BackoffPolicy = SYNC_BACKOFF,
): number {
  const exponent = Math.max(0, Math.floor(failures) - 1);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(exponent, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Reads an HTTP `Retry-After` header: delta-seconds or an HTTP date.
 * @param now the current time in ms since the epoch, to turn a date into a wait.
 * @returns milliseconds to wait (0 for a date in the past), or null when the header is missing or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * The wait before the next try: the backoff delay, but never shorter than the server asked for with
 * `Retry-After` (a daily upload limit may ask for hours).
 */
export function retryDelay(
  failures: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
  policy: BackoffPolicy = SYNC_BACKOFF,
): number {
  return Math.max(backoffDelay(failures, random, policy), retryAfterMs ?? 0);
}
