import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { tryPidLock } from '../../src/node/pid-lock.ts';

/** The embedded store is held by another live process. */
export class StoreInUseError extends Error {
  override readonly name = 'StoreInUseError';
}

/**
 * Takes `<dir>/store.lock` for this process. PGlite has no multi-process locking, and two processes writing
 * one data directory would corrupt it, so the server and `bcd export` both take this lock. A lock left by a
 * dead process is taken over. Returns the release function.
 * @throws StoreInUseError naming the live process that holds the store.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const lock = await tryPidLock(path.join(dir, 'store.lock'));
  if ('release' in lock) return lock.release;
  throw new StoreInUseError(
    lock.holder === process.pid
      ? `The embedded store ${dir} is already open in this process`
      : `The embedded store ${dir} is in use by process ${lock.holder}; stop it first`,
  );
}
