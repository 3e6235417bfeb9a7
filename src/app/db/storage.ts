/** A write that failed because the device (or the browser's share of it) has no room left. */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';
  constructor(
    override readonly cause: unknown,
    message = 'This phone has no room left for BCD’s photos. Nothing from this session was saved and your photos ' +
      'are still here: free some space on the phone (or export and delete old data in Settings), then press ' +
      'Analyse again.',
  ) {
    super(message);
  }
}

function errorName(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : undefined;
}

/**
 * Whether an IndexedDB failure means "out of space". Browsers report it as a `QuotaExceededError` DOMException;
 * Dexie wraps it in its own `QuotaExceededError`, or in an `AbortError` whose `inner` is the quota error when the
 * transaction was aborted because of it.
 */
export function isQuotaError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    if (errorName(e) === 'QuotaExceededError') return true;
    e = (e as { inner?: unknown }).inner;
  }
  return false;
}

/** Space used and offered to the app, in bytes, when the browser tells. */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  if (!navigator.storage?.estimate) return null;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  return { usage, quota };
}

/**
 * Asks the browser to keep the app's data under storage pressure (it may say no, e.g. before the app is installed).
 * @returns whether storage is persistent now.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  if (!navigator.storage?.persist) return false;
  if (await navigator.storage.persisted()) return true;
  return navigator.storage.persist();
}

/** Whether the browser has agreed to keep the app's data. */
export async function isStoragePersistent(): Promise<boolean> {
  return navigator.storage?.persisted ? navigator.storage.persisted() : false;
}
